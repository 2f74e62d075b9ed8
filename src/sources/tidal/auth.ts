// The TokenProvider the TIDAL client asks for every request's bearer token.
//
// Rules: CRATESYNC_TIDAL_TOKEN wins over the stored login (headless use; it cannot be refreshed, so a 401
// is final). Otherwise the stored token is refreshed when it has less than a minute left or after the API
// rejected it; callers that need a token while a refresh runs wait for that same refresh. The auth server
// saying no (4xx) means the login is gone: the user must log in again. Network trouble and 5xx are
// retryable and say so. No token ever reaches a message.

import { SourceError } from '../../errors.ts';
import type { TokenProvider } from './ports.ts';
import { type FetchLike, requestToken, TokenRequestError, toStoredTokens } from './token-endpoint.ts';
import type { StoredTokens, TokenStore } from './token-store.ts';

/** Refresh when less than this is left, so a token handed out survives the request it is for. */
export const REFRESH_MARGIN_MS = 60_000;

export const NOT_LOGGED_IN = 'not logged in to TIDAL: run cratesync login (or set CRATESYNC_TIDAL_TOKEN)';
export const LOGIN_EXPIRED = 'TIDAL login expired or was revoked: run cratesync login';
export const ENV_TOKEN_REJECTED =
  'TIDAL rejected the access token in CRATESYNC_TIDAL_TOKEN (expired or revoked): set a fresh one, or unset it and run cratesync login';

export interface TokenProviderOptions {
  store: TokenStore;
  /** The configured auth server (urls.ts); refreshes go to its token endpoint. */
  authUrl: string;
  /** Used only when the stored login does not name its app (a refresh must use the app that logged in). */
  clientId?: string;
  env: Record<string, string | undefined>;
  fetch?: FetchLike;
  now: () => number;
}

export function createTokenProvider(opts: TokenProviderOptions): TokenProvider {
  const envToken = opts.env.CRATESYNC_TIDAL_TOKEN?.trim();
  if (envToken) return envTokenProvider(envToken);

  const fetchFn: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  let current: StoredTokens | undefined;
  let refreshing: Promise<StoredTokens> | undefined;

  const load = (): StoredTokens => {
    current ??= opts.store.read();
    if (!current) throw new SourceError(NOT_LOGGED_IN, false);
    return current;
  };

  // One refresh at a time, shared by everyone who asks meanwhile. It runs on its own timeout rather than
  // on one caller's signal, so one caller giving up does not fail the others.
  const refresh = (): Promise<StoredTokens> => {
    refreshing ??= doRefresh(load()).finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const doRefresh = async (old: StoredTokens): Promise<StoredTokens> => {
    if (!old.refreshToken) throw new SourceError(LOGIN_EXPIRED, false);
    const clientId = old.clientId || opts.clientId || '';
    let response: Awaited<ReturnType<typeof requestToken>>;
    try {
      response = await requestToken(fetchFn, opts.authUrl, {
        grant_type: 'refresh_token',
        refresh_token: old.refreshToken,
        client_id: clientId,
        ...(old.scope ? { scope: old.scope } : {}),
      });
    } catch (err) {
      if (err instanceof TokenRequestError && err.kind === 'rejected')
        throw new SourceError(LOGIN_EXPIRED, false);
      const why = err instanceof Error ? err.message : String(err);
      throw new SourceError(`could not refresh the TIDAL login (${why}); try again later`, true);
    }
    const next = toStoredTokens(response, {
      clientId,
      authUrl: opts.authUrl,
      now: opts.now(),
      previous: old,
    });
    // Adopt the new tokens before saving them: if the save fails, this run still works with them.
    current = next;
    opts.store.write(next);
    return next;
  };

  return {
    async accessToken(signal) {
      signal.throwIfAborted();
      if (refreshing) return (await untilAborted(refreshing, signal)).accessToken;
      const tokens = load();
      if (Date.parse(tokens.expiresAt) - opts.now() > REFRESH_MARGIN_MS) return tokens.accessToken;
      return (await untilAborted(refresh(), signal)).accessToken;
    },
    async invalidate(token, signal) {
      signal.throwIfAborted();
      if (refreshing) {
        await untilAborted(refreshing, signal);
        return;
      }
      // Someone else already replaced the rejected token: theirs is the retry's token.
      if (load().accessToken !== token) return;
      await untilAborted(refresh(), signal);
    },
  };
}

function envTokenProvider(token: string): TokenProvider {
  return {
    async accessToken(signal) {
      signal.throwIfAborted();
      return token;
    },
    async invalidate(_token, signal) {
      signal.throwIfAborted();
      throw new SourceError(ENV_TOKEN_REJECTED, false);
    },
  };
}

/** `p`, unless `signal` aborts first (p keeps running for whoever else waits on it). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
