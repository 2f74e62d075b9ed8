// What applying actions needs: the injected ports plus this run's folders.

import type { Fs } from '../../io/fs.ts';
import type { Store } from '../../state/store.ts';
import type { Downloader, Logger, ProgressSink, Track, TrackState } from '../../types.ts';

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
}

export function absPath(ctx: { root: string }, rel: string): string {
  return `${ctx.root}/${rel}`;
}

export function isoNow(ctx: { now: () => number }): string {
  return new Date(ctx.now()).toISOString();
}
