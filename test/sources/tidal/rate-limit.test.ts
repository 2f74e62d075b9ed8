import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/sources/tidal/clock.ts';
import { createRateLimiter, retryAfterMs } from '../../../src/sources/tidal/rate-limit.ts';

const signal = new AbortController().signal;

/** The virtual time at which each of `n` back-to-back acquisitions got its slot. */
async function slots(limiter: ReturnType<typeof createRateLimiter>, n: number): Promise<number[]> {
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.acquire(signal);
    at.push(limiter.clock.now());
  }
  return at;
}

describe('createRateLimiter', () => {
  it('lets the burst through, then one request a second', async () => {
    const limiter = createRateLimiter({ clock: virtualClock() });
    expect(await slots(limiter, 5)).toEqual([0, 0, 1000, 2000, 3000]);
  });

  it('serves concurrent waiters one at a time, in arrival order', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ clock, burst: 1, ratePerSecond: 2 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire(signal).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(clock.now()).toBe(1500);
  });

  it('takes the rate and burst from x-ratelimit-* headers, in requests (tokens / requested-tokens)', async () => {
    const limiter = createRateLimiter({ clock: virtualClock() });
    limiter.observe(
      new Headers({
        'x-ratelimit-replenish-rate': '10',
        'x-ratelimit-burst-capacity': '20',
        'x-ratelimit-requested-tokens': '5',
        'x-ratelimit-remaining': '20',
      }),
    );
    expect(limiter.state()).toMatchObject({ normalRatePerSecond: 2, burst: 4 });
    // 2 req/s at most; the rate climbs back by a tenth of that per answer, so it is at 1.2 here.
    expect(limiter.state().ratePerSecond).toBeCloseTo(1.2);
  });

  it('slows down at once when the server says it has little left', async () => {
    const limiter = createRateLimiter({ clock: virtualClock(), burst: 5 });
    limiter.observe(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-replenish-rate': '1' }));
    expect(await slots(limiter, 2)).toEqual([1000, 2000]);
  });

  it('a 429 pauses everyone for the given time and halves the rate; answers win it back', async () => {
    const limiter = createRateLimiter({ clock: virtualClock() });
    await slots(limiter, 2);
    limiter.throttled(5000);
    expect(limiter.state().ratePerSecond).toBe(0.5);
    const [first] = await slots(limiter, 1);
    expect(first).toBeGreaterThanOrEqual(5000);
    for (let i = 0; i < 5; i++) limiter.observe(new Headers());
    expect(limiter.state().ratePerSecond).toBe(1);
  });

  it('a 429 with Retry-After pauses for exactly that long and keeps the rate', async () => {
    const limiter = createRateLimiter({ clock: virtualClock(), burst: 1 });
    await slots(limiter, 1);
    limiter.throttled(2000, undefined, { retryAfterGiven: true });
    expect(limiter.state().ratePerSecond).toBe(1);
    // The first request goes when the pause ends, the next one a second later at the unchanged rate.
    expect(await slots(limiter, 2)).toEqual([2000, 3000]);
  });

  it('empties the bucket on a 429, so the pause is not followed by a burst', async () => {
    const limiter = createRateLimiter({ clock: virtualClock(), burst: 2 });
    limiter.throttled(3000);
    // At half the rate, the bucket holds 1.5 requests after the pause: one goes at once, the next 1 s later.
    expect(await slots(limiter, 2)).toEqual([3000, 4000]);
  });

  it('never halves below the floor', () => {
    const limiter = createRateLimiter({ clock: virtualClock(), minRatePerSecond: 0.1 });
    for (let i = 0; i < 20; i++) limiter.throttled(0);
    expect(limiter.state().ratePerSecond).toBe(0.1);
  });

  it('an aborted waiter does not hold up the ones behind it', async () => {
    const limiter = createRateLimiter({ clock: virtualClock(), burst: 1 });
    await limiter.acquire(signal);
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    await expect(limiter.acquire(gone.signal)).rejects.toThrow('gone');
    await expect(limiter.acquire(signal)).resolves.toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds', () => {
    expect(retryAfterMs('3', null)).toBe(3000);
    expect(retryAfterMs(' 0 ', null)).toBe(0);
    expect(retryAfterMs('1.5', null)).toBe(1500);
  });

  it("reads an HTTP date against the answer's own Date header", () => {
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:07 GMT', date, 0)).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', date, 0)).toBe(0);
  });

  it('reads an HTTP date against the local clock without a Date header', () => {
    const now = Date.parse('2026-10-21T07:28:00Z');
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:02 GMT', null, now)).toBe(2000);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(null, null)).toBeUndefined();
    expect(retryAfterMs('soon', null)).toBeUndefined();
    expect(retryAfterMs('-1', null)).toBeUndefined();
  });
});
