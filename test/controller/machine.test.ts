// The watch control loop's rules, driven with fake timers and a hand-cranked run: debounce, poll from the
// end of a run, cancel during observe/plan, coalesce during apply, backoff, invalid config, suspend/resume,
// stop, the outcome a requester gets, and the trace.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  jittered,
  mergeTrigger,
  type RunArgs,
  type RunOutcome,
  type RunPhase,
  type RunResult,
  resolveOptions,
  type ValidateResult,
  type WatchInput,
} from '../../src/controller/machine.ts';
import { startWatchLoop, type TraceRecord } from '../../src/controller/watch-loop.ts';

const T0 = Date.UTC(2026, 0, 1);

interface FakeRun {
  trigger: string;
  signal: AbortSignal;
  startedAt: number;
  phase(p: RunPhase): void;
  finish(result?: Partial<RunResult>): Promise<void>;
  fail(error: string): Promise<void>;
  settled: boolean;
}

/** Lets the machine see resolved promises without moving the clock. */
const flush = () => vi.advanceTimersByTimeAsync(0);
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function harness(overrides: Partial<WatchInput> = {}, initial: ValidateResult = { ok: true }) {
  const runs: FakeRun[] = [];
  let validity = initial;
  let nextEventId = 100;
  const validate = vi.fn(async (_signal: AbortSignal) => validity);
  const run = vi.fn(
    (args: RunArgs) =>
      new Promise<RunResult>((resolve) => {
        const r: FakeRun = {
          trigger: args.trigger,
          signal: args.signal,
          startedAt: Date.now(),
          settled: false,
          phase: (p) => args.onPhase(p),
          async finish(result = {}) {
            r.settled = true;
            resolve({ ok: true, eventId: nextEventId++, ...result });
            await flush();
          },
          async fail(error) {
            r.settled = true;
            resolve({ ok: false, error, eventId: nextEventId++ });
            await flush();
          },
        };
        runs.push(r);
      }),
  );
  const trace: TraceRecord[] = [];
  const loop = startWatchLoop(
    {
      validate,
      run,
      debounceMs: 500,
      pollMs: 60_000,
      jitter: 0.1,
      random: () => 0.5, // jitter factor exactly 1
      backoff: { baseMs: 1_000, maxMs: 8_000 },
      ...overrides,
    },
    { trace: (r) => trace.push(r) },
  );
  const last = () => {
    const r = runs.at(-1);
    if (!r) throw new Error('no run started');
    return r;
  };
  return {
    loop,
    runs,
    run,
    validate,
    trace,
    last,
    setValidity: (v: ValidateResult) => {
      validity = v;
    },
    state: () => loop.snapshot().state,
  };
}

/** A started loop whose first run finished, sitting in idle at a known time. */
async function idleHarness(overrides: Partial<WatchInput> = {}) {
  const h = harness(overrides);
  await flush();
  await h.last().finish();
  expect(h.state()).toBe('idle');
  return h;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pure helpers', () => {
  it('jitters within [1 - j, 1 + j) and merges triggers by urgency', () => {
    expect(jittered(1000, 0.1, () => 0)).toBe(900);
    expect(jittered(1000, 0.1, () => 0.5)).toBe(1000);
    expect(jittered(1000, 0.1, () => 0.999)).toBe(1100);
    expect(mergeTrigger(null, 'poll')).toBe('poll');
    expect(mergeTrigger('poll', 'config')).toBe('config');
    expect(mergeTrigger('config', 'poll')).toBe('config');
    expect(mergeTrigger('config', 'cli')).toBe('cli');
    expect(mergeTrigger('cli', 'config')).toBe('cli');
  });

  it('doubles the backoff delay per attempt, jittered, never above the cap', () => {
    const opts = resolveOptions({
      validate: async () => ({ ok: true }),
      run: async () => ({ ok: true }),
      backoff: { baseMs: 1_000, maxMs: 8_000 },
      jitter: 0.1,
      random: () => 0.5,
    });
    expect([1, 2, 3, 4, 5, 60].map((n) => backoffDelay(n, opts))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    const low = { ...opts, random: () => 0 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, low))).toEqual([900, 1800, 3600, 7200, 8000]);
    const high = { ...opts, random: () => 0.999 };
    expect([1, 3, 4].map((n) => backoffDelay(n, high))).toEqual([1100, 4399, 8000]);
  });

  it('uses the documented defaults', () => {
    const o = resolveOptions({ validate: async () => ({ ok: true }), run: async () => ({ ok: true }) });
    expect(o).toMatchObject({
      debounceMs: 500,
      pollMs: 900_000,
      jitter: 0.1,
      backoff: { baseMs: 5_000, maxMs: 600_000 },
      runOnStart: true,
    });
  });
});

