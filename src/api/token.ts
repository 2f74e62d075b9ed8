// The API token: who may change the watcher's course (POSTs). It is a fresh random secret per watcher start,
// kept in `.cratesync/api-token` with mode 0600 so only the library's owner (the CLI, the dashboard the
// watcher serves) can read it. The file is written under a temporary name with its mode set at creation and
// renamed into place, so no reader ever sees a half-written or briefly world-readable token.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Fs } from '../io/fs.ts';

export const TOKEN_FILE = 'api-token';

/** Creates a new token, writes it to `<dir>/api-token` (mode 0600) and returns it. */
export function writeApiToken(fs: Fs, dir: string): string {
  const token = randomBytes(32).toString('base64url');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, TOKEN_FILE);
  const tmp = path.join(dir, `.${TOKEN_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': the mode applies only to a file this call creates, so never reuse an existing one.
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${token}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return token;
}

/** The token a running watcher wrote, or undefined when there is none. */
export function readApiToken(fs: Fs, dir: string): string | undefined {
  let text: string;
  try {
    text = String(fs.readFileSync(path.join(dir, TOKEN_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return text.trim() || undefined;
}

/** The token from an `Authorization: Bearer ...` header; undefined when there is no bearer credential. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}

/** Compares in constant time: hashing first makes the lengths equal, so not even the length leaks. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
