// The one HTTP call both login and refresh make: a form POST to `{authUrl}/v1/oauth2/token`. Errors carry
// only TIDAL's `error` / `error_description` and the status, never a body, because a body may hold tokens.

import type { StoredTokens } from './token-store.ts';
import { tokenEndpoint } from './urls.ts';

/** How long one token request may take before it counts as a network failure. */
const REQUEST_TIMEOUT_MS = 30_000;
/** TIDAL always sends expires_in; should it not, assume an hour and let a 401 correct us. */
const FALLBACK_TTL_S = 3600;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  user_id?: string | number;
}

/** `kind`: rejected = the server said no (4xx); unavailable = 5xx or no answer; invalid = an answer we cannot read. */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly kind: 'rejected' | 'unavailable' | 'invalid',
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

export async function requestToken(
  fetchFn: FetchLike,
  authUrl: string,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetchFn(tokenEndpoint(authUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new TokenRequestError('unavailable', `no answer from ${tokenEndpoint(authUrl)}: ${reason(err)}`);
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body ?? {}) as { error?: unknown; error_description?: unknown };
    const code = typeof e.error === 'string' ? e.error : undefined;
    const description = typeof e.error_description === 'string' ? e.error_description : undefined;
    const detail = [code, description].filter(Boolean).join(': ') || `HTTP ${res.status}`;
    const kind = res.status >= 400 && res.status < 500 ? 'rejected' : 'unavailable';
    throw new TokenRequestError(kind, detail, res.status, code);
  }
  const t = body as Partial<TokenResponse> | undefined;
  if (!t || typeof t.access_token !== 'string' || t.access_token === '')
    throw new TokenRequestError('invalid', `${tokenEndpoint(authUrl)} answered without an access token`);
  return t as TokenResponse;
}

/** A token response as stored; a refresh that omits refresh_token or scope keeps the previous ones. */
export function toStoredTokens(
  t: TokenResponse,
  ctx: { clientId: string; authUrl: string; now: number; previous?: StoredTokens },
): StoredTokens {
  const ttl = typeof t.expires_in === 'number' && t.expires_in > 0 ? t.expires_in : FALLBACK_TTL_S;
  const refreshToken = t.refresh_token || ctx.previous?.refreshToken;
  const userId = t.user_id !== undefined ? String(t.user_id) : ctx.previous?.userId;
  return {
    accessToken: t.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: new Date(ctx.now + ttl * 1000).toISOString(),
    scope: t.scope ?? ctx.previous?.scope ?? '',
    clientId: ctx.clientId,
    authUrl: ctx.authUrl,
    ...(userId ? { userId } : {}),
  };
}

function reason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `timed out after ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
