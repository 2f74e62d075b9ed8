// The one rate limiter every TIDAL call goes through: a token bucket counted in requests.
//
// TIDAL publishes no limits. It starts at 1 request/s with a burst of 2 (429s were seen at 0.5 req/s), and
// moves to what the server says once a response carries the x-ratelimit-* headers, which describe the
// server's own bucket in tokens: `replenish-rate` tokens per second, `burst-capacity` tokens at most,
// `requested-tokens` per request, `remaining` left now. One request may cost several tokens, so the rate in
// requests is replenish-rate / requested-tokens.
//
// A 429 pauses every caller (Retry-After when given, otherwise the caller's backoff) and halves the rate;
// each later success wins back a tenth of the normal rate, so a storm converges instead of oscillating.
// Waiters are served one at a time in arrival order, which keeps the bucket fair and makes a virtual clock
// exact.

import { type Clock, realClock } from './clock.ts';

export interface RateLimiterOptions {
  /** Requests per second before the server says otherwise. */
  ratePerSecond?: number;
  /** Requests that may go out back to back after a quiet spell. */
  burst?: number;
  /** The floor the rate never halves below. */
  minRatePerSecond?: number;
  clock?: Clock;
}

export interface RateLimiterState {
  ratePerSecond: number;
  /** The rate to recover to after 429s: the configured one, or the one the headers describe. */
  normalRatePerSecond: number;
  burst: number;
  tokens: number;
  pausedUntil: number;
}

export interface RateLimiter {
  readonly clock: Clock;
  /** Waits for a request slot. */
  acquire(signal: AbortSignal): Promise<void>;
  /** Any answer that was not a 429: adapt to its x-ratelimit-* headers and recover from earlier 429s. */
  observe(headers: Headers): void;
  /**
   * A 429: nobody sends anything for `pauseMs`. When the server said how long (Retry-After) that pause is
   * the whole answer; without it the rate halves too, since nothing else says how hard to back off.
   */
  throttled(pauseMs: number, headers?: Headers, opts?: { retryAfterGiven?: boolean }): void;
  state(): RateLimiterState;
}

export function createRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  const clock = opts.clock ?? realClock;
  const minRate = opts.minRatePerSecond ?? 0.05;
  let normalRate = opts.ratePerSecond ?? 1;
  let rate = normalRate;
  let burst = opts.burst ?? 2;
  let tokens = burst;
  let last = clock.now();
  let pausedUntil = -Infinity;
  let queue: Promise<void> = Promise.resolve();

  function refill(): void {
    const now = clock.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
  }

  async function take(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      refill();
      const now = clock.now();
      if (now < pausedUntil) {
        await clock.sleep(pausedUntil - now, signal);
        continue;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - tokens) / rate) * 1000), signal);
    }
  }

  /** Takes over what the server says of its bucket, converted to requests. */
  function adapt(headers: Headers): void {
    const cost = positive(headers.get('x-ratelimit-requested-tokens')) ?? 1;
    const replenish = positive(headers.get('x-ratelimit-replenish-rate'));
    const capacity = positive(headers.get('x-ratelimit-burst-capacity'));
    const remaining = nonNegative(headers.get('x-ratelimit-remaining'));
    refill();
    if (capacity !== undefined) {
      burst = Math.max(1, Math.floor(capacity / cost));
      tokens = Math.min(tokens, burst);
    }
    // Only ever lower our count from `remaining`: requests still in flight are not in the server's figure yet.
    if (remaining !== undefined) tokens = Math.min(tokens, remaining / cost);
    if (replenish !== undefined) normalRate = Math.max(minRate, replenish / cost);
  }

  return {
    clock,
    acquire(signal) {
      const turn = queue.then(() => take(signal));
      // A waiter that gives up (abort) must not stall the ones behind it.
      queue = turn.catch(() => undefined);
      return turn;
    },
    observe(headers) {
      adapt(headers);
      const next = rate + normalRate / 10;
      rate = next >= normalRate * 0.999 ? normalRate : next;
    },
    throttled(pauseMs, headers, how) {
      if (headers) adapt(headers);
      refill();
      pausedUntil = Math.max(pausedUntil, clock.now() + Math.max(0, pauseMs));
      tokens = 0;
      if (!how?.retryAfterGiven) rate = Math.max(minRate, rate / 2);
    },
    state: () => ({ ratePerSecond: rate, normalRatePerSecond: normalRate, burst, tokens, pausedUntil }),
  };
}

/**
 * Retry-After in milliseconds: delta-seconds, or an HTTP date read against the response's own Date header
 * (so a skewed local clock does not matter) or, without one, against `nowEpochMs`.
 */
export function retryAfterMs(
  value: string | null,
  responseDate: string | null,
  nowEpochMs = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Date.parse reads "-1" as a year; an HTTP date always names its weekday and month.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const base = responseDate === null ? Number.NaN : Date.parse(responseDate);
  return Math.max(0, at - (Number.isNaN(base) ? nowEpochMs : base));
}

function positive(value: string | null): number | undefined {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function nonNegative(value: string | null): number | undefined {
  const n = value === null || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
