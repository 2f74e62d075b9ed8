// Where the TIDAL tokens live and how they are written. The file is a secret: mode 0600 in a 0700 folder,
// written to a fresh temporary name and renamed into place, so neither a crash nor a reader ever sees half
// a file and the permissions are set at creation rather than fixed up afterwards. Nothing here logs.
//
// Location: $CRATESYNC_CONFIG_DIR/tidal.json when set (tests), else $XDG_CONFIG_HOME/cratesync/tidal.json,
// else ~/.config/cratesync/tidal.json (%APPDATA%\cratesync\tidal.json on Windows).

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SourceError } from '../../errors.ts';
import type { Fs } from '../../io/fs.ts';

export interface StoredTokens {
  accessToken: string;
  /** Absent when TIDAL gave none; the login then ends when the access token does. */
  refreshToken?: string;
  /** ISO 8601 time at which the access token stops working. */
  expiresAt: string;
  /** Space-separated scopes granted. */
  scope: string;
  /** The app the tokens were issued to: a refresh must use the same one. */
  clientId: string;
  /** The auth server that issued them (its base URL). */
  authUrl: string;
  userId?: string;
}

export interface TokenStore {
  /** Absolute path of the token file (safe to print; it holds the secrets, its name does not). */
  readonly path: string;
  /** The stored tokens, or undefined when nobody is logged in. Throws SourceError for a damaged file. */
  read(): StoredTokens | undefined;
  write(tokens: StoredTokens): void;
  /** True when there was a file to remove. */
  delete(): boolean;
}

type Env = Record<string, string | undefined>;

export function tokenFilePath(env: Env, home: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(configDir(env, home, platform), 'tidal.json');
}

function configDir(env: Env, home: string, platform: NodeJS.Platform): string {
  if (env.CRATESYNC_CONFIG_DIR) return path.resolve(env.CRATESYNC_CONFIG_DIR);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'cratesync');
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'cratesync');
  return path.join(home, '.config', 'cratesync');
}

export function createTokenStore(fs: Fs, file: string): TokenStore {
  const abs = path.resolve(file);
  return {
    path: abs,
    read() {
      let text: string;
      try {
        text = fs.readFileSync(abs, 'utf8') as string;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new SourceError(`cannot read the TIDAL token file ${abs}: ${(err as Error).message}`, false);
      }
      const tokens = parse(text);
      // Never echo the content: it is the secret.
      if (!tokens)
        throw new SourceError(`the TIDAL token file ${abs} is damaged: run cratesync login`, false);
      return tokens;
    },
    write(tokens) {
      const dir = path.dirname(abs);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
      // 'wx': the mode applies only to a file this call creates, so never reuse an existing one.
      const fd = fs.openSync(tmp, 'wx', 0o600);
      try {
        fs.writeSync(fd, `${JSON.stringify(tokens, null, 2)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      try {
        fs.renameSync(tmp, abs);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
    },
    delete() {
      try {
        fs.unlinkSync(abs);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    },
  };
}

function parse(text: string): StoredTokens | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const t = v as Record<string, unknown>;
  const str = (k: string) => typeof t[k] === 'string' && t[k] !== '';
  if (!str('accessToken') || !str('expiresAt') || !str('clientId') || !str('authUrl')) return undefined;
  if (Number.isNaN(Date.parse(t.expiresAt as string))) return undefined;
  return {
    accessToken: t.accessToken as string,
    ...(str('refreshToken') ? { refreshToken: t.refreshToken as string } : {}),
    expiresAt: t.expiresAt as string,
    scope: typeof t.scope === 'string' ? t.scope : '',
    clientId: t.clientId as string,
    authUrl: t.authUrl as string,
    ...(str('userId') ? { userId: t.userId as string } : {}),
  };
}
