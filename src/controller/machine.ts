// The control loop of `cratesync watch` (issue 5) as an xstate v5 machine. It knows nothing about files:
// validation, the reconcile run and the clock all come in through `input`, so tests drive it with fakes.
// It owns the rules of when a run happens:
// - a library.yaml change is debounced (each change restarts the wait), then validated; an invalid file
//   parks the loop in `invalid` until the next change, and nothing runs from it;
// - a poll runs `pollMs` (jittered) after the END of the last successful run; a request runs at once;
// - a trigger while the run validates, observes or plans cancels it and restarts it; during apply it
//   coalesces into exactly one follow-up run;
// - a failed run backs off exponentially (jittered, capped) until a success resets it;
// - SUSPEND holds everything (the run in flight finishes) and remembers triggers as one pending run;
// - STOP aborts the run in flight and waits for it to settle.
// Never two runs at once: a cancelled run must settle before the next one starts.

import { and, assign, enqueueActions, fromPromise, not, type SnapshotFrom, setup } from 'xstate';

export type RunPhase = 'observe' | 'plan' | 'apply';
/** `validate` is the machine's own first step of every run; the others come from the run via onPhase. */
export type Phase = 'validate' | RunPhase;

export type ValidateResult = { ok: true } | { ok: false; error: string };

export interface RunResult {
  ok: boolean;
  error?: string;
  eventId?: number;
}

export interface RunArgs {
  trigger: string;
  signal: AbortSignal;
  onPhase: (phase: RunPhase) => void;
}

export interface WatchInput {
  /** Loads and checks library.yaml. */
  validate: (signal: AbortSignal) => Promise<ValidateResult>;
  /** The same reconcile run as `cratesync reconcile`. */
  run: (args: RunArgs) => Promise<RunResult>;
  debounceMs?: number;
  pollMs?: number;
  /** Fraction of a poll or backoff delay added or removed at random, so many watchers do not align. */
  jitter?: number;
  random?: () => number;
  backoff?: { baseMs?: number; maxMs?: number };
  now?: () => number;
  /** A watcher converges once when it starts; tests that want a quiet start turn this off. */
  runOnStart?: boolean;
}

export interface WatchOptions {
  validate: WatchInput['validate'];
  run: WatchInput['run'];
  debounceMs: number;
  pollMs: number;
  jitter: number;
  random: () => number;
  backoff: { baseMs: number; maxMs: number };
  now: () => number;
  runOnStart: boolean;
}

export const DEFAULTS = {
  debounceMs: 500,
  pollMs: 15 * 60_000,
  jitter: 0.1,
  backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
} as const;

export type RunStatus = 'succeeded' | 'failed' | 'invalid' | 'stopped';

/** What a requester learns about "its" run; `runId` is absent when no run started for it. */
export interface RunOutcome {
  ok: boolean;
  status: RunStatus;
  error?: string;
  eventId?: number;
  runId?: number;
  trigger?: string;
  startedAt?: number;
  finishedAt?: number;
}

export type WatchEvent =
  | { type: 'CONFIG_CHANGED' }
  /** `trigger` labels the run (e.g. 'cli', 'api'); `requestId` lets the requester find its outcome. */
  | { type: 'RECONCILE'; requestId?: string; trigger?: string }
  | { type: 'SUSPEND'; reason?: string }
  | { type: 'RESUME' }
  | { type: 'STOP' };

/** Sent by the run itself through onPhase; `runId` drops reports of a run that was already replaced. */
export type PhaseEvent = { type: 'PHASE'; runId: number; phase: RunPhase };

export type MachineEvent = WatchEvent | PhaseEvent;

export type WatchEmitted =
  | { type: 'runStarted'; runId: number; trigger: string; requestIds: string[] }
  | { type: 'runFinished'; requestIds: string[]; outcome: RunOutcome }
  /** Requests answered without a run (invalid library.yaml). */
  | { type: 'requestRefused'; requestIds: string[]; outcome: RunOutcome };

