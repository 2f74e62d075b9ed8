// Every request cratesync sends to the TIDAL API, and the rules they all follow:
// - URLs: `links.next` comes back relative to the API root WITHOUT its `/v2` path, so it is joined to the
//   configured base by string, never with `new URL(next, base)` (which would drop `/v2`). Absolute URLs are
//   only followed on the API's own origin, so the bearer token never leaves for another host.
// - Every request waits for the global limiter, has a timeout, and follows the caller's AbortSignal.
// - 401: one `invalidate` of the token just sent and one retry; a second 401 is terminal ("log in again").
// - Reads are retried on 429, 5xx, network errors and timeouts with exponential backoff and jitter; a 429
//   pauses the shared limiter for Retry-After (or the backoff) so every caller slows down, not just this one.
// - Writes are retried only when they carry an Idempotency-Key (the server replays a repeated key instead
//   of applying the write twice); without one, a write is sent exactly once.
// - Other 4xx are terminal and carry the server's errors[].detail.
// Tokens are never logged: log lines name the method, the path and the status only.

import { SourceError } from '../../errors.ts';
import type { Logger } from '../../types.ts';
import type { ErrorsDocument } from './api-types.ts';
import type { Clock } from './clock.ts';
import type { TokenProvider } from './ports.ts';
import { type RateLimiter, retryAfterMs } from './rate-limit.ts';

export type QueryValue = string | number | readonly string[] | undefined;
/** Array values are sent as repeated keys (`filter[id]=1&filter[id]=2`), as the official SDK does. */
export type Query = Record<string, QueryValue>;

export interface TidalHttpOptions {
  /** The API root including its version path, e.g. https://openapi.tidal.com/v2. */
  apiUrl: string;
  tokens: TokenProvider;
  limiter: RateLimiter;
  fetch?: typeof fetch;
  timeoutMs: number;
  /** Retries after the first attempt (401 refreshes do not count). */
  maxRetries: number;
  log?: Logger;
  /** Backoff sleeps; the limiter's clock by default. */
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** A Retry-After longer than this fails the request (retryable) instead of stalling the run. */
  maxRetryAfterMs?: number;
}

export interface WriteRequest {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body: unknown;
  /** Makes the write safe to retry; at most 128 characters. */
  idempotencyKey?: string;
}

export interface HttpCounters {
  requests: number;
  throttled: number;
}

export interface TidalHttp {
  get<T>(pathOrUrl: string, query: Query, signal: AbortSignal): Promise<T>;
  send<T>(request: WriteRequest, signal: AbortSignal): Promise<T | undefined>;
  counters(): HttpCounters;
}

/** A TIDAL answer that ended a request. `status` is absent for network errors and timeouts. */
export class TidalApiError extends SourceError {
  constructor(
    message: string,
    retryable: boolean,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message, retryable);
  }
}

const MEDIA_TYPE = 'application/vnd.api+json';
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 16_000;

