// Adoption end to end: scan → match → deduplicate → plan → apply → report.
//
// adoptWithCatalog() works on an observed catalogue and an open state DB, so a reconcile that already
// holds both can run it as its first phase (autoAdopt, for `adopt: auto`). runAdoption() is the
// `cratesync adopt` command: it takes the lock, settles an interrupted run, observes the source, adopts and
// saves.

import { acquireLock } from '../controller/lock.ts';
import { STAGING } from '../controller/pass.ts';
import type { Deps } from '../controller/reconcile.ts';
import { paths } from '../controller/reconcile.ts';
import { recoverInterruptedRun } from '../controller/recover.ts';
import { fileTagReader, type TagReader } from '../io/audio-tags.ts';
import type { Fs } from '../io/fs.ts';
import { computeLayout } from '../reconcilers/files/layout.ts';
import { hashText } from '../reconcilers/playlists/plan.ts';
import { openJournal } from '../state/journal.ts';
import { openStore, type Store } from '../state/store.ts';
import type { Catalog, DesiredState, Logger, ProgressSink } from '../types.ts';
import { type AppliedAdoption, applyAdoption } from './apply.ts';
import { identicalGroups, propagateIdentical } from './dedupe.ts';
import { buildIndex, matchFile } from './match.ts';
import { compilePins, type Pin, pinFor } from './pins.ts';
import { planAdoption } from './plan.ts';
import { type AdoptReport, buildReport } from './report.ts';
import { type FoundFile, ScanCache, walkAudio } from './scan.ts';
import type { MatchResult, ScannedFile } from './types.ts';

export interface AdoptDeps {
  fs: Fs;
  now: () => number;
  log: Logger;
  progress?: ProgressSink;
  /** How tags are read; music-metadata on the real file by default. */
  tagReader?: TagReader;
  /** The downloader's extension, as the files planner gets it (for tracks without a file). */
  downloaderExtension?: string;
}

export interface AdoptOptions {
  /** Plan and report only: nothing on disk or in the state DB changes. */
  dryRun?: boolean;
  /** `all` (the command, `adopt: auto`): every file that matches; `pins`: only files adopt.pins names. */
  scope?: 'all' | 'pins';
  signal?: AbortSignal;
  /** Files whose tags are read at once. */
  concurrency?: number;
}

export async function adoptWithCatalog(
  desired: DesiredState,
  catalog: Catalog,
  store: Store,
  deps: AdoptDeps,
  opts: AdoptOptions = {},
): Promise<AdoptReport> {
  const started = performance.now();
  const { fs } = deps;
  const root = desired.root;
  const now = deps.now();
  const state = store.loadView();
  const pins = compilePins(desired.adopt?.pins);

  // ------------------------------------------------------------------ scan
  const walked = walkAudio(fs, root);
  let foreign = walked.files.filter((f) => !state.owned.has(f.path));
  if (opts.scope === 'pins') foreign = foreign.filter((f) => pinFor(pins, f.path) !== undefined);
  const cache = new ScanCache(store, fs, root, deps.tagReader ?? fileTagReader);
  const scanned = await cache.scan(foreign, {
    concurrency: opts.concurrency,
    progress: deps.progress,
    signal: opts.signal,
  });

  // ------------------------------------------------------------------ match
  const layout = computeLayout(desired, catalog, state, deps.downloaderExtension, now);
  const index = buildIndex([...layout.tracks.values()].map((t) => t.track));
  const results = new Map<string, MatchResult>(scanned.map((f) => [f.path, matchFile(f, index, pins)]));
  const groups = await identicalGroups(scanned, (f) => cache.hash(f));
  propagateIdentical(results, groups);
  ambiguousGlobPins(results, groups, pins);

  // The real files cratesync already has for the matched tracks compete on quality with what was found.
  const matchedTracks = new Set<string>();
  for (const r of results.values()) if (r.kind === 'matched') matchedTracks.add(r.trackId);
  const byPath = new Map<string, FoundFile>(walked.files.map((f) => [f.path, f]));
  const incumbentFiles: FoundFile[] = [];
  for (const id of [...matchedTracks].sort()) {
    const fp = state.tracks.get(id)?.filePath;
    const owner = fp === undefined ? undefined : state.owned.get(fp);
    const found = fp === undefined ? undefined : byPath.get(fp);
    if (found && owner?.kind === 'primary' && owner.trackId === id) incumbentFiles.push(found);
  }
  const incumbents = await cache.scan(incumbentFiles, { owned: true, signal: opts.signal });
  const files: ScannedFile[] = [...scanned, ...incumbents];

  // ------------------------------------------------------------------ plan and apply
  const plan = planAdoption({
    desired,
    catalog,
    state,
    walked,
    files,
    results,
    identical: groups,
    downloaderExtension: deps.downloaderExtension,
    now,
    trash: `.cratesync/trash/${new Date(now).toISOString().replace(/[:.]/g, '-')}`,
    layout,
  });
  let applied: AppliedAdoption | undefined;
  if (!opts.dryRun) {
    const trackRecords = plan.tracks.map((t) => catalog.tracks.get(t.trackId)!);
    store.upsertTracks(
      trackRecords.map((track) => ({ track, metaHash: hashText(JSON.stringify(track)).slice(0, 16) })),
      new Date(now).toISOString(),
    );
    // One transaction for all the records (a statement alone costs a transaction in sql.js); what was
    // recorded is committed even when a step throws, since it describes what already happened on disk.
    applied = await store.batch(async () =>
      applyAdoption(plan, {
        fs,
        root,
        store,
        now: deps.now,
        log: deps.log,
        signal: opts.signal,
        files: new Map(files.map((f) => [f.path, f])),
      }),
    );
    // The disk changed under the playlist folders: the last convergence record no longer describes it.
    if (applied.moved.length + applied.trashed.length + applied.kept.length + applied.adopted.length > 0)
      store.clearConvergence();
  }
  cache.flush(new Date(now).toISOString(), opts.scope === 'pins' ? undefined : new Set(byPath.keys()));

  const unusedPins = pins
    .filter((pin) => !walked.files.some((f) => pin.re.test(f.path) || pin.re.test(f.path.normalize('NFC'))))
    .map((pin) => pin.pattern);
  return buildReport({
    dryRun: opts.dryRun === true,
    root,
    seconds: (performance.now() - started) / 1000,
    stats: cache.stats,
    audioFiles: walked.files.length,
    scanned: files,
    results,
    identicalGroups: groups.length,
    plan,
    applied,
    tracks: catalog.tracks,
    unusedPins,
  });
}