export interface WatchContext {
  opts: WatchOptions;
  /** Why the loop is where it is, in words for `status` and the dashboard. */
  reason: string;
  phase: Phase | null;
  /** Id of the current run, or of the last one when none is in flight. */
  runId: number;
  trigger: string | null;
  runStartedAt: number | null;
  /** A trigger waiting for its run: coalesced during apply, held while suspended, or a restart. */
  pendingTrigger: string | null;
  pendingRequests: string[];
  /** Requests the current run will answer. */
  runRequests: string[];
  /** Consecutive failed runs; 0 after a success. */
  attempt: number;
  lastError: string | null;
  /** Set while library.yaml is known to be invalid. */
  configError: string | null;
  lastResult: RunOutcome | null;
  nextRunAt: number | null;
  /** The delay armed on entry to debouncing, idle or backoff. */
  delayMs: number | null;
  suspendReason: string | null;
  /** Why the run in flight is being aborted. */
  ending: 'cancel' | 'stop' | null;
  controller: AbortController | null;
}

type AttemptOutput = { kind: 'invalid'; error: string } | { kind: 'ran'; result: RunResult };

interface AttemptInput {
  validate: WatchOptions['validate'];
  run: WatchOptions['run'];
  trigger: string;
  controller: AbortController;
  onPhase: (phase: RunPhase) => void;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function resolveOptions(input: WatchInput): WatchOptions {
  return {
    validate: input.validate,
    run: input.run,
    debounceMs: input.debounceMs ?? DEFAULTS.debounceMs,
    pollMs: input.pollMs ?? DEFAULTS.pollMs,
    jitter: input.jitter ?? DEFAULTS.jitter,
    random: input.random ?? Math.random,
    backoff: {
      baseMs: input.backoff?.baseMs ?? DEFAULTS.backoff.baseMs,
      maxMs: input.backoff?.maxMs ?? DEFAULTS.backoff.maxMs,
    },
    now: input.now ?? (() => Date.now()),
    runOnStart: input.runOnStart ?? true,
  };
}

/** `ms` scaled by a random factor in [1 - jitter, 1 + jitter). */
export function jittered(ms: number, jitter: number, random: () => number): number {
  return Math.max(0, Math.round(ms * (1 + jitter * (2 * random() - 1))));
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), jittered, never above maxMs. */
export function backoffDelay(attempt: number, opts: WatchOptions): number {
  const { baseMs, maxMs } = opts.backoff;
  const raw = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), Number.MAX_SAFE_INTEGER);
  return Math.min(maxMs, jittered(raw, opts.jitter, opts.random));
}

// Triggers merge into one pending run. A request outranks a config change (it asks for a run now, and
// every run validates anyway); a config change outranks a poll or retry (it must be debounced first).
const BACKGROUND = new Set(['start', 'poll', 'retry']);
const rank = (t: string | null): number => (t === null ? 0 : t === 'config' ? 2 : BACKGROUND.has(t) ? 1 : 3);
export const mergeTrigger = (held: string | null, next: string | null): string | null =>
  rank(next) >= rank(held) ? next : held;

const requestLabel = (e: MachineEvent): string =>
  e.type === 'RECONCILE' ? (e.trigger ?? 'request') : e.type === 'CONFIG_CHANGED' ? 'config' : 'request';

const at = (ms: number | null): string => (ms === null ? '?' : new Date(ms).toISOString());

function outcomeOf(context: WatchContext, output: AttemptOutput, finishedAt: number): RunOutcome {
  const base = {
    runId: context.runId,
    trigger: context.trigger ?? 'unknown',
    startedAt: context.runStartedAt ?? finishedAt,
    finishedAt,
  };
  if (output.kind === 'invalid') {
    return { ...base, ok: false, status: 'invalid', error: `invalid library.yaml: ${output.error}` };
  }
  const r = output.result;
  const status: RunStatus = context.ending === 'stop' ? 'stopped' : r.ok ? 'succeeded' : 'failed';
  return {
    ...base,
    ok: r.ok,
    status,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.eventId !== undefined ? { eventId: r.eventId } : {}),
  };
}

export const attemptLogic = fromPromise<AttemptOutput, AttemptInput>(async ({ input, signal }) => {
  // xstate aborts `signal` only when the machine itself is torn down; the controller is what the machine
  // aborts on cancel or STOP while it keeps waiting for this promise to settle.
  const forward = () => input.controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  const runSignal = input.controller.signal;
  try {
    let valid: ValidateResult;
    try {
      valid = await input.validate(runSignal);
    } catch (err) {
      valid = { ok: false, error: message(err) };
    }
    if (!valid.ok) return { kind: 'invalid', error: valid.error };
    if (runSignal.aborted)
      return { kind: 'ran', result: { ok: false, error: 'cancelled before it started' } };
    try {
      return {
        kind: 'ran',
        result: await input.run({ trigger: input.trigger, signal: runSignal, onPhase: input.onPhase }),
      };
    } catch (err) {
      return { kind: 'ran', result: { ok: false, error: message(err) } };
    }
  } finally {
    signal.removeEventListener('abort', forward);
  }
});