describe('start', () => {
  it('validates and runs once when it starts', async () => {
    const h = harness();
    expect(h.state()).toBe('reconciling.running');
    expect(h.loop.snapshot().phase).toBe('validate');
    await flush();
    expect(h.validate).toHaveBeenCalledTimes(1);
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]!.trigger).toBe('start');
  });

  it('starts idle with runOnStart: false', async () => {
    const h = harness({ runOnStart: false });
    await flush();
    expect(h.state()).toBe('idle');
    expect(h.run).not.toHaveBeenCalled();
    expect(h.loop.snapshot().nextRunAt).toBe(T0 + 60_000);
  });
});

describe('debounce', () => {
  it('turns three quick changes into one validation and one run, 500 ms after the last', async () => {
    const h = harness({ runOnStart: false });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(200);
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(200);
    h.loop.send({ type: 'CONFIG_CHANGED' });
    expect(h.state()).toBe('debouncing');
    expect(h.loop.snapshot().nextRunAt).toBe(T0 + 400 + 500);
    await advance(499);
    expect(h.validate).not.toHaveBeenCalled();
    expect(h.run).not.toHaveBeenCalled();
    await advance(1);
    expect(h.validate).toHaveBeenCalledTimes(1);
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]!.trigger).toBe('config');
    expect(h.runs[0]!.startedAt).toBe(T0 + 900);
    await h.last().finish();
    await advance(10_000);
    expect(h.run).toHaveBeenCalledTimes(1);
  });

  it('a request during the debounce runs at once', async () => {
    const h = harness({ runOnStart: false });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(100);
    h.loop.send({ type: 'RECONCILE', trigger: 'cli' });
    await flush();
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]!.trigger).toBe('cli');
    await h.last().finish();
    await advance(1_000);
    expect(h.run).toHaveBeenCalledTimes(1);
  });
});

describe('coalescing during apply', () => {
  it('two triggers during apply give exactly one follow-up run, and the run in flight is not aborted', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    first.phase('plan');
    first.phase('apply');
    h.loop.send({ type: 'RECONCILE', trigger: 'api' });
    h.loop.send({ type: 'RECONCILE', trigger: 'cli' });
    await flush();
    expect(first.signal.aborted).toBe(false);
    expect(h.runs).toHaveLength(1);
    expect(h.state()).toBe('reconciling.running');
    expect(h.loop.snapshot().pendingTrigger).toBe('cli');

    await first.finish();
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1]!.trigger).toBe('cli');
    await h.last().finish();
    expect(h.state()).toBe('idle');
    await advance(59_999);
    expect(h.run).toHaveBeenCalledTimes(2);
  });

  it('a config change during apply is debounced after the run', async () => {
    const h = harness();
    await flush();
    h.last().phase('apply');
    h.loop.send({ type: 'CONFIG_CHANGED' });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    expect(h.last().signal.aborted).toBe(false);
    expect(h.state()).toBe('reconciling.running');
    await h.last().finish();
    expect(h.state()).toBe('debouncing');
    await advance(499);
    expect(h.runs).toHaveLength(1);
    await advance(1);
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1]!.trigger).toBe('config');
    expect(h.validate).toHaveBeenCalledTimes(2);
  });
});

