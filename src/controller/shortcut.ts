// The converged shortcut. A run that converged records a fingerprint of everything planning depends on
// (library.yaml, the source's own fingerprint, the downloader, this planner's version) and the mtime and
// size of every folder and playlist file it manages. The next run that finds the same fingerprint, the
// same stamps and no download due for a retry knows the plan is empty without observing the source or
// walking the library: adding, removing or renaming anything in a folder changes that folder's mtime.
// What it cannot see is a file rewritten in place inside a playlist folder; `--full` always looks.

import pkg from '../../package.json' with { type: 'json' };
import { statEntry } from '../reconcilers/files/observe-disk.ts';
import { hashText } from '../reconcilers/playlists/plan.ts';
import type { ConvergenceRecord, Store } from '../state/store.ts';
import type { DesiredState, Downloader, Source } from '../types.ts';
import { exportPaths, type Pass, type PassResult, STAGING } from './pass.ts';
import type { Deps } from './reconcile.ts';

/**
 * Bump when a change to planning could turn a converged library into one with work to do. The package
 * version is part of the fingerprint too, so every upgrade of cratesync looks at everything once.
 */
export const PLANNER_VERSION = 2;

export async function runFingerprint(
  desired: DesiredState,
  source: Source,
  downloader: Downloader,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (!source.fingerprint) return undefined;
  // The watcher's own settings (`watch:`) change when runs happen, not what a run does.
  const { file: _file, watch: _watch, ...rest } = desired;
  return hashText(
    JSON.stringify({
      planner: PLANNER_VERSION,
      cratesync: pkg.version,
      desired: rest,
      source: await source.fingerprint(signal),
      downloader: [downloader.name, downloader.extension ?? ''],
    }),
  );
}

/** The record when it still holds (nothing changed since it was written), else undefined. */
export async function convergedShortcut(
  desired: DesiredState,
  deps: Pick<Deps, 'fs' | 'source' | 'downloader' | 'now'>,
  store: Store,
  signal: AbortSignal,
): Promise<ConvergenceRecord | undefined> {
  const rec = store.getConvergence();
  if (!rec) return undefined;
  if (rec.wakeAt !== undefined && deps.now() >= rec.wakeAt) return undefined;
  const fingerprint = await runFingerprint(desired, deps.source, deps.downloader, signal);
  if (fingerprint === undefined || fingerprint !== rec.fingerprint) return undefined;
  for (const [rel, mtimeMs, size] of rec.stamps) {
    const [m, s] = stamp(deps, desired.root, rel);
    if (m !== mtimeMs || s !== size) return undefined;
  }
  return rec;
}

/** What a converged full pass leaves for the next run. */
export function convergenceRecord(
  desired: DesiredState,
  deps: Pick<Deps, 'fs' | 'now'>,
  pass: Pass,
  fingerprint: string,
): ConvergenceRecord {
  const paths = [desired.layout.playlists, STAGING, ...exportPaths(desired, pass.state)];
  for (const p of pass.layout.playlists) {
    paths.push(p.folder);
    if (p.playlistFile) paths.push(p.playlistFile);
  }
  let wakeAt: number | undefined;
  const now = deps.now();
  for (const id of pass.layout.tracks.keys()) {
    const retry = pass.state.tracks.get(id)?.nextRetryAt;
    if (retry !== undefined && retry > now && (wakeAt === undefined || retry < wakeAt)) wakeAt = retry;
  }
  return {
    fingerprint,
    stamps: paths.map((rel) => [rel, ...stamp(deps, desired.root, rel)]),
    wakeAt,
    skipped: pass.plans.flatMap((p) => p.skipped).slice(0, 1000),
    figures: pass.figures,
  };
}

export function shortcutPass(rec: ConvergenceRecord): PassResult {
  return {
    plans: [
      { target: 'files', actions: [], skipped: rec.skipped },
      { target: 'playlists', actions: [], skipped: [] },
    ],
    actions: [],
    figures: rec.figures,
    shortcut: true,
    children: [],
  };
}

function stamp(deps: Pick<Deps, 'fs'>, root: string, rel: string): [number, number] {
  const e = statEntry(deps.fs, `${root}/${rel}`);
  return e ? [e.mtimeMs, e.size] : [-1, -1];
}
