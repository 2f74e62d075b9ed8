// Run progress for the status API: a ProgressSink the run reports into (as it would into a terminal progress
// bar), plus the run's phases and end, turned into ProgressEvents for the event stream and the status. The
// latest event is always kept; listeners get at most one tick event per `tickMs`, so a run of 100,000
// downloads does not flood a browser.

import type { ProgressEvent } from '../api/port.ts';
import type { ProgressSink } from '../types.ts';

export interface ProgressHub extends ProgressSink {
  /** A run starts (before it has a sync event). */
  begin(): void;
  /** The run's sync event id, once it exists. */
  setEvent(eventId: number): void;
  /** observe, plan, apply. */
  phase(phase: string): void;
  /** The run is over: a `done` event carrying its status. */
  finish(message: string): void;
  /** The latest event of the run in flight; undefined between runs. */
  current(): ProgressEvent | undefined;
  subscribe(listener: (event: ProgressEvent) => void): () => void;
}

const LABELS: Record<string, string> = { Downloading: 'download', Applying: 'apply' };

export function createProgressHub(opts: { tickMs?: number } = {}): ProgressHub {
  const tickMs = opts.tickMs ?? 100;
  const listeners = new Set<(event: ProgressEvent) => void>();
  let latest: ProgressEvent | undefined;
  let eventId: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const publish = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!latest) return;
    const event = { ...latest };
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // A listener's failure (a closed stream) is its own business.
      }
    }
  };
  const set = (event: Omit<ProgressEvent, 'eventId'>, now = true) => {
    latest = { ...event, ...(eventId !== undefined ? { eventId } : {}) };
    if (now) publish();
    else if (timer === undefined) {
      timer = setTimeout(publish, tickMs);
      timer.unref?.();
    }
  };

  return {
    begin() {
      eventId = undefined;
      set({ phase: 'validate', done: 0, total: 0 });
    },
    setEvent(id) {
      eventId = id;
      if (latest) set(latest);
    },
    phase(phase) {
      set({ phase, done: 0, total: 0 });
    },
    start(label, total) {
      set({ phase: LABELS[label] ?? label.toLowerCase(), done: 0, total });
    },
    tick(n = 1) {
      if (!latest) return;
      set({ ...latest, done: Math.min(latest.total || Number.POSITIVE_INFINITY, latest.done + n) }, false);
    },
    stop() {
      if (latest) set({ ...latest, done: latest.total });
    },
    finish(message) {
      set({ phase: 'done', done: latest?.total ?? 0, total: latest?.total ?? 0, message });
      latest = undefined;
      eventId = undefined;
    },
    current: () => (latest ? { ...latest } : undefined),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
