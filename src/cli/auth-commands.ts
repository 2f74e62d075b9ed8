// login and logout: the commands that manage the stored TIDAL login. They need no library.yaml, but read
// `source.tidal.authUrl` from the one -f names when it exists. Precedence for the auth server:
// --auth-url, then CRATESYNC_TIDAL_AUTH_URL, then library.yaml, then TIDAL's own. For the client id:
// --client-id, then CRATESYNC_TIDAL_CLIENT_ID, then the app of the current stored login.

import os from 'node:os';
import { loadDesiredState } from '../desired/load.ts';
import { ConfigError } from '../errors.ts';
import { openBrowser } from '../io/browser.ts';
import { type Fs, nodeFsPort } from '../io/fs.ts';
import { stdinLines } from '../io/stdin-lines.ts';
import { DEFAULT_LOGIN_PORT, login, logout } from '../sources/tidal/login.ts';
import { createTokenStore, type TokenStore, tokenFilePath } from '../sources/tidal/token-store.ts';
import { checkedBaseUrl, normalizeAuthUrl, resolveTidalUrls } from '../sources/tidal/urls.ts';
import { green } from './output.ts';

export interface LoginFlags {
  file: string;
  clientId?: string;
  authUrl?: string;
  /** false with --no-browser. */
  browser?: boolean;
  port?: string;
}

/** What the commands touch, replaceable in tests. */
export interface AuthIo {
  fs: Fs;
  env: Record<string, string | undefined>;
  home: string;
  write: (text: string) => void;
  openBrowser: (url: string) => Promise<boolean>;
  stdinLines: (signal: AbortSignal) => AsyncIterable<string>;
  timeoutMs?: number;
}

const defaultIo = (): AuthIo => ({
  fs: nodeFsPort,
  env: process.env,
  home: os.homedir(),
  write: (text) => process.stdout.write(text),
  openBrowser: (url) => openBrowser(url),
  stdinLines,
});

export async function runLogin(flags: LoginFlags, io: Partial<AuthIo> = {}): Promise<number> {
  const { fs, env, write, ...rest } = { ...defaultIo(), ...io };
  const store = tokenStore(fs, env, rest.home);
  const authUrl = flags.authUrl
    ? normalizeAuthUrl(checkedBaseUrl(flags.authUrl, '--auth-url'))
    : resolveTidalUrls(libraryTidal(flags.file, fs), env).authUrl;
  const clientId = flags.clientId?.trim() || env.CRATESYNC_TIDAL_CLIENT_ID?.trim() || previousClientId(store);
  if (!clientId)
    throw new ConfigError(
      'cratesync login needs the client id of your TIDAL app: --client-id ID or CRATESYNC_TIDAL_CLIENT_ID ' +
        '(README, "Logging in to TIDAL", explains how to register one)',
    );
  const result = await login({
    clientId,
    authUrl,
    store,
    port: parsePort(flags.port),
    out: (line) => write(`${line}\n`),
    ...(flags.browser === false ? {} : { openBrowser: rest.openBrowser }),
    readPastedUrl: rest.stdinLines,
    ...(rest.timeoutMs !== undefined ? { timeoutMs: rest.timeoutMs } : {}),
  });
  const who = result.userId ? ` as user ${result.userId}` : '';
  write(`${green('Logged in to TIDAL')}${who}. Tokens saved to ${result.file} (readable only by you).\n`);
  return 0;
}

/** -f is accepted for symmetry with login; where tokens live does not depend on library.yaml. */
export function runLogout(_flags: { file: string }, io: Partial<AuthIo> = {}): number {
  const { fs, env, home, write } = { ...defaultIo(), ...io };
  const store = tokenStore(fs, env, home);
  if (logout(store)) write(`Logged out of TIDAL: removed ${store.path}.\n`);
  else write(`Not logged in to TIDAL (no ${store.path}).\n`);
  return 0;
}

function tokenStore(fs: Fs, env: Record<string, string | undefined>, home: string): TokenStore {
  return createTokenStore(fs, tokenFilePath(env, home));
}

/** library.yaml's source.tidal when -f names a file that exists (validated like every command does). */
function libraryTidal(file: string, fs: Fs): { authUrl?: string } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const source = loadDesiredState(file, fs).source;
  return source.provider === 'tidal' ? source.tidal : undefined;
}

function previousClientId(store: TokenStore): string | undefined {
  try {
    return store.read()?.clientId;
  } catch {
    // A damaged token file is about to be replaced; it has nothing to offer.
    return undefined;
  }
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOGIN_PORT;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new ConfigError(`--port must be a port number (0–65535, 0 = any free port), not "${value}"`);
  return n;
}
