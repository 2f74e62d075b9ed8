// `cratesync login`: OAuth 2 authorization code with PKCE (S256) through a loopback redirect (RFC 8252).
//
// The browser goes to TIDAL's authorize page and comes back to http://127.0.0.1:PORT/callback, where a
// short-lived server takes the code. A browser that cannot reach this machine's loopback (the CLI runs over
// SSH) still ends up on that URL, so the user may paste it instead; whichever arrives first completes the
// login. The redirect must echo our `state`, or it is not ours and the login fails. Tokens go to the store
// and nowhere else: `out` only ever sees the authorize URL and instructions.

import { SourceError } from '../../errors.ts';
import { escapeHtml, type LoopbackServer, startLoopbackServer } from '../../io/loopback-server.ts';
import { createPkce } from './pkce.ts';
import { type FetchLike, requestToken, TokenRequestError, toStoredTokens } from './token-endpoint.ts';
import type { StoredTokens, TokenStore } from './token-store.ts';
import { authorizeEndpoint } from './urls.ts';

export const TIDAL_SCOPES: readonly string[] = [
  'user.read',
  'playlists.read',
  'playlists.write',
  'collection.read',
];
export const CALLBACK_PATH = '/callback';
/** Fixed, because TIDAL only redirects to URIs registered with the app, port included. */
export const DEFAULT_LOGIN_PORT = 48721;
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface LoginOptions {
  clientId: string;
  /** Auth server base (urls.ts): the token endpoint, and the authorize page unless it is TIDAL's own. */
  authUrl: string;
  store: TokenStore;
  scopes?: readonly string[];
  /** Best effort; the URL is printed regardless. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Lines the user pastes (stdin); one holding the redirect URL completes the login. */
  readPastedUrl?: (signal: AbortSignal) => AsyncIterable<string>;
  listenHost?: string;
  /** 0 picks a free port (only useful if the app accepts any loopback port). */
  port?: number;
  timeoutMs?: number;
  out: (line: string) => void;
  fetch?: FetchLike;
  now?: () => number;
  signal?: AbortSignal;
}

export interface LoginResult {
  userId?: string;
  scope: string;
  expiresAt: string;
  /** The token file. */
  file: string;
}

export async function login(o: LoginOptions): Promise<LoginResult> {
  const host = o.listenHost ?? '127.0.0.1';
  const port = o.port ?? DEFAULT_LOGIN_PORT;
  const scopes = o.scopes ?? TIDAL_SCOPES;
  const timeoutMs = o.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  const fetchFn: FetchLike = o.fetch ?? ((url, init) => fetch(url, init));
  const now = o.now ?? Date.now;
  const pkce = createPkce();
  let redirectUri = '';

  // The first redirect (browser or paste) decides the login; later ones only see its outcome.
  let completion: Promise<StoredTokens> | undefined;
  let started!: (c: { done: Promise<StoredTokens> }) => void;
  const firstRedirect = new Promise<{ done: Promise<StoredTokens> }>((resolve) => {
    started = resolve;
  });
  const complete = (params: URLSearchParams): Promise<StoredTokens> => {
    if (!completion) {
      completion = finish(params);
      started({ done: completion });
    }
    return completion;
  };

  const finish = async (params: URLSearchParams): Promise<StoredTokens> => {
    const code = codeFromRedirect(params, pkce.state);
    let response: Awaited<ReturnType<typeof requestToken>>;
    try {
      response = await requestToken(
        fetchFn,
        o.authUrl,
        {
          grant_type: 'authorization_code',
          client_id: o.clientId,
          code,
          code_verifier: pkce.verifier,
          redirect_uri: redirectUri,
          scope: scopes.join(' '),
        },
        o.signal,
      );
    } catch (err) {
      throw exchangeError(err, redirectUri);
    }
    const tokens = toStoredTokens(response, { clientId: o.clientId, authUrl: o.authUrl, now: now() });
    o.store.write(tokens);
    return tokens;
  };

  let server: LoopbackServer;
  try {
    server = await startLoopbackServer({
      host,
      port,
      handle: async (url) => {
        const p = url.searchParams;
        if (url.pathname !== CALLBACK_PATH || (!p.has('code') && !p.has('error')))
          return { status: 404, html: page('Nothing here', 'This address only receives the TIDAL login.') };
        try {
          await complete(p);
          return {
            status: 200,
            html: page('Logged in to TIDAL', 'You can close this tab and return to the terminal.'),
          };
        } catch (err) {
          return { status: 400, html: page('TIDAL login failed', (err as Error).message) };
        }
      },
    });
  } catch (err) {
    throw listenError(err, host, port);
  }
  redirectUri = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}${CALLBACK_PATH}`;

  const pasting = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = authorizeUrl({ authUrl: o.authUrl, clientId: o.clientId, redirectUri, scopes, pkce });
    o.out('To log in to TIDAL, open this URL in a browser:');
    o.out('');
    o.out(`  ${url}`);
    o.out('');
    const opened = o.openBrowser ? await o.openBrowser(url).catch(() => false) : false;
    if (opened) o.out('(Opened it in your browser.)');
    o.out(`Waiting for TIDAL to send the browser back to ${redirectUri} …`);
    if (o.readPastedUrl) {
      o.out(
        `If the browser runs on another machine, paste here the address it ends up on (${redirectUri}?code=…).`,
      );
      void readPasted(o.readPastedUrl(pasting.signal), complete, o.out).catch(() => undefined);
    }

    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SourceError(
              `no answer from TIDAL's login page within ${Math.round(timeoutMs / 1000)} s: run cratesync login again ` +
                `(if your browser cannot reach ${redirectUri}, paste the address it ends up on)`,
              false,
            ),
          ),
        timeoutMs,
      );
    });
    const waits: Promise<{ done: Promise<StoredTokens> }>[] = [firstRedirect, timedOut];
    if (o.signal) waits.push(aborted(o.signal));
    // The timeout bounds the wait for the user; a token exchange under way is left to finish.
    const { done } = await Promise.race(waits);
    clearTimeout(timer);
    const tokens = await done;
    return {
      ...(tokens.userId ? { userId: tokens.userId } : {}),
      scope: tokens.scope,
      expiresAt: tokens.expiresAt,
      file: o.store.path,
    };
  } finally {
    clearTimeout(timer);
    pasting.abort();
    await server.close();
  }
}

