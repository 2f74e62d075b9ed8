// A fake TIDAL auth server on 127.0.0.1 (real node:http, port 0): the authorize page (which plays the user
// clicking "allow" and redirects to the loopback redirect_uri) and the token endpoint for the
// authorization_code and refresh_token grants, checking what the real one checks (client id, redirect URI,
// the PKCE verifier against the challenge). Tokens are random and distinctive, so tests can assert that
// none of them appears in anything printed.

import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

export interface FakeTidalAuth {
  /** Base URL: serves /authorize and /v1/oauth2/token. */
  url: string;
  clientId: string;
  /** Lifetime of issued access tokens, in seconds. */
  ttlSeconds: number;
  /** The authorize page answers with ?error=access_denied, as when the user refuses consent. */
  denyConsent: boolean;
  /** The token endpoint refuses every request with 401 invalid_client (a client id TIDAL does not know). */
  rejectClient: boolean;
  /** Refresh answers carry a new refresh token (otherwise they leave it out, as TIDAL may). */
  rotateRefreshTokens: boolean;
  /** Every token issued so far, access and refresh, for leak checks. */
  readonly issued: string[];
  /** Count of requests by grant type. */
  readonly grants: Record<string, number>;
  /** What the last authorize request asked for. */
  lastAuthorize?: URLSearchParams;
  /** Makes every refresh token issued so far useless (the user revoked the app). */
  revokeRefreshTokens(): void;
  /** Makes the next token response wait this long (to overlap concurrent callers). */
  delayMs: number;
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  redirectUri: string;
  clientId: string;
  scope: string;
}

const ALLOWED_SCOPES = new Set(['user.read', 'playlists.read', 'playlists.write', 'collection.read']);

export async function startFakeTidalAuth(opts: { clientId?: string } = {}): Promise<FakeTidalAuth> {
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, { clientId: string; scope: string }>();
  const token = (prefix: string) => {
    const t = `${prefix}-${randomBytes(18).toString('hex')}`;
    fake.issued.push(t);
    return t;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === '/v1/oauth2/token') {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const answer = () => tokenEndpoint(new URLSearchParams(body), req.headers['content-type'] ?? '', res);
        if (fake.delayMs > 0) setTimeout(answer, fake.delayMs);
        else answer();
      });
      return;
    }
    res.writeHead(404).end();
  });

  function authorize(q: URLSearchParams, res: http.ServerResponse) {
    fake.lastAuthorize = q;
    const redirectUri = q.get('redirect_uri') ?? '';
    const problem =
      q.get('response_type') !== 'code'
        ? 'response_type must be code'
        : q.get('client_id') !== fake.clientId
          ? 'unknown client_id'
          : !/^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirectUri)
            ? 'redirect_uri is not a registered loopback URI'
            : q.get('code_challenge_method') !== 'S256'
              ? 'code_challenge_method must be S256'
              : !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')
                ? 'code_challenge is not a base64url SHA-256'
                : !(q.get('scope') ?? '').split(' ').every((s) => ALLOWED_SCOPES.has(s))
                  ? 'unknown scope'
                  : undefined;
    // The real page shows such errors to the user instead of redirecting.
    if (problem) return json(res, 400, { error: 'invalid_request', error_description: problem });
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (fake.denyConsent) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied access');
    } else {
      const code = `code-${randomBytes(12).toString('hex')}`;
      codes.set(code, {
        challenge: q.get('code_challenge')!,
        redirectUri,
        clientId: fake.clientId,
        scope: q.get('scope')!,
      });
      back.searchParams.set('code', code);
    }
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { Location: back.toString() }).end();
  }

  function tokenEndpoint(p: URLSearchParams, contentType: string, res: http.ServerResponse) {
    const grant = p.get('grant_type') ?? '';
    fake.grants[grant] = (fake.grants[grant] ?? 0) + 1;
    if (!contentType.startsWith('application/x-www-form-urlencoded'))
      return json(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
    if (fake.rejectClient || p.get('client_id') !== fake.clientId)
      return json(res, 401, {
        error: 'invalid_client',
        error_description: 'Client not found',
        sub_status: 1002,
      });
    if (grant === 'authorization_code') {
      const pending = codes.get(p.get('code') ?? '');
      if (!pending) return invalidGrant(res, 'unknown or used authorization code');
      codes.delete(p.get('code')!);
      if (pending.redirectUri !== p.get('redirect_uri')) return invalidGrant(res, 'redirect_uri mismatch');
      const challenge = createHash('sha256')
        .update(p.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== pending.challenge) return invalidGrant(res, 'code_verifier does not match');
      return issue(res, pending.scope, true);
    }
    if (grant === 'refresh_token') {
      const known = refreshTokens.get(p.get('refresh_token') ?? '');
      if (!known) return invalidGrant(res, 'refresh token revoked or unknown');
      return issue(res, known.scope, fake.rotateRefreshTokens);
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  }

  function issue(res: http.ServerResponse, scope: string, withRefresh: boolean) {
    const body: Record<string, unknown> = {
      access_token: token('at'),
      token_type: 'Bearer',
      expires_in: fake.ttlSeconds,
      scope,
      user_id: 4242,
      clientName: 'fake',
    };
    if (withRefresh) {
      const refresh = token('rt');
      refreshTokens.set(refresh, { clientId: fake.clientId, scope });
      body.refresh_token = refresh;
    }
    json(res, 200, body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const fake: FakeTidalAuth = {
    url: `http://127.0.0.1:${port}`,
    clientId: opts.clientId ?? 'fake-client-id',
    ttlSeconds: 3600,
    denyConsent: false,
    rejectClient: false,
    rotateRefreshTokens: false,
    issued: [],
    grants: {},
    delayMs: 0,
    revokeRefreshTokens: () => refreshTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}

function invalidGrant(res: http.ServerResponse, description: string) {
  json(res, 400, { error: 'invalid_grant', error_description: description, status: 400, sub_status: 11101 });
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The browser's part of a login: open the authorize URL (the fake "allows" and redirects) and return the
 * address it redirects to, without following it (what a user would paste).
 */
export async function authorizeInBrowser(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location)
    throw new Error(`authorize page answered ${res.status}: ${await res.text()}`);
  return location;
}

/** The whole browser round trip: authorize, then follow the redirect to the CLI's loopback server. */
export async function browserLogin(authorizeUrl: string): Promise<{ status: number; page: string }> {
  const location = await authorizeInBrowser(authorizeUrl);
  const res = await fetch(location);
  return { status: res.status, page: await res.text() };
}
