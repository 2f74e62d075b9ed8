import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.ts';
import { nodeFsPort } from '../../../src/io/fs.ts';
import { createTokenProvider, REFRESH_MARGIN_MS } from '../../../src/sources/tidal/auth.ts';
import { createTokenStore, type TokenStore } from '../../../src/sources/tidal/token-store.ts';
import { type FakeTidalAuth, startFakeTidalAuth } from '../../helpers/fake-tidal-auth.ts';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.ts';
import { loginWithBrowser } from './drive.ts';

let dir: string;
let fake: FakeTidalAuth;
let store: TokenStore;
let clock: number;
const signal = new AbortController().signal;

beforeEach(async () => {
  dir = makeTempDir('cratesync-auth-');
  fake = await startFakeTidalAuth();
  store = createTokenStore(nodeFsPort, path.join(dir, 'tidal.json'));
  clock = Date.now();
});
afterEach(async () => {
  await fake.close();
  removeTempDir(dir);
});

const provider = (env: Record<string, string> = {}) =>
  createTokenProvider({ store, authUrl: fake.url, env, now: () => clock });

async function loggedIn(): Promise<string> {
  await loginWithBrowser(fake, store, { now: () => clock });
  return store.read()!.accessToken;
}

describe('TokenProvider', () => {
  it('hands out the stored token while it has more than a minute left', async () => {
    const token = await loggedIn();
    const p = provider();
    expect(await p.accessToken(signal)).toBe(token);
    clock += fake.ttlSeconds * 1000 - REFRESH_MARGIN_MS - 1000;
    expect(await p.accessToken(signal)).toBe(token);
    expect(fake.grants.refresh_token).toBeUndefined();
  });

  it('refreshes before expiry, keeps the refresh token TIDAL left out, and saves the result', async () => {
    const first = await loggedIn();
    const refreshToken = store.read()!.refreshToken;
    const p = provider();
    clock += fake.ttlSeconds * 1000 - REFRESH_MARGIN_MS + 1000;
    const second = await p.accessToken(signal);
    expect(second).not.toBe(first);
    expect(fake.grants.refresh_token).toBe(1);
    const saved = store.read()!;
    expect(saved.accessToken).toBe(second);
    expect(saved.refreshToken).toBe(refreshToken);
    expect(Date.parse(saved.expiresAt)).toBe(clock + fake.ttlSeconds * 1000);
    // A new provider (the next run) starts from the saved, fresh token.
    expect(await provider().accessToken(signal)).toBe(second);
    expect(fake.grants.refresh_token).toBe(1);
  });

  it('refreshes once after invalidate, even when many callers report the same 401', async () => {
    const first = await loggedIn();
    fake.delayMs = 50;
    const p = provider();
    await Promise.all([p.invalidate(first, signal), p.invalidate(first, signal), p.accessToken(signal)]);
    expect(fake.grants.refresh_token).toBe(1);
    const second = await p.accessToken(signal);
    expect(second).not.toBe(first);
    // A late report about the old token does not refresh again: the retry uses the new one.
    await p.invalidate(first, signal);
    expect(fake.grants.refresh_token).toBe(1);
    expect(await p.accessToken(signal)).toBe(second);
  });

  it('concurrent callers of an expiring token share one refresh', async () => {
    await loggedIn();
    fake.delayMs = 50;
    const p = provider();
    clock += fake.ttlSeconds * 1000;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => p.accessToken(signal)));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.grants.refresh_token).toBe(1);
  });

  it('a refused refresh says to run cratesync login, and is not retryable', async () => {
    const first = await loggedIn();
    fake.revokeRefreshTokens();
    const err = await provider()
      .invalidate(first, signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe('TIDAL login expired or was revoked: run cratesync login');
    expect((err as SourceError).retryable).toBe(false);
  });

  it('an auth server that cannot be reached is retryable and does not blame the login', async () => {
    await loggedIn();
    const url = fake.url;
    await fake.close();
    clock += fake.ttlSeconds * 1000;
    const p = createTokenProvider({ store, authUrl: url, env: {}, now: () => clock });
    const err = (await p.accessToken(signal).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/could not refresh the TIDAL login/);
    fake = await startFakeTidalAuth(); // for afterEach
  });

  it('without a stored login says how to get one', async () => {
    const err = (await provider()
      .accessToken(signal)
      .catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toBe('not logged in to TIDAL: run cratesync login (or set CRATESYNC_TIDAL_TOKEN)');
  });

  it('CRATESYNC_TIDAL_TOKEN wins over the stored login and a 401 on it is final', async () => {
    await loggedIn();
    const p = provider({ CRATESYNC_TIDAL_TOKEN: 'env-token-123' });
    expect(await p.accessToken(signal)).toBe('env-token-123');
    const err = (await p.invalidate('env-token-123', signal).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/rejected the access token in CRATESYNC_TIDAL_TOKEN/);
    expect(err.message).not.toContain('env-token-123');
    expect(fake.grants.refresh_token).toBeUndefined();
  });

  it('CRATESYNC_TIDAL_TOKEN works with no login at all', async () => {
    expect(await provider({ CRATESYNC_TIDAL_TOKEN: 'env-token' }).accessToken(signal)).toBe('env-token');
  });

  it('gives up at once when the caller aborts', async () => {
    await loggedIn();
    const p = provider();
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(p.accessToken(ctl.signal)).rejects.toThrow('stop');
  });
});
