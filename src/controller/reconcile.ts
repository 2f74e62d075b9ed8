// The reconcile run shared by `cratesync reconcile` and (later) the watcher: lock → recover → observe the
// source → passes of observe/plan/apply until a pass plans nothing or makes no progress → record the run.
// A pass can leave work for the next one (a download whose extension was unknown, a link whose real file
// was just placed), so a run converges in a few passes instead of needing a second run.

import { autoAdopt } from '../adopt/run.ts';
import type { Fs } from '../io/fs.ts';
import type { ProcessPort } from '../io/process.ts';
import { type ApplyContext, dropScratch, newScratch } from '../reconcilers/apply/context.ts';
import { applyActions, FatalApplyError } from '../reconcilers/apply/run.ts';
import { selectPlaylists } from '../reconcilers/files/select.ts';
import { hashText } from '../reconcilers/playlists/plan.ts';
import { openJournal } from '../state/journal.ts';
import { type ConfigRevision, type ConvergenceRecord, openStore, type Store } from '../state/store.ts';
import type {
  Catalog,
  DesiredState,
  Downloader,
  Logger,
  Outcome,
  ProgressSink,
  Source,
  Track,
} from '../types.ts';
import { acquireLock } from './lock.ts';
import { countContentRemovals, observeAndPlan, type PassResult, STAGING } from './pass.ts';
import { KEEP_RUNS, recordRun } from './record.ts';
import { recoverInterruptedRun } from './recover.ts';
import { convergedShortcut, convergenceRecord, runFingerprint, shortcutPass } from './shortcut.ts';
import { type RunSummary, summarize } from './summary.ts';

export interface Deps {
  fs: Fs;
  source: Source;
  downloader: Downloader;
  now: () => number;
  log: Logger;
  proc: ProcessPort;
  progress?: ProgressSink;
}

export interface RunOptions {
  trigger?: string;
  /** Observe and walk everything even when the converged shortcut says nothing changed. */
  full?: boolean;
  /** Ask the source for everything again instead of reusing what earlier runs observed. */
  refresh?: boolean;
  signal?: AbortSignal;
  maxPasses?: number;
  /** Delay before an in-run download retry; tests set it to 0. */
  retryDelayMs?: number;
  /** The caller (the watcher) holds the library's lock for its whole life: do not take it per run. */
  lockHeld?: boolean;
  /** Told when the run moves on to observing, planning and applying (the watcher cancels only before apply). */
  onPhase?: (phase: 'observe' | 'plan' | 'apply') => void;
  /** Told the run's sync_events id as soon as it exists. */
  onEvent?: (eventId: number) => void;
  /** The revision of library.yaml this run applies (GitOps), recorded in its sync_events row. */
  revision?: ConfigRevision;
}

export interface RunResult {
  eventId: number;
  status: 'completed' | 'failed';
  /** The first pass: what this run set out to do. */
  firstPass: PassResult;
  outcomes: Outcome[];
  summary: RunSummary;
  error?: string;
}

export const paths = (root: string) => ({
  dir: `${root}/.cratesync`,
  db: `${root}/.cratesync/state.db`,
  lock: `${root}/.cratesync/lock`,
  journal: `${root}/.cratesync/journal.jsonl`,
});

/** Observe and plan without writing anything: `cratesync plan` and `reconcile --dry-run`. */
export async function planOnly(
  desired: DesiredState,
  deps: Deps,
  opts: { full?: boolean; refresh?: boolean; signal?: AbortSignal } = {},
): Promise<PassResult> {
  const signal = opts.signal ?? new AbortController().signal;
  const store = await openStore(deps.fs, paths(desired.root).db);
  try {
    if (!opts.full) {
      const rec = await convergedShortcut(desired, deps, store, signal);
      if (rec) return shortcutPass(rec);
    }
    const catalog = await deps.source.observe(signal, cacheFor(desired, deps, store, opts.refresh));
    const pass: PassResult = observeAndPlan(desired, catalog, {
      ...deps,
      store,
      downloaderExtension: deps.downloader.extension,
    });
    const adoption = await autoAdopt(desired, catalog, store, adoptDeps(deps), { signal, dryRun: true });
    if (
      adoption &&
      (adoption.placed.length > 0 || adoption.trash.length > 0 || adoption.ambiguous.length > 0)
    ) {
      pass.adopt = {
        files: adoption.placed.length,
        downloadsAvoided: adoption.downloadsAvoided,
        trashed: adoption.trash.length,
        ambiguous: adoption.ambiguous.length,
      };
    }
    return pass;
  } finally {
    store.close();
  }
}

