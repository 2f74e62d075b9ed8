// Time as the TIDAL client sees it: injectable so tests and the benchmark can run hours of rate limiting in
// milliseconds.

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock whose sleeps return at once and move time forward by the amount slept, on top of `base` (zero for
 * tests; the real clock for the benchmark, so that the work done between sleeps counts too). Exact for one
 * sleeper at a time (the limiter serializes its waiters); concurrent backoff sleeps would overlap in reality.
 */
export function virtualClock(base: () => number = () => 0): Clock & { slept: number[] } {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => base() + offset,
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      slept.push(ms);
      offset += Math.max(0, ms);
      // Yield so that a sleeping loop still lets I/O and other promises run.
      await new Promise((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
    },
  };
}