export const watchMachine = setup({
  types: {
    context: {} as WatchContext,
    events: {} as MachineEvent,
    input: {} as WatchInput,
    emitted: {} as WatchEmitted,
  },
  actors: { attempt: attemptLogic },
  delays: {
    armed: ({ context }) => context.delayMs ?? 0,
  },
  guards: {
    runOnStart: ({ context }) => context.opts.runOnStart,
    currentRun: ({ context, event }) => event.type === 'PHASE' && event.runId === context.runId,
    holding: ({ context }) => context.suspendReason !== null,
    inApply: ({ context }) => context.phase === 'apply',
    stopping: ({ context }) => context.ending === 'stop',
    configPending: ({ context }) => context.pendingTrigger === 'config',
    runPending: ({ context }) => context.pendingTrigger !== null,
    configInvalid: ({ context }) => context.configError !== null,
    lastRunFailed: ({ context }) => context.attempt > 0,
  },
  actions: {
    queueTrigger: assign(({ context, event }) => ({
      pendingTrigger: mergeTrigger(context.pendingTrigger, requestLabel(event)),
      pendingRequests:
        event.type === 'RECONCILE' && event.requestId !== undefined
          ? [...context.pendingRequests, event.requestId]
          : context.pendingRequests,
    })),
    refuseRequest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RECONCILE' || event.requestId === undefined) return;
      const error = `invalid library.yaml: ${context.configError}`;
      enqueue.emit({
        type: 'requestRefused',
        requestIds: [event.requestId],
        outcome: { ok: false, status: 'invalid', error },
      });
    }),
    noteSuspend: assign(({ context, event }) => ({
      suspendReason:
        event.type === 'SUSPEND' ? (event.reason ?? 'suspended by request') : context.suspendReason,
    })),
    clearSuspend: assign({ suspendReason: null }),
    startRun: enqueueActions(({ context, enqueue }) => {
      const runId = context.runId + 1;
      const trigger = context.pendingTrigger ?? 'request';
      const requestIds = context.pendingRequests;
      enqueue.assign({
        runId,
        trigger,
        runStartedAt: context.opts.now(),
        phase: 'validate',
        pendingTrigger: null,
        pendingRequests: [],
        runRequests: requestIds,
        ending: null,
        controller: new AbortController(),
        nextRunAt: null,
        delayMs: null,
        reason: `run ${runId} (trigger: ${trigger}): validating library.yaml`,
      });
      enqueue.emit({ type: 'runStarted', runId, trigger, requestIds });
    }),
    setPhase: assign(({ context, event }) => {
      if (event.type !== 'PHASE') return {};
      const what =
        context.ending === null ? `run ${context.runId} (trigger: ${context.trigger})` : context.reason;
      return { phase: event.phase, reason: context.ending === null ? `${what}: ${event.phase}` : what };
    }),
    // The machine keeps waiting for the aborted run's promise; see `settle`.
    abortRun: ({ context }) => context.controller?.abort(),
    markCancel: assign(({ context }) => {
      return {
        ending: 'cancel' as const,
        reason: `cancelling run ${context.runId} during ${context.phase}: a new trigger arrived; it restarts once the run has stopped`,
      };
    }),
    markStop: assign(({ context }) => ({
      ending: 'stop' as const,
      reason: `stopping: waiting for run ${context.runId} to stop`,
    })),
    settle: enqueueActions(({ context, event, enqueue }) => {
      const output = (event as { output?: AttemptOutput }).output ?? {
        kind: 'ran',
        result: { ok: false, error: message((event as { error?: unknown }).error) },
      };
      const base = { controller: null, phase: null, runRequests: [] as string[] };
      if (context.ending === 'cancel') {
        // A cancelled run answers nobody: its requests and trigger carry over to the restart.
        enqueue.assign({
          ...base,
          ending: null,
          pendingTrigger: mergeTrigger(context.trigger, context.pendingTrigger),
          pendingRequests: [...context.runRequests, ...context.pendingRequests],
        });
        return;
      }
      const outcome = outcomeOf(context, output, context.opts.now());
      enqueue.emit({ type: 'runFinished', requestIds: context.runRequests, outcome });
      if (output.kind === 'invalid') {
        enqueue.assign({ ...base, lastResult: outcome, configError: output.error });
      } else if (output.result.ok) {
        enqueue.assign({ ...base, lastResult: outcome, configError: null, attempt: 0, lastError: null });
      } else {
        enqueue.assign({
          ...base,
          lastResult: outcome,
          configError: null,
          attempt: context.attempt + 1,
          lastError: outcome.error ?? 'run failed',
        });
      }
    }),
    refusePending: enqueueActions(({ context, enqueue }) => {
      if (context.pendingRequests.length > 0) {
        const error = `invalid library.yaml: ${context.configError}`;
        enqueue.emit({
          type: 'requestRefused',
          requestIds: context.pendingRequests,
          outcome: { ok: false, status: 'invalid', error },
        });
      }
      enqueue.assign({ pendingTrigger: null, pendingRequests: [] });
    }),
  },
}).createMachine({
  id: 'watch',
  context: ({ input }) => ({
    opts: resolveOptions(input),
    reason: 'starting',
    phase: null,
    runId: 0,
    trigger: null,
    runStartedAt: null,
    pendingTrigger: null,
    pendingRequests: [],
    runRequests: [],
    attempt: 0,
    lastError: null,
    configError: null,
    lastResult: null,
    nextRunAt: null,
    delayMs: null,
    suspendReason: null,
    ending: null,
    controller: null,
  }),
  initial: 'starting',
  // Triggers outside a run are queued and routed, so every state picks the next step the same way.
  on: {
    STOP: '.stopped',
  },
  states: {
    starting: {
      always: [
        { guard: 'runOnStart', target: 'reconciling', actions: assign({ pendingTrigger: 'start' }) },
        { target: 'idle' },
      ],
    },

    // Transient: decides where the loop goes after a run settles, a trigger arrives or RESUME.
    routing: {
      always: [
        { guard: 'stopping', target: 'stopped' },
        { guard: 'holding', target: 'suspended' },
        { guard: 'configPending', target: 'debouncing' },
        { guard: 'configInvalid', target: 'invalid' },
        { guard: 'runPending', target: 'reconciling' },
        { guard: 'lastRunFailed', target: 'backoff' },
        { target: 'idle' },
      ],
    },

    idle: {
      entry: assign(({ context }) => {
        const delayMs = jittered(context.opts.pollMs, context.opts.jitter, context.opts.random);
        const nextRunAt = context.opts.now() + delayMs;
        return { delayMs, nextRunAt, reason: `converged; next poll at ${at(nextRunAt)}` };
      }),
      after: { armed: { target: 'routing', actions: assign({ pendingTrigger: 'poll' }) } },
      on: {
        CONFIG_CHANGED: { target: 'routing', actions: 'queueTrigger' },
        RECONCILE: { target: 'routing', actions: 'queueTrigger' },
        SUSPEND: { target: 'routing', actions: 'noteSuspend' },
      },
    },

    debouncing: {
      entry: assign(({ context }) => ({
        delayMs: context.opts.debounceMs,
        nextRunAt: context.opts.now() + context.opts.debounceMs,
        reason: `library.yaml changed; validating after ${context.opts.debounceMs} ms without further changes`,
      })),
      after: { armed: 'reconciling' },
      on: {
        // Through routing so the timer is re-armed from this change.
        CONFIG_CHANGED: { target: 'routing', actions: 'queueTrigger' },
        RECONCILE: { target: 'routing', actions: 'queueTrigger' },
        SUSPEND: { target: 'routing', actions: 'noteSuspend' },
      },
    },

    reconciling: {
      entry: 'startRun',
      invoke: {
        src: 'attempt',
        input: ({ context, self }) => {
          const runId = context.runId;
          return {
            validate: context.opts.validate,
            run: context.opts.run,
            trigger: context.trigger ?? 'request',
            controller: context.controller ?? new AbortController(),
            onPhase: (phase: RunPhase) => {
              if (self.getSnapshot().status === 'active') self.send({ type: 'PHASE', runId, phase });
            },
          };
        },
        onDone: { target: 'routing', actions: 'settle' },
        onError: { target: 'routing', actions: 'settle' },
      },
      initial: 'running',
      on: {
        PHASE: { guard: 'currentRun', actions: 'setPhase' },
        SUSPEND: { actions: 'noteSuspend' },
        RESUME: { actions: 'clearSuspend' },
        STOP: '.stopping',
      },
      states: {
        running: {
          on: {
            CONFIG_CHANGED: [
              { guard: 'holding', actions: 'queueTrigger' },
              { guard: 'inApply', actions: 'queueTrigger' },
              { target: 'cancelling', actions: 'queueTrigger' },
            ],
            RECONCILE: [
              { guard: 'holding', actions: 'queueTrigger' },
              { guard: 'inApply', actions: 'queueTrigger' },
              { target: 'cancelling', actions: 'queueTrigger' },
            ],
          },
        },
        cancelling: {
          entry: ['markCancel', 'abortRun'],
          on: {
            CONFIG_CHANGED: { actions: 'queueTrigger' },
            RECONCILE: { actions: 'queueTrigger' },
          },
        },
        stopping: {
          entry: ['markStop', 'abortRun'],
          on: {
            // Already aborted and waiting: a second STOP changes nothing.
            STOP: {},
            // Queued so the wrapper can answer them with "stopped" rather than drop them.
            RECONCILE: { actions: 'queueTrigger' },
          },
        },
      },
    },

    backoff: {
      entry: assign(({ context }) => {
        const delayMs = backoffDelay(context.attempt, context.opts);
        const nextRunAt = context.opts.now() + delayMs;
        return {
          delayMs,
          nextRunAt,
          reason: `run failed (${context.attempt} in a row): ${context.lastError}; retrying at ${at(nextRunAt)}`,
        };
      }),
      after: { armed: { target: 'routing', actions: assign({ pendingTrigger: 'retry' }) } },
      on: {
        CONFIG_CHANGED: { target: 'routing', actions: 'queueTrigger' },
        RECONCILE: { target: 'routing', actions: 'queueTrigger' },
        SUSPEND: { target: 'routing', actions: 'noteSuspend' },
      },
    },

    invalid: {
      entry: [
        'refusePending',
        assign(({ context }) => ({
          delayMs: null,
          nextRunAt: null,
          reason: `invalid library.yaml: ${context.configError}`,
        })),
      ],
      on: {
        CONFIG_CHANGED: { target: 'routing', actions: 'queueTrigger' },
        RECONCILE: { actions: 'refuseRequest' },
        SUSPEND: { target: 'routing', actions: 'noteSuspend' },
      },
    },

    suspended: {
      entry: assign(({ context }) => ({
        delayMs: null,
        nextRunAt: null,
        reason: `suspended: ${context.suspendReason}`,
      })),
      on: {
        CONFIG_CHANGED: { actions: 'queueTrigger' },
        RECONCILE: [
          { guard: and(['configInvalid', not('configPending')]), actions: 'refuseRequest' },
          { actions: 'queueTrigger' },
        ],
        SUSPEND: {
          actions: [
            'noteSuspend',
            assign(({ context }) => ({ reason: `suspended: ${context.suspendReason}` })),
          ],
        },
        RESUME: { target: 'routing', actions: 'clearSuspend' },
      },
    },

    stopped: {
      type: 'final',
      entry: assign({ delayMs: null, nextRunAt: null, phase: null, reason: 'stopped' }),
    },
  },
});