/** Forgets the stored login. True when there was one. */
export function logout(store: TokenStore): boolean {
  return store.delete();
}

export function authorizeUrl(a: {
  authUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  pkce: { challenge: string; state: string };
}): string {
  // Built by hand so the scope's spaces become %20, as TIDAL documents, rather than URLSearchParams' `+`.
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', a.clientId],
    ['redirect_uri', a.redirectUri],
    ['scope', a.scopes.join(' ')],
    ['code_challenge', a.pkce.challenge],
    ['code_challenge_method', 'S256'],
    ['state', a.pkce.state],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${authorizeEndpoint(a.authUrl)}?${query}`;
}

/** The authorization code of a redirect that is ours, or a SourceError saying why not. */
function codeFromRedirect(params: URLSearchParams, state: string): string {
  const error = params.get('error');
  if (error === 'access_denied')
    throw new SourceError(
      'TIDAL login was cancelled: access was denied on the consent page (access_denied)',
      false,
    );
  if (error) {
    const description = params.get('error_description');
    throw new SourceError(`TIDAL login failed: ${error}${description ? `: ${description}` : ''}`, false);
  }
  if (params.get('state') !== state)
    throw new SourceError(
      "TIDAL login failed: the redirect's state does not match this login (a stale or forged redirect); run cratesync login again",
      false,
    );
  const code = params.get('code');
  if (!code) throw new SourceError('TIDAL login failed: the redirect carries no authorization code', false);
  return code;
}

async function readPasted(
  lines: AsyncIterable<string>,
  complete: (p: URLSearchParams) => Promise<unknown>,
  out: (line: string) => void,
): Promise<void> {
  for await (const line of lines) {
    const params = pastedParams(line);
    if (params) {
      // Its outcome reaches login() through the shared completion.
      complete(params).catch(() => undefined);
      return;
    }
    // Do not echo the line: it may be a mangled redirect holding the code.
    if (line.trim())
      out(`That is not the address the browser ended up on; it contains ?code=…&state=…. Paste it again.`);
  }
}

/** The query of a pasted redirect URL (also without its scheme and host), if it has one worth trying. */
export function pastedParams(line: string): URLSearchParams | undefined {
  const text = line.trim();
  const q = text.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(text.slice(q + 1).split('#')[0]);
  return params.has('code') || params.has('error') ? params : undefined;
}

function exchangeError(err: unknown, redirectUri: string): unknown {
  if (!(err instanceof TokenRequestError)) return err;
  if (err.kind === 'rejected')
    return new SourceError(
      `TIDAL refused the login (${err.message}): check the client id (--client-id or CRATESYNC_TIDAL_CLIENT_ID) ` +
        `and that ${redirectUri} is registered as a redirect URI of your TIDAL app`,
      false,
    );
  return new SourceError(`could not finish the TIDAL login (${err.message}); try again`, true);
}

function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') return err;
  return new SourceError(
    `cannot listen on ${host}:${port} for the login redirect (${code}): pick another port with --port N ` +
      `and register http://127.0.0.1:N${CALLBACK_PATH} as a redirect URI of your TIDAL app`,
    false,
  );
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>cratesync: ${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>\n`;
}