export function createTidalHttp(opts: TidalHttpOptions): TidalHttp {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const clock = opts.clock ?? opts.limiter.clock;
  const random = opts.random ?? Math.random;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const counters: HttpCounters = { requests: 0, throttled: 0 };

  const backoffMs = (retry: number) =>
    Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry) * (0.5 + 0.5 * random());

  async function request<T>(
    method: string,
    pathOrUrl: string,
    query: Query,
    body: unknown,
    idempotencyKey: string | undefined,
    signal: AbortSignal,
  ): Promise<T | undefined> {
    const url = withQuery(resolveUrl(opts.apiUrl, pathOrUrl), query);
    const what = `${method} ${new URL(url).pathname}`;
    const mayRetry = method === 'GET' || idempotencyKey !== undefined;
    let refreshed = false;
    let retry = 0;

    /** Waits before the next attempt, or throws `failure` when no attempt is left. */
    const again = async (failure: TidalApiError, waitMs: number | undefined): Promise<void> => {
      if (!mayRetry || retry >= opts.maxRetries) throw failure;
      const ms = waitMs ?? backoffMs(retry);
      retry++;
      opts.log?.warn(`TIDAL ${what}: ${failure.message}; retry ${retry} of ${opts.maxRetries}`, {
        waitMs: Math.round(ms),
      });
      await clock.sleep(ms, signal);
    };

    for (;;) {
      await opts.limiter.acquire(signal);
      const token = await opts.tokens.accessToken(signal);
      const headers: Record<string, string> = { Accept: MEDIA_TYPE, Authorization: `Bearer ${token}` };
      if (body !== undefined) headers['Content-Type'] = MEDIA_TYPE;
      if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
      const attempt = AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs)]);

      let res: Response;
      let text: string;
      try {
        counters.requests++;
        res = await doFetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: attempt,
        });
        text = await res.text();
      } catch (err) {
        signal.throwIfAborted();
        const timedOut = attempt.aborted;
        const reason = timedOut ? `no answer within ${opts.timeoutMs} ms` : `network error: ${causeOf(err)}`;
        await again(new TidalApiError(`TIDAL ${what}: ${reason}`, true), undefined);
        continue;
      }

      if (res.ok) {
        opts.limiter.observe(res.headers);
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text) as T;
        } catch {
          // A proxy's HTML error page or a cut-off body: worth another try.
          await again(new TidalApiError(`TIDAL ${what}: answer is not JSON`, true, res.status), undefined);
          continue;
        }
      }

      const detail = errorDetail(text);
      const code = errorCode(text);
      if (res.status === 429) {
        counters.throttled++;
        const wait = retryAfterMs(res.headers.get('retry-after'), res.headers.get('date'));
        const failure = new TidalApiError(`TIDAL ${what}: rate limited (429)`, true, 429, code);
        if (wait !== undefined && wait > maxRetryAfterMs) {
          throw new TidalApiError(
            `TIDAL ${what}: rate limited for ${Math.ceil(wait / 1000)} s (Retry-After); try again later`,
            true,
            429,
            code,
          );
        }
        const pause = wait ?? backoffMs(retry);
        opts.limiter.throttled(pause, res.headers, { retryAfterGiven: wait !== undefined });
        // The limiter holds every request (this one included) back for `pause`: nothing more to wait here.
        await again(failure, 0);
        continue;
      }
      opts.limiter.observe(res.headers);

      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await opts.tokens.invalidate(token, signal);
        continue;
      }
      if (res.status === 401) {
        throw new TidalApiError(
          `TIDAL ${what}: the login was refused (401) even after a refresh; run \`cratesync login\` again`,
          false,
          401,
          code,
        );
      }
      const inProgress = res.status === 409 && code === 'IDEMPOTENT_REQUEST_IN_PROGRESS';
      if (res.status >= 500 || inProgress) {
        const wait = retryAfterMs(res.headers.get('retry-after'), res.headers.get('date'));
        const failure = new TidalApiError(
          `TIDAL ${what}: ${res.status}${detail ? ` ${detail}` : ''}`,
          true,
          res.status,
          code,
        );
        await again(failure, wait === undefined ? undefined : Math.min(wait, maxRetryAfterMs));
        continue;
      }
      throw new TidalApiError(
        `TIDAL ${what}: ${res.status} ${detail ?? res.statusText}`.trimEnd(),
        false,
        res.status,
        code,
      );
    }
  }

  return {
    get: async <T>(pathOrUrl: string, query: Query, signal: AbortSignal) => {
      const doc = await request<T>('GET', pathOrUrl, query, undefined, undefined, signal);
      if (doc === undefined) throw new TidalApiError(`TIDAL GET ${pathOrUrl}: empty answer`, true);
      return doc;
    },
    send: <T>(r: WriteRequest, signal: AbortSignal) =>
      request<T>(r.method, r.path, r.query ?? {}, r.body, r.idempotencyKey, signal),
    counters: () => ({ ...counters }),
  };
}

/**
 * The absolute URL of `pathOrUrl` under `apiUrl`. `/playlists?…` (how links.next arrives) becomes
 * `<origin>/v2/playlists?…`; a path that already starts with the base path is not prefixed twice, in case
 * TIDAL fixes the quirk. The query string of a links.next value is kept byte for byte.
 */
export function resolveUrl(apiUrl: string, pathOrUrl: string): string {
  const base = new URL(apiUrl);
  const root = base.pathname.replace(/\/+$/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) {
    const target = new URL(pathOrUrl);
    if (target.origin !== base.origin) {
      throw new TidalApiError(
        `refusing to follow ${target.origin}: not the TIDAL API (${base.origin})`,
        false,
      );
    }
    return target.href;
  }
  const rel = pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`;
  const path =
    root !== '' && (rel === root || rel.startsWith(`${root}/`) || rel.startsWith(`${root}?`))
      ? rel
      : root + rel;
  return base.origin + path;
}

/**
 * Appends `query` keeping `[`, `]` and `,` readable, as the API documents them (`filter[id]=1,2`); other
 * characters are percent-encoded.
 */
export function withQuery(url: string, query: Query): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' || typeof value === 'number' ? [String(value)] : value;
    for (const v of values) parts.push(`${encodeKeep(key)}=${encodeKeep(v)}`);
  }
  if (parts.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + parts.join('&');
}

function encodeKeep(text: string): string {
  return encodeURIComponent(text).replace(/%5B/gi, '[').replace(/%5D/gi, ']').replace(/%2C/gi, ',');
}

function parseErrors(text: string): ErrorsDocument | undefined {
  try {
    const doc = JSON.parse(text) as unknown;
    return doc !== null && typeof doc === 'object' ? (doc as ErrorsDocument) : undefined;
  } catch {
    return undefined;
  }
}

/** The server's own words: every errors[].detail, joined. */
function errorDetail(text: string): string | undefined {
  const details = (parseErrors(text)?.errors ?? [])
    .map((e) => e.detail ?? e.code)
    .filter((d): d is string => typeof d === 'string' && d !== '');
  return details.length > 0 ? details.join('; ') : undefined;
}

function errorCode(text: string): string | undefined {
  return parseErrors(text)?.errors?.find((e) => typeof e.code === 'string')?.code;
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