export type WatchSnapshot = SnapshotFrom<typeof watchMachine>;

/** 'reconciling.running' for { reconciling: 'running' }. */
export function stateName(value: WatchSnapshot['value'] | string): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (v === undefined ? k : `${k}.${stateName(v as WatchSnapshot['value'])}`))
    .join(',');
}

/** The JSON-serialisable view of a snapshot: what `status`, the API and the dashboard show. */
export interface WatchStatus {
  state: string;
  reason: string;
  phase: Phase | null;
  runId: number;
  trigger: string | null;
  runStartedAt: number | null;
  pendingTrigger: string | null;
  pendingRequests: number;
  attempt: number;
  lastError: string | null;
  configError: string | null;
  lastResult: RunOutcome | null;
  nextRunAt: number | null;
  suspendReason: string | null;
}

export function statusOf(snapshot: WatchSnapshot): WatchStatus {
  const c = snapshot.context;
  const running = snapshot.matches('reconciling');
  return {
    state: stateName(snapshot.value),
    reason: c.reason,
    phase: running ? c.phase : null,
    runId: c.runId,
    trigger: c.trigger,
    runStartedAt: c.runStartedAt,
    pendingTrigger: c.pendingTrigger,
    pendingRequests: c.pendingRequests.length,
    attempt: c.attempt,
    lastError: c.lastError,
    configError: c.configError,
    lastResult: c.lastResult,
    nextRunAt: c.nextRunAt,
    suspendReason: c.suspendReason,
  };
}
