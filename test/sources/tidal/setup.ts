// Shared wiring for the TIDAL tests: a fake server, its tokens, a limiter on a virtual clock (so rate limits
// and backoff cost no real time) and a logger that keeps what it was told.

import { virtualClock } from '../../../src/sources/tidal/clock.ts';
import { createTidalHttp, type TidalHttp } from '../../../src/sources/tidal/http.ts';
import { createRateLimiter, type RateLimiter } from '../../../src/sources/tidal/rate-limit.ts';
import type { Logger } from '../../../src/types.ts';
import {
  type FakeTidal,
  type FakeTidalOptions,
  fakeTokens,
  startFakeTidal,
} from '../../helpers/fake-tidal.ts';

export interface Rig {
  server: FakeTidal;
  tokens: ReturnType<typeof fakeTokens>;
  clock: ReturnType<typeof virtualClock>;
  limiter: RateLimiter;
  http: TidalHttp;
  log: Logger & { lines: string[] };
}

export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

export async function rig(
  opts: FakeTidalOptions = {},
  http: { timeoutMs?: number; maxRetries?: number } = {},
) {
  const server = await startFakeTidal(opts);
  const tokens = fakeTokens(server);
  const clock = virtualClock();
  const limiter = createRateLimiter({ clock });
  const log = memoryLog();
  const client = createTidalHttp({
    apiUrl: server.url,
    tokens,
    limiter,
    timeoutMs: http.timeoutMs ?? 2000,
    maxRetries: http.maxRetries ?? 5,
    log,
    random: () => 0.5,
  });
  return { server, tokens, clock, limiter, http: client, log } satisfies Rig;
}

export const never = new AbortController().signal;