describe('cancellation during observe or plan', () => {
  it('aborts the run, waits for it to settle, then restarts it', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    h.loop.send({ type: 'RECONCILE', trigger: 'cli' });
    expect(first.signal.aborted).toBe(true);
    expect(h.state()).toBe('reconciling.cancelling');
    expect(h.loop.snapshot().reason).toMatch(/cancelling run 1 during observe/);
    await flush();
    // Never two runs at once: the restart waits until the aborted run has settled.
    expect(h.runs).toHaveLength(1);

    await first.fail('aborted');
    expect(h.runs).toHaveLength(2);
    const second = h.last();
    expect(second.trigger).toBe('cli');
    expect(second.signal.aborted).toBe(false);
    expect(h.loop.snapshot()).toMatchObject({ state: 'reconciling.running', runId: 2, attempt: 0 });
    // The aborted run was not a failure: it does not count towards backoff nor become lastResult.
    expect(h.loop.snapshot().lastResult).toBeNull();
    await second.finish();
    expect(h.state()).toBe('idle');
    expect(h.run).toHaveBeenCalledTimes(2);
  });

  it('cancels during plan too, and triggers while cancelling make one restart', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    first.phase('plan');
    h.loop.send({ type: 'RECONCILE' });
    h.loop.send({ type: 'RECONCILE' });
    h.loop.send({ type: 'RECONCILE' });
    expect(first.signal.aborted).toBe(true);
    await first.finish();
    expect(h.runs).toHaveLength(2);
    await h.last().finish();
    expect(h.run).toHaveBeenCalledTimes(2);
  });

  it('a config change during observe cancels and debounces before the restart', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    h.loop.send({ type: 'CONFIG_CHANGED' });
    expect(first.signal.aborted).toBe(true);
    await first.fail('aborted');
    expect(h.state()).toBe('debouncing');
    await advance(499);
    expect(h.runs).toHaveLength(1);
    await advance(1);
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1]!.trigger).toBe('config');
  });

  it('ignores phase reports of a run that was replaced', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    h.loop.send({ type: 'RECONCILE' });
    await first.fail('aborted');
    const second = h.last();
    second.phase('observe');
    first.phase('apply'); // late, from the cancelled run
    expect(h.loop.snapshot().phase).toBe('observe');
    h.loop.send({ type: 'RECONCILE' });
    expect(second.signal.aborted).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles the delay after each failure up to the cap, and a success resets it', async () => {
    const h = harness();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const failedAt = Date.now();
      await h.last().fail(`boom ${i + 1}`);
      expect(h.state()).toBe('backoff');
      const s = h.loop.snapshot();
      expect(s.attempt).toBe(i + 1);
      expect(s.lastError).toBe(`boom ${i + 1}`);
      expect(s.reason).toContain(`boom ${i + 1}`);
      const delay = s.nextRunAt! - failedAt;
      delays.push(delay);
      await advance(delay - 1);
      expect(h.runs).toHaveLength(i + 1);
      await advance(1);
      expect(h.runs).toHaveLength(i + 2);
      expect(h.last().trigger).toBe('retry');
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);

    await h.last().finish();
    expect(h.loop.snapshot()).toMatchObject({ state: 'idle', attempt: 0, lastError: null });
    await advance(60_000);
    await h.last().fail('again');
    const s = h.loop.snapshot();
    expect(s.attempt).toBe(1);
    expect(s.nextRunAt! - Date.now()).toBe(1000);
  });

  it('jitters the backoff delay', async () => {
    const h = harness({ random: () => 0 });
    await flush();
    await h.last().fail('boom');
    expect(h.loop.snapshot().nextRunAt! - Date.now()).toBe(900);
    await advance(899);
    expect(h.runs).toHaveLength(1);
    await advance(1);
    expect(h.runs).toHaveLength(2);
  });

  it('a trigger during backoff runs at once', async () => {
    const h = harness();
    await flush();
    await h.last().fail('boom');
    expect(h.state()).toBe('backoff');
    h.loop.send({ type: 'RECONCILE', trigger: 'cli' });
    await flush();
    expect(h.runs).toHaveLength(2);
    expect(h.last().trigger).toBe('cli');
    await h.last().fail('boom');
    // A second failure in a row: the next delay has doubled.
    expect(h.loop.snapshot().attempt).toBe(2);
    expect(h.loop.snapshot().nextRunAt! - Date.now()).toBe(2000);
  });

  it('a run that throws counts as a failure', async () => {
    const h = harness({ run: async () => Promise.reject(new Error('exploded')) });
    await flush();
    expect(h.loop.snapshot()).toMatchObject({ state: 'backoff', attempt: 1, lastError: 'exploded' });
  });
});