/** `cratesync adopt`: lock, recover, observe, adopt, save. With dryRun nothing is written or locked. */
export async function runAdoption(
  desired: DesiredState,
  deps: Deps & { tagReader?: TagReader },
  opts: AdoptOptions = {},
): Promise<AdoptReport> {
  const { fs } = deps;
  const signal = opts.signal ?? new AbortController().signal;
  const p = paths(desired.root);
  if (!fs.existsSync(desired.root)) throw new Error(`the library root ${desired.root} does not exist`);
  const lock = opts.dryRun
    ? { release: () => {} }
    : acquireLock(fs, p.lock, deps.proc, { now: deps.now, log: deps.log, command: 'adopt' });
  try {
    const store = await openStore(fs, p.db);
    try {
      if (!opts.dryRun) {
        const journal = openJournal(fs, p.journal);
        recoverInterruptedRun({
          fs,
          root: desired.root,
          store,
          journal,
          now: deps.now,
          log: deps.log,
          staging: STAGING,
        });
      }
      const maxAgeDays =
        desired.source.provider === 'tidal' ? (desired.source.tidal.metadataMaxAgeDays ?? 30) : 30;
      const catalog = await deps.source.observe(
        signal,
        deps.source.incremental
          ? store.observationCache({ now: deps.now(), maxAgeMs: maxAgeDays * 86_400_000 })
          : undefined,
      );
      const report = await adoptWithCatalog(
        desired,
        catalog,
        store,
        {
          fs,
          now: deps.now,
          log: deps.log,
          progress: deps.progress,
          tagReader: deps.tagReader,
          downloaderExtension: deps.downloader.extension,
        },
        { ...opts, signal },
      );
      return report;
    } finally {
      // Also after a failure or Ctrl-C: the state DB must describe the files that did move.
      if (!opts.dryRun) store.save();
      store.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * `adopt:` in library.yaml, as the first phase of a reconcile (call it with the run's catalogue and
 * store, after the tracks have their rows and before the first plan): with `mode: auto` every file the
 * state DB does not know that matches a track is adopted; with `mode: manual` only the files adopt.pins
 * names. Returns undefined when there is nothing to do (no `adopt:` section, or manual without pins).
 */
export async function autoAdopt(
  desired: DesiredState,
  catalog: Catalog,
  store: Store,
  deps: AdoptDeps,
  opts: { signal?: AbortSignal; dryRun?: boolean } = {},
): Promise<AdoptReport | undefined> {
  const mode = desired.adopt?.mode;
  if (mode !== 'auto' && mode !== 'manual') return undefined;
  const pins = desired.adopt?.pins;
  if (mode === 'manual' && Object.keys(pins ?? {}).length === 0) return undefined;
  const report = await adoptWithCatalog(desired, catalog, store, deps, {
    scope: mode === 'auto' ? 'all' : 'pins',
    signal: opts.signal,
    dryRun: opts.dryRun,
  });
  if (!opts.dryRun && (report.placed.length > 0 || report.trash.length > 0))
    deps.log.info(
      `adopt: ${report.placed.length} existing file(s) became tracks' real files, ${report.trash.length} duplicate(s) went to the trash`,
    );
  return report;
}

/**
 * A glob pin says "these files are that track" without looking at them: when it claims several files that
 * are not copies of one another (five different intros under one `*Intro*`), it cannot be right about all of
 * them, so none is adopted on its word; they are listed as ambiguous for an exact pin each.
 */
function ambiguousGlobPins(
  results: Map<string, MatchResult>,
  groups: readonly { path: string }[][],
  pins: readonly Pin[],
): void {
  const copyOf = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const f of g) copyOf.set(f.path, i);
  });
  const byPin = new Map<Pin, string[]>();
  for (const [p, r] of results) {
    if (r.kind !== 'matched' || r.evidence !== 'pin') continue;
    const pin = pinFor(pins, p);
    if (!pin || pin.exact) continue;
    byPin.set(pin, [...(byPin.get(pin) ?? []), p]);
  }
  for (const [pin, paths] of byPin) {
    const distinct = new Set(paths.map((p) => copyOf.get(p) ?? p));
    if (distinct.size < 2) continue;
    for (const p of paths) {
      results.set(p, {
        kind: 'ambiguous',
        evidence: 'pin',
        candidates: [
          {
            trackId: pin.trackId,
            evidence: 'pin',
            score: 0.5,
            why: `"${pin.pattern}" also names ${distinct.size - 1} other different file(s): pin this one by its exact path`,
          },
        ],
      });
    }
  }
}