export async function reconcile(
  desired: DesiredState,
  deps: Deps,
  opts: RunOptions = {},
): Promise<RunResult> {
  const { fs, log } = deps;
  const signal = opts.signal ?? new AbortController().signal;
  const p = paths(desired.root);
  fs.mkdirSync(`${desired.root}/${STAGING}`, { recursive: true });
  const lock = opts.lockHeld
    ? { release: () => {} }
    : acquireLock(fs, p.lock, deps.proc, { now: deps.now, log, command: 'reconcile' });
  const store = await openStore(fs, p.db);
  const journal = openJournal(fs, p.journal);
  try {
    recoverInterruptedRun({ fs, root: desired.root, store, journal, now: deps.now, log, staging: STAGING });
    const startedAt = new Date(deps.now()).toISOString();
    const trigger = opts.trigger ?? 'cli';
    const eventId = store.beginEvent(startedAt, trigger, false, opts.revision);
    opts.onEvent?.(eventId);
    opts.onPhase?.('observe');

    let catalog: Catalog;
    let fingerprint: string | undefined;
    let cache: ReturnType<typeof cacheFor>;
    try {
      if (!opts.full) {
        const rec = await convergedShortcut(desired, deps, store, signal);
        if (rec) return finishShortcutRun(store, eventId, rec, deps);
      }
      journal.append([{ t: 'begin', eventId, startedAt, trigger }]);
      // Fingerprint before observing: if the source changes in between, the next run looks again.
      fingerprint = await runFingerprint(desired, deps.source, deps.downloader, signal);
      cache = cacheFor(desired, deps, store, opts.refresh);
      catalog = await deps.source.observe(signal, cache);
    } catch (err) {
      const message = signal.aborted
        ? 'cancelled before anything was applied'
        : `could not read the source: ${(err as Error).message}`;
      store.finishEvent(eventId, {
        status: 'failed',
        finishedAt: new Date(deps.now()).toISOString(),
        error: message,
      });
      store.save();
      journal.clear();
      throw err;
    }

    return await runPasses(desired, deps, {
      store,
      journal,
      catalog,
      eventId,
      signal,
      opts,
      fingerprint,
      cache,
    });
  } finally {
    store.close();
    lock.release();
  }
}

async function runPasses(
  desired: DesiredState,
  deps: Deps,
  run: {
    store: Store;
    journal: ReturnType<typeof openJournal>;
    catalog: Catalog;
    eventId: number;
    signal: AbortSignal;
    opts: RunOptions;
    fingerprint?: string;
    cache?: ReturnType<typeof cacheFor>;
  },
): Promise<RunResult> {
  const { store, journal, catalog, eventId, signal, opts } = run;
  const passOpts = { ...deps, store, downloaderExtension: deps.downloader.extension };
  const outcomes: Outcome[] = [];
  // Tracks get their rows (and stable ids, which the Rekordbox export uses) before the first plan.
  store.upsertTracks(
    mirroredTracks(desired, catalog, new Set([...store.loadRemote().values()].map((r) => r.playlistId))).map(
      (track) => ({ track, metaHash: metaHash(track) }),
    ),
    new Date(deps.now()).toISOString(),
  );
  // `adopt: auto|manual`: files already under the root become tracks' real files before anything is planned,
  // so nothing they hold is downloaded again (src/adopt/).
  if (desired.adopt) {
    // Adoption moves files: from here on a trigger waits for this run instead of cancelling it.
    opts.onPhase?.('apply');
    try {
      const adopted = await autoAdopt(desired, catalog, store, adoptDeps(deps), { signal });
      if (adopted && (adopted.placed.length > 0 || adopted.trash.length > 0)) store.save();
    } catch (err) {
      // What was adopted before the failure is recorded and kept; the run ends here.
      store.finishEvent(eventId, {
        status: 'failed',
        finishedAt: new Date(deps.now()).toISOString(),
        error: signal.aborted
          ? 'cancelled while adopting existing files'
          : `adopting existing files: ${(err as Error).message}`,
      });
      store.save();
      journal.clear();
      throw err;
    }
  }
  opts.onPhase?.('plan');
  let pass = observeAndPlan(desired, catalog, passOpts);
  if (signal.aborted) {
    // Cancelled before applying (the watcher restarts the run): nothing changed, the run is recorded as such.
    store.finishEvent(eventId, {
      status: 'failed',
      finishedAt: new Date(deps.now()).toISOString(),
      error: 'cancelled before anything was applied',
    });
    store.save();
    journal.clear();
    signal.throwIfAborted();
  }
  // Keep what the summary needs, not what the first pass observed: later passes observe afresh.
  const firstPass: PassResult = {
    plans: pass.plans,
    actions: pass.actions,
    unsafe: pass.unsafe,
    figures: pass.figures,
    children: pass.children,
  };
  if (deps.source.incremental) {
    const fetched = [...pass.layout.tracks.keys()].filter((id) => !run.cache?.served.has(id));
    store.recordObservation(catalog.playlists, fetched, deps.now());
  }
  let error: string | undefined;
  const maxPasses = opts.maxPasses ?? 5;
  // About to change the library: the last convergence record no longer describes it.
  if (pass.actions.length > 0) store.clearConvergence();
  opts.onPhase?.('apply');
  const scratch = newScratch();
  const { libraryId } = store.libraryIdentity();
  for (let n = 1; n <= maxPasses && pass.actions.length > 0; n++) {
    const ctx: ApplyContext = {
      fs: deps.fs,
      root: desired.root,
      store,
      downloader: deps.downloader,
      tracks: catalog.tracks,
      trackStates: pass.state.tracks,
      now: deps.now,
      log: deps.log,
      progress: deps.progress,
      signal,
      staging: STAGING,
      trash: `.cratesync/trash/${new Date(deps.now()).toISOString().replace(/[:.]/g, '-')}`,
      download: {
        retries: desired.download.retries,
        concurrency: desired.download.concurrency,
        retryDelayMs: opts.retryDelayMs ?? 500,
      },
      scratch,
      remote: deps.source.remote,
      catalog,
      pushGeneration: `${libraryId}:${eventId}:${n}`,
    };
    let applied: Outcome[];
    try {
      applied = await applyActions(pass.actions, ctx, journal);
    } catch (err) {
      if (!(err instanceof FatalApplyError) && !signal.aborted) throw err;
      applied = (err as { outcomes?: Outcome[] }).outcomes ?? [];
      error = signal.aborted ? 'cancelled' : (err as Error).message;
      for (const o of applied) outcomes.push(o);
      break;
    }
    // Not push(...applied): a first run can have hundreds of thousands of outcomes.
    for (const o of applied) outcomes.push(o);
    // Checkpoint: what this pass did is in the DB file, so a crash replays at most one pass's intents.
    store.save();
    journal.clear();
    journal.append([
      { t: 'begin', eventId, startedAt: new Date(deps.now()).toISOString(), trigger: opts.trigger ?? 'cli' },
    ]);
    // Stopped mid-apply (Ctrl-C, the watcher stopping): what ran is saved; the rest waits for the next run.
    if (signal.aborted) {
      error = 'cancelled';
      break;
    }
    if (!applied.some((o) => o.status === 'applied')) break;
    const used = countContentRemovals(outcomes.filter((o) => o.status === 'applied').map((o) => o.action));
    pass = observeAndPlan(desired, catalog, passOpts, Math.max(0, desired.prune.maxDeletions - used));
  }

  dropScratch({ fs: deps.fs, scratch });
  const summary = summarize(firstPass, outcomes, pass);
  const status = error === undefined && summary.failed === 0 ? 'completed' : 'failed';
  recordRun(store, {
    desired,
    catalog,
    pass,
    eventId,
    outcomes,
    summary,
    status,
    error,
    now: deps.now,
    sourceStats: deps.source.stats?.(),
  });
  // Removals held back by prune.maxDeletions continue on the next run: that is not converged.
  const capped = pass.plans.some((p) => p.skipped.some((k) => k.code === 'deletion-cap'));
  // A child filtering on relative dates (`addedAt: -30d..`) can change with the clock alone.
  const clockBound = desired.children.some((c) => c.usesNow);
  const converged = status === 'completed' && pass.actions.length === 0 && !capped && !clockBound;
  if (converged && run.fingerprint !== undefined) {
    store.setConvergence(
      convergenceRecord(desired, deps, pass, run.fingerprint),
      new Date(deps.now()).toISOString(),
    );
  } else {
    store.clearConvergence();
  }
  store.save();
  journal.clear();
  return { eventId, status, firstPass, outcomes, summary, error };
}