describe('invalid library.yaml', () => {
  it('parks in invalid with the error, runs nothing, and recovers on the next valid change', async () => {
    const h = harness({}, { ok: false, error: 'playlists[0].name: must be string' });
    await flush();
    expect(h.run).not.toHaveBeenCalled();
    expect(h.loop.snapshot()).toMatchObject({
      state: 'invalid',
      reason: 'invalid library.yaml: playlists[0].name: must be string',
      configError: 'playlists[0].name: must be string',
      nextRunAt: null,
    });

    // Neither time nor requests run anything from an invalid file.
    await advance(24 * 3_600_000);
    const refused = await h.loop.requestRun('cli');
    expect(refused).toEqual({
      ok: false,
      status: 'invalid',
      error: 'invalid library.yaml: playlists[0].name: must be string',
    });
    expect(h.validate).toHaveBeenCalledTimes(1);
    expect(h.run).not.toHaveBeenCalled();

    // Still invalid after a change: back to invalid with the new error.
    h.setValidity({ ok: false, error: 'version: must be 1' });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(500);
    expect(h.loop.snapshot()).toMatchObject({ state: 'invalid', configError: 'version: must be 1' });
    expect(h.run).not.toHaveBeenCalled();

    h.setValidity({ ok: true });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(499);
    expect(h.validate).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(h.validate).toHaveBeenCalledTimes(3);
    expect(h.runs).toHaveLength(1);
    expect(h.last().trigger).toBe('config');
    await h.last().finish();
    expect(h.loop.snapshot()).toMatchObject({ state: 'idle', configError: null });
  });

  it('a validator that throws makes the file invalid', async () => {
    const h = harness({
      validate: async () => {
        throw new Error('YAML parse error at line 3');
      },
    });
    await flush();
    expect(h.loop.snapshot()).toMatchObject({ state: 'invalid', configError: 'YAML parse error at line 3' });
  });
});

describe('suspend and resume', () => {
  it('holds triggers as one pending run, started on resume', async () => {
    const h = await idleHarness();
    h.loop.send({ type: 'SUSPEND', reason: 'editing on the USB stick' });
    expect(h.loop.snapshot()).toMatchObject({
      state: 'suspended',
      suspendReason: 'editing on the USB stick',
      reason: 'suspended: editing on the USB stick',
      nextRunAt: null,
    });
    await advance(10 * 60_000); // well past the poll
    h.loop.send({ type: 'RECONCILE', trigger: 'cli' });
    h.loop.send({ type: 'CONFIG_CHANGED' });
    h.loop.send({ type: 'RECONCILE', trigger: 'api' });
    await advance(1_000);
    expect(h.runs).toHaveLength(1);
    expect(h.loop.snapshot().pendingTrigger).toBe('api');

    h.loop.send({ type: 'RESUME' });
    await flush();
    expect(h.runs).toHaveLength(2);
    expect(h.last().trigger).toBe('api');
    expect(h.loop.snapshot().suspendReason).toBeNull();
    await h.last().finish();
    await advance(59_999);
    expect(h.run).toHaveBeenCalledTimes(2);
  });

  it('starts nothing on resume when nothing was pending', async () => {
    const h = await idleHarness();
    h.loop.send({ type: 'SUSPEND', reason: 'maintenance' });
    await advance(5 * 60_000);
    h.loop.send({ type: 'RESUME' });
    await flush();
    expect(h.state()).toBe('idle');
    expect(h.runs).toHaveLength(1);
    // The poll is counted afresh from the resume.
    expect(h.loop.snapshot().nextRunAt).toBe(Date.now() + 60_000);
  });

  it('lets the run in flight finish, then holds; a trigger during it waits for resume', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('observe');
    h.loop.send({ type: 'SUSPEND', reason: 'maintenance' });
    h.loop.send({ type: 'RECONCILE' });
    expect(first.signal.aborted).toBe(false);
    expect(h.state()).toBe('reconciling.running');
    await first.finish();
    expect(h.state()).toBe('suspended');
    expect(h.runs).toHaveLength(1);
    h.loop.send({ type: 'RESUME' });
    await flush();
    expect(h.runs).toHaveLength(2);
  });

  it('returns to invalid or backoff after resume when that is where it was', async () => {
    const h = harness({}, { ok: false, error: 'bad' });
    await flush();
    h.loop.send({ type: 'SUSPEND', reason: 'x' });
    h.loop.send({ type: 'RESUME' });
    expect(h.state()).toBe('invalid');

    const b = harness();
    await flush();
    await b.last().fail('boom');
    b.loop.send({ type: 'SUSPEND', reason: 'x' });
    b.loop.send({ type: 'RESUME' });
    expect(b.state()).toBe('backoff');
    expect(b.runs).toHaveLength(1);
  });
});

