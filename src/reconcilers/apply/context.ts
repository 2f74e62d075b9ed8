// What applying actions needs: the injected ports plus this run's folders.

import type { Fs } from '../../io/fs.ts';
import type { Store } from '../../state/store.ts';
import type {
  Catalog,
  Downloader,
  Logger,
  ProgressSink,
  RemoteTarget,
  Track,
  TrackState,
} from '../../types.ts';

export interface ApplyContext {
  fs: Fs;
  /** Absolute library root. */
  root: string;
  store: Store;
  downloader: Downloader;
  tracks: ReadonlyMap<string, Track>;
  /** Download state as observed at the start of the pass (attempt counts for backoff). */
  trackStates: ReadonlyMap<string, TrackState>;
  now: () => number;
  log: Logger;
  progress?: ProgressSink;
  signal: AbortSignal;
  /** Root-relative folders under .cratesync/. */
  staging: string;
  trash: string;
  download: { retries: number; concurrency: number; retryDelayMs: number };
  /** Where `push:` writes go (the TIDAL source's playlists), when the source takes writes. */
  remote?: RemoteTarget;
  /**
   * The run's catalogue. Pushes write what they changed through to it, so the next pass plans from the
   * remote playlists as they now are.
   */
  catalog: Catalog;
  /** Names this pass in push Idempotency-Keys (library id, run, pass): a new plan gets new keys. */
  pushGeneration: string;
  /** Mutable per-run bookkeeping that saves syscalls; see newScratch(). */
  scratch: Scratch;
}

export interface Scratch {
  /** Absolute folders known to exist, so a folder is created once per run, not once per file. */
  dirs: Set<string>;
  /** Reusable empty download folders in staging (one per concurrent download). */
  freeSlots: string[];
  slots: number;
}

export function newScratch(): Scratch {
  return { dirs: new Set(), freeSlots: [], slots: 0 };
}

/** Removes the run's download slots, so a finished run leaves staging as it found it. */
export function dropScratch(ctx: Pick<ApplyContext, 'fs' | 'scratch'>): void {
  for (const slot of ctx.scratch.freeSlots) {
    ctx.fs.rmSync(slot, { recursive: true, force: true });
    ctx.scratch.dirs.delete(slot);
  }
  ctx.scratch.freeSlots = [];
  ctx.scratch.slots = 0;
}

export function ensureDir(ctx: Pick<ApplyContext, 'fs' | 'scratch'>, abs: string): void {
  if (ctx.scratch.dirs.has(abs)) return;
  ctx.fs.mkdirSync(abs, { recursive: true });
  ctx.scratch.dirs.add(abs);
}

/** Errors of the disk itself: retrying or going on with other actions cannot help, so the run stops. */
const DISK_ERRORS = new Set(['ENOSPC', 'EROFS', 'EDQUOT']);

export function isDiskError(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code !== undefined && DISK_ERRORS.has(code);
}

export function absPath(ctx: { root: string }, rel: string): string {
  return `${ctx.root}/${rel}`;
}

export function isoNow(ctx: { now: () => number }): string {
  return new Date(ctx.now()).toISOString();
}
