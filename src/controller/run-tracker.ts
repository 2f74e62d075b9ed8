// Which sync event belongs to which run of the watch loop. The loop numbers its runs; reconcile numbers its
// sync events and says the number once the event exists (onEvent). A requester of a run wants the sync
// event as soon as there is one. A run cancelled before apply (a new trigger arrived) is recorded as a
// failed sync event and restarts as a new one; the cancelled event is then "superseded" by the restart's,
// so whoever waits for the first learns where the work went.

export interface CurrentRun {
  runId: number;
  trigger: string;
  startedAt: number;
  eventId?: number;
}

export interface RunTracker {
  begin(runId: number, trigger: string, startedAt: number): void;
  event(runId: number, eventId: number): void;
  /** `restarting`: the run was cancelled to start again, not stopped or finished. */
  end(runId: number, restarting: boolean): void;
  current(): CurrentRun | undefined;
  /** Calls `fn` with the run's sync event id as soon as it has one (at once when it already has). */
  whenEvent(runId: number, fn: (eventId: number) => void): void;
  /** The sync event that took over the work of a cancelled one. */
  supersededBy(eventId: number): number | undefined;
}

/** Superseded ids are kept for the most recent runs only. */
const KEEP = 100;

export function createRunTracker(): RunTracker {
  let current: CurrentRun | undefined;
  const waiters = new Map<number, ((eventId: number) => void)[]>();
  const superseded = new Map<number, number>();
  let cancelledEvent: number | undefined;

  return {
    begin(runId, trigger, startedAt) {
      current = { runId, trigger, startedAt };
      // Runs cancelled while validating never got here; nobody will hear from them.
      for (const id of waiters.keys()) if (id < runId) waiters.delete(id);
    },
    event(runId, eventId) {
      if (current?.runId === runId) current.eventId = eventId;
      if (cancelledEvent !== undefined) {
        superseded.set(cancelledEvent, eventId);
        cancelledEvent = undefined;
        if (superseded.size > KEEP) superseded.delete(superseded.keys().next().value!);
      }
      const list = waiters.get(runId) ?? [];
      waiters.delete(runId);
      for (const fn of list) fn(eventId);
    },
    end(runId, restarting) {
      const eventId = current?.runId === runId ? current.eventId : undefined;
      cancelledEvent = restarting ? eventId : undefined;
      if (current?.runId === runId) current = undefined;
      // A run that ended without a sync event will not get one.
      waiters.delete(runId);
    },
    current: () => (current ? { ...current } : undefined),
    whenEvent(runId, fn) {
      if (current?.runId === runId && current.eventId !== undefined) {
        fn(current.eventId);
        return;
      }
      const list = waiters.get(runId) ?? [];
      list.push(fn);
      waiters.set(runId, list);
    },
    supersededBy: (eventId) => superseded.get(eventId),
  };
}