describe('stop', () => {
  it('aborts the run in flight, waits for it to settle, then stops for good', async () => {
    const h = harness();
    await flush();
    const first = h.last();
    first.phase('apply');
    let stopped = false;
    const stopping = h.loop.stop().then(() => {
      stopped = true;
    });
    expect(first.signal.aborted).toBe(true);
    expect(h.state()).toBe('reconciling.stopping');
    h.loop.send({ type: 'STOP' }); // a second STOP still waits for the run
    await advance(60_000);
    expect(stopped).toBe(false);
    expect(h.state()).toBe('reconciling.stopping');

    await first.fail('aborted');
    await stopping;
    expect(stopped).toBe(true);
    expect(h.loop.snapshot()).toMatchObject({ state: 'stopped', reason: 'stopped' });
    expect(h.loop.snapshot().lastResult).toMatchObject({ status: 'stopped', runId: 1 });
    await advance(3_600_000);
    expect(h.run).toHaveBeenCalledTimes(1);
    expect(await h.loop.requestRun()).toMatchObject({ ok: false, status: 'stopped' });
  });

  it('stops at once from idle', async () => {
    const h = await idleHarness();
    await h.loop.stop();
    expect(h.state()).toBe('stopped');
    await advance(3_600_000);
    expect(h.run).toHaveBeenCalledTimes(1);
  });

  it('answers a request that never got a run with "stopped"', async () => {
    const h = harness();
    await flush();
    h.last().phase('apply');
    const req = h.loop.requestRun('cli');
    const stopping = h.loop.stop();
    await h.last().finish();
    await stopping;
    expect(await req).toMatchObject({ ok: false, status: 'stopped' });
  });
});

describe('poll', () => {
  it('runs pollMs (jittered) after the END of the last run', async () => {
    const h = harness({ random: () => 0.75 }); // factor 1.05: 60 s → 63 s
    await flush();
    await advance(10_000); // the run takes 10 s
    const endedAt = Date.now();
    await h.last().finish();
    expect(h.loop.snapshot().nextRunAt).toBe(endedAt + 63_000);
    await advance(62_999);
    expect(h.runs).toHaveLength(1);
    await advance(1);
    expect(h.runs).toHaveLength(2);
    expect(h.last().trigger).toBe('poll');
    expect(h.last().startedAt).toBe(T0 + 10_000 + 63_000);
  });

  it('a change re-arms nothing: after the change run, the poll counts from its end', async () => {
    const h = await idleHarness();
    await advance(30_000);
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await advance(500);
    expect(h.runs).toHaveLength(2);
    await advance(5_000);
    await h.last().finish();
    const endedAt = Date.now();
    await advance(59_999);
    expect(h.runs).toHaveLength(2);
    await advance(1);
    expect(h.runs).toHaveLength(3);
    expect(h.last().startedAt).toBe(endedAt + 60_000);
  });
});

