// The handle `cratesync watch` holds on its control loop: it starts the machine, answers "run now and tell
// me how it went" for the CLI and the HTTP API, turns transitions into JSON trace lines for `--trace`, and
// stops cleanly. The rules of when runs happen live in machine.ts; this file only keeps the promises of
// requesters, which resolve with the outcome of the first run that starts after their request (requests
// that coalesce into one run share its outcome).

import { type AnyEventObject, createActor, type InspectionEvent } from 'xstate';
import {
  type Phase,
  type RunOutcome,
  stateName,
  statusOf,
  type WatchEvent,
  type WatchInput,
  type WatchSnapshot,
  type WatchStatus,
  watchMachine,
} from './machine.ts';

export interface TraceRecord {
  at: string;
  /** null for the first record, when the loop starts. */
  from: string | null;
  to: string;
  event: Record<string, unknown>;
  phase: Phase | null;
  reason: string;
}

export interface WatchLoop {
  send(event: WatchEvent): void;
  snapshot(): WatchStatus;
  /** Called on every transition; returns the unsubscribe function. */
  subscribe(listener: (status: WatchStatus) => void): () => void;
  /**
   * Asks for a run now; `trigger` labels it in the sync event ('cli', 'api', ...). `onStart` is told the
   * id of the run that took the request each time one starts for it (again when a cancelled run restarts).
   */
  requestRun(trigger?: string, opts?: { onStart?: (runId: number) => void }): Promise<RunOutcome>;
  /** Aborts the run in flight, waits for it to settle and ends the loop. */
  stop(): Promise<void>;
}

export interface WatchLoopOptions {
  trace?: (record: TraceRecord) => void;
}

const STOPPED: RunOutcome = { ok: false, status: 'stopped', error: 'the watcher stopped before the run' };

/** Events carry Errors and whole run outputs; the trace keeps what survives JSON. */
export function traceEvent(event: AnyEventObject): Record<string, unknown> {
  const out: Record<string, unknown> = { type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || value === undefined) continue;
    if (value instanceof Error) out[key] = value.message;
    else if (value === null || typeof value !== 'object') {
      if (typeof value !== 'function') out[key] = value;
    } else {
      try {
        out[key] = JSON.parse(JSON.stringify(value));
      } catch {
        out[key] = String(value);
      }
    }
  }
  return out;
}

export function startWatchLoop(input: WatchInput, options: WatchLoopOptions = {}): WatchLoop {
  const now = input.now ?? (() => Date.now());
  let previous: WatchSnapshot | undefined;

  const inspect = (ev: InspectionEvent) => {
    // Only the machine's own snapshots: the run is a child actor with snapshots of its own.
    if (!options.trace || ev.type !== '@xstate.snapshot' || ev.rootId !== ev.actorRef.sessionId) return;
    const snapshot = ev.snapshot as WatchSnapshot;
    // An event no state handles yields the same snapshot: nothing happened, so nothing to trace.
    if (snapshot === previous) return;
    const from = previous ? stateName(previous.value) : null;
    previous = snapshot;
    options.trace({
      at: new Date(now()).toISOString(),
      from,
      to: stateName(snapshot.value),
      event: traceEvent(ev.event),
      phase: snapshot.context.phase,
      reason: snapshot.context.reason,
    });
  };

  const actor = createActor(watchMachine, { input, inspect });
  const waiting = new Map<string, (outcome: RunOutcome) => void>();
  const starting = new Map<string, (runId: number) => void>();
  let seq = 0;

  const answer = (ids: string[], outcome: RunOutcome) => {
    for (const id of ids) {
      const resolve = waiting.get(id);
      if (!resolve) continue; // a request id from someone else (send() with its own id)
      waiting.delete(id);
      starting.delete(id);
      resolve(outcome);
    }
  };
  actor.on('runStarted', (e) => {
    for (const id of e.requestIds) starting.get(id)?.(e.runId);
  });
  actor.on('runFinished', (e) => answer(e.requestIds, e.outcome));
  actor.on('requestRefused', (e) => answer(e.requestIds, e.outcome));

  const done = new Promise<void>((resolve) => {
    const settleAll = (outcome: RunOutcome) => {
      answer([...waiting.keys()], outcome);
      resolve();
    };
    actor.subscribe({
      complete: () => settleAll(STOPPED),
      error: (err) => settleAll({ ok: false, status: 'failed', error: `watch loop crashed: ${String(err)}` }),
    });
  });

  actor.start();

  const active = () => actor.getSnapshot().status === 'active';

  return {
    send: (event) => actor.send(event),
    snapshot: () => statusOf(actor.getSnapshot()),
    subscribe(listener) {
      const sub = actor.subscribe((s) => listener(statusOf(s)));
      return () => sub.unsubscribe();
    },
    requestRun(trigger = 'request', opts = {}) {
      if (!active()) return Promise.resolve(STOPPED);
      seq += 1;
      const requestId = `watch-loop-${seq}`;
      if (opts.onStart) starting.set(requestId, opts.onStart);
      // Registered before send: a refusal is emitted synchronously while the event is processed.
      const outcome = new Promise<RunOutcome>((resolve) => waiting.set(requestId, resolve));
      actor.send({ type: 'RECONCILE', requestId, trigger });
      return outcome;
    },
    async stop() {
      if (active()) actor.send({ type: 'STOP' });
      await done;
    },
  };
}
