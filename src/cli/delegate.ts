// `cratesync reconcile` while `cratesync watch` holds the library: one writer at a time, so instead of failing
// on the lock it asks the watcher to run now (POST /api/reconcile with the token from .cratesync/api-token),
// waits for that sync event to finish (GET /api/sync-events/:id, following a run that was cancelled and
// restarted) and reports it like its own run. When the watcher cannot be reached it refuses, naming the pid
// and the address it tried.

import { readApiToken } from '../api/token.ts';
import type { LockInfo } from '../controller/lock.ts';
import { readLock } from '../controller/lock.ts';
import { paths } from '../controller/reconcile.ts';
import type { RunSummary } from '../controller/summary.ts';
import { readWatchInfo, type WatchInfo } from '../controller/watch-info.ts';
import { LockedError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import type { ProcessPort } from '../io/process.ts';

/** The lock of a live watcher on this host, or undefined. */
export function watcherLock(fs: Fs, root: string, proc: ProcessPort): LockInfo | undefined {
  const held = readLock(fs, paths(root).lock);
  if (held?.command !== 'watch' || held.host !== proc.hostname || held.pid === proc.pid) return undefined;
  return proc.isAlive(held.pid) ? held : undefined;
}

export interface DelegatedRun {
  eventId: number;
  status: string;
  summary?: RunSummary;
  error?: string;
  seconds: number;
  watcher: { pid: number; url: string };
}

export interface DelegateOptions {
  fs: Fs;
  root: string;
  lock: LockInfo;
  signal?: AbortSignal;
  /** Told once the watcher has taken the request. */
  onAccepted?: (eventId: number, watcher: WatchInfo) => void;
  pollMs?: number;
}

/** Throws LockedError when the watcher cannot be asked; otherwise the outcome of the run it made. */
export async function reconcileThroughWatcher(opts: DelegateOptions): Promise<DelegatedRun> {
  const { fs, lock } = opts;
  const dir = paths(opts.root).dir;
  const who = `cratesync watch (pid ${lock.pid}, running since ${lock.startedAt})`;
  const info = readWatchInfo(fs, dir);
  if (!info || info.pid !== lock.pid) {
    throw new LockedError(
      `${who} holds the lock of this library, but ${dir}/watch.json does not say where it listens, so it cannot be asked to run. Stop it (kill ${lock.pid}) or wait for it.`,
    );
  }
  const token = readApiToken(fs, dir);
  const unreachable = (why: string) =>
    new LockedError(
      `${who} holds the lock of this library but cannot be reached at ${info.url} (${why}); not reconciling. Stop it (kill ${lock.pid}) or try again.`,
    );
  if (token === undefined) throw unreachable(`no API token in ${dir}/api-token`);

  const api = (p: string) => new URL(p, info.url).toString();
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(api('/api/reconcile'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
      signal: opts.signal ?? null,
    });
  } catch (err) {
    throw unreachable(causeOf(err));
  }
  const body = (await res.json().catch(() => ({}))) as { syncEventId?: number; error?: string };
  if (!res.ok || typeof body.syncEventId !== 'number') {
    throw new Error(`the watcher (pid ${lock.pid}) refused the run: ${body.error ?? `HTTP ${res.status}`}`);
  }
  let eventId = body.syncEventId;
  opts.onAccepted?.(eventId, info);

  const pollMs = opts.pollMs ?? 250;
  for (;;) {
    let event: Record<string, unknown>;
    try {
      const r = await fetch(api(`/api/sync-events/${eventId}`), { signal: opts.signal ?? null });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      event = (await r.json()) as Record<string, unknown>;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new Error(
        `lost the watcher (pid ${lock.pid}) at ${info.url} before sync event #${eventId} finished: ${causeOf(err)}`,
      );
    }
    const status = String(event.status);
    if (status !== 'in_progress') {
      // A run cancelled before apply by another trigger goes on as a new sync event.
      if (typeof event.supersededBy === 'number') {
        eventId = event.supersededBy;
        continue;
      }
      return {
        eventId,
        status,
        seconds: (performance.now() - started) / 1000,
        ...(event.counts ? { summary: summaryOf(event) } : {}),
        ...(typeof event.error === 'string' ? { error: event.error } : {}),
        watcher: { pid: info.pid, url: info.url },
      };
    }
    await sleep(pollMs, opts.signal);
  }
}

function summaryOf(event: Record<string, unknown>): RunSummary {
  const counts = event.counts as RunSummary;
  return {
    ...counts,
    held: counts.held ?? {},
    errors: Array.isArray(event.errors) ? (event.errors as string[]) : [],
  };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