describe('requestRun', () => {
  it('resolves with the outcome of the run it started', async () => {
    const h = await idleHarness();
    const p = h.loop.requestRun('cli');
    await flush();
    expect(h.last().trigger).toBe('cli');
    await h.last().finish({ eventId: 42 });
    expect(await p).toMatchObject({ ok: true, status: 'succeeded', eventId: 42, runId: 2, trigger: 'cli' });
  });

  it('requests during apply share the one follow-up run, not the run in flight', async () => {
    const h = harness();
    await flush();
    h.last().phase('apply');
    const outcomes: RunOutcome[] = [];
    const a = h.loop.requestRun('cli').then((o) => outcomes.push(o));
    const b = h.loop.requestRun('api').then((o) => outcomes.push(o));
    await h.last().finish({ eventId: 1 });
    expect(outcomes).toHaveLength(0);
    await h.last().fail('disk full');
    await Promise.all([a, b]);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toMatchObject({ ok: false, status: 'failed', error: 'disk full', runId: 2 });
  });

  it('a request that cancels a run is answered by the restart', async () => {
    const h = harness();
    await flush();
    h.last().phase('observe');
    const p = h.loop.requestRun('cli');
    await h.runs[0]!.fail('aborted');
    await h.last().finish({ eventId: 7 });
    expect(await p).toMatchObject({ ok: true, eventId: 7, runId: 2 });
  });

  it('a request that started a run still gets that run when a change cancels it', async () => {
    const h = await idleHarness();
    const p = h.loop.requestRun('cli');
    await flush();
    h.last().phase('plan');
    h.loop.send({ type: 'CONFIG_CHANGED' });
    await h.last().fail('aborted');
    // The request outranks the change: the restart runs at once, no debounce.
    expect(h.runs).toHaveLength(3);
    expect(h.last().trigger).toBe('cli');
    await h.last().finish({ eventId: 9 });
    expect(await p).toMatchObject({ ok: true, eventId: 9, runId: 3 });
  });

  it('reports an invalid file to the requester whose run found it', async () => {
    const h = await idleHarness();
    h.setValidity({ ok: false, error: 'bad key' });
    expect(await h.loop.requestRun()).toMatchObject({
      ok: false,
      status: 'invalid',
      error: 'invalid library.yaml: bad key',
      runId: 2,
    });
    expect(h.run).toHaveBeenCalledTimes(1);
  });
});

describe('trace', () => {
  it('gives one JSON-serialisable record per transition', async () => {
    const h = harness();
    await flush();
    h.last().phase('observe');
    h.loop.send({ type: 'RESUME' }); // not suspended: handled, changes nothing visible
    h.loop.send({ type: 'SUSPEND', reason: 'r' });
    await h.last().finish({ eventId: 5 });
    const lines = h.trace.map((r) => JSON.parse(JSON.stringify(r)) as TraceRecord);
    expect(lines.map((r) => [r.from, r.to, r.event.type])).toEqual([
      [null, 'reconciling.running', 'xstate.init'],
      ['reconciling.running', 'reconciling.running', 'PHASE'],
      ['reconciling.running', 'reconciling.running', 'RESUME'],
      ['reconciling.running', 'reconciling.running', 'SUSPEND'],
      ['reconciling.running', 'suspended', expect.stringMatching(/^xstate\.done\.actor\./)],
    ]);
    expect(lines[1]).toMatchObject({ phase: 'observe', event: { phase: 'observe', runId: 1 } });
    expect(lines[3]!.event).toEqual({ type: 'SUSPEND', reason: 'r' });
    expect(lines[4]).toMatchObject({
      at: new Date(T0).toISOString(),
      reason: 'suspended: r',
      event: { output: { kind: 'ran', result: { ok: true, eventId: 5 } } },
    });
    // An event no state takes leaves no line.
    const before = h.trace.length;
    h.loop.send({ type: 'SUSPEND', reason: 'r' });
    expect(h.trace.length).toBe(before + 1);
    h.loop.send({ type: 'RESUME' });
    await flush();
    expect(h.trace.at(-1)!.to).toBe('idle');
    const n = h.trace.length;
    h.loop.send({ type: 'RESUME' });
    expect(h.trace.length).toBe(n);
  });
});