function adoptDeps(deps: Deps) {
  return {
    fs: deps.fs,
    now: deps.now,
    log: deps.log,
    progress: deps.progress,
    downloaderExtension: deps.downloader.extension,
  };
}

/** Nothing changed since the last converged run: record the run and stop. */
function finishShortcutRun(store: Store, eventId: number, rec: ConvergenceRecord, deps: Deps): RunResult {
  const now = new Date(deps.now()).toISOString();
  const pass = shortcutPass(rec);
  const summary = summarize(pass, [], pass);
  store.repeatLastSnapshot(eventId, now);
  store.pruneHistory(KEEP_RUNS);
  store.finishEvent(eventId, {
    status: 'completed',
    finishedAt: now,
    counts: { ...summary, errors: undefined, shortcut: true },
  });
  store.save();
  return { eventId, status: 'completed', firstPass: pass, outcomes: [], summary };
}

/** The state DB as an ObservationCache, for sources that use one (none with --refresh). */
function cacheFor(desired: DesiredState, deps: Deps, store: Store, refresh: boolean | undefined) {
  if (refresh || !deps.source.incremental) return undefined;
  const days = desired.source.provider === 'tidal' ? (desired.source.tidal.metadataMaxAgeDays ?? 30) : 30;
  return store.observationCache({ now: deps.now(), maxAgeMs: days * 86_400_000 });
}

/** The tracks of the mirrored playlists (children only ever take from those). */
function mirroredTracks(desired: DesiredState, catalog: Catalog, pushed: ReadonlySet<string>): Track[] {
  const ids = new Set<string>();
  for (const { playlist } of selectPlaylists(desired.playlists, catalog, pushed).selected)
    for (const id of playlist.items) ids.add(id);
  return [...ids].flatMap((id) => catalog.tracks.get(id) ?? []);
}

function metaHash(t: object): string {
  return hashText(JSON.stringify(t)).slice(0, 16);
}
