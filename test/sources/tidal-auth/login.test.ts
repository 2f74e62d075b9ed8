import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.ts';
import { nodeFsPort } from '../../../src/io/fs.ts';
import { login, logout, pastedParams } from '../../../src/sources/tidal/login.ts';
import { createTokenStore, type TokenStore } from '../../../src/sources/tidal/token-store.ts';
import { authorizeInBrowser, type FakeTidalAuth, startFakeTidalAuth } from '../../helpers/fake-tidal-auth.ts';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.ts';
import { capture, loginWithBrowser, printedAuthorizeUrl } from './drive.ts';

let dir: string;
let fake: FakeTidalAuth;
let store: TokenStore;
let file: string;

beforeEach(async () => {
  dir = makeTempDir('cratesync-login-');
  fake = await startFakeTidalAuth();
  file = path.join(dir, 'cratesync', 'tidal.json');
  store = createTokenStore(nodeFsPort, file);
});
afterEach(async () => {
  await fake.close();
  removeTempDir(dir);
});

/** Lines that arrive only when the test pushes them, like a user who has not pasted anything yet. */
function pasteBox() {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  return {
    paste(line: string) {
      queue.push(line);
      wake?.();
    },
    async *read(signal: AbortSignal): AsyncGenerator<string> {
      while (!signal.aborted) {
        const line = queue.shift();
        if (line !== undefined) yield line;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

const base = () => ({ clientId: fake.clientId, authUrl: fake.url, store, port: 0, timeoutMs: 5000 });

describe('login', () => {
  it('runs PKCE through the browser and the loopback redirect, and stores the tokens 0600', async () => {
    const { result, browser, printed } = await loginWithBrowser(fake, store);
    expect(browser.status).toBe(200);
    expect(browser.page).toContain('Logged in to TIDAL');

    const asked = fake.lastAuthorize!;
    expect(asked.get('scope')).toBe('user.read playlists.read playlists.write collection.read');
    expect(asked.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(printed).toMatch(/scope=user\.read%20playlists\.read%20playlists\.write%20collection\.read/);

    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ clientId: fake.clientId, authUrl: fake.url, userId: '4242' });
    expect(fake.issued).toContain(saved.accessToken);
    expect(fake.issued).toContain(saved.refreshToken);
    expect(result).toMatchObject({ userId: '4242', file, scope: asked.get('scope') });

    // Nothing printed carries a token.
    for (const t of fake.issued) expect(printed).not.toContain(t);
  });

  it('offers to open a browser and carries on when that fails', async () => {
    const opened: string[] = [];
    const { printed } = await loginWithBrowser(fake, store, {
      openBrowser: async (url) => {
        opened.push(url);
        throw new Error('no browser here');
      },
    });
    expect(opened).toHaveLength(1);
    expect(printed).toContain(opened[0]);
    expect(store.read()).toBeDefined();
  });

  it('accepts the redirect URL pasted by a user whose browser cannot reach the loopback', async () => {
    const box = pasteBox();
    const { lines, out, text } = capture();
    const done = login({ ...base(), out, readPastedUrl: box.read });
    const redirect = await authorizeInBrowser(await printedAuthorizeUrl(lines));
    box.paste('not it');
    box.paste(`  ${redirect}  `);
    const result = await done;
    expect(result.userId).toBe('4242');
    expect(store.read()?.accessToken).toBeDefined();
    expect(text()).toMatch(/That is not the address/);
    for (const t of fake.issued) expect(text()).not.toContain(t);
    // The code in the pasted URL was not echoed either.
    expect(text()).not.toContain(new URL(redirect).searchParams.get('code')!);
  });

  it('rejects a redirect whose state is not this login’s', async () => {
    const box = pasteBox();
    const { lines, out } = capture();
    const done = login({ ...base(), out, readPastedUrl: box.read });
    const redirect = new URL(await authorizeInBrowser(await printedAuthorizeUrl(lines)));
    redirect.searchParams.set('state', 'forged');
    box.paste(redirect.toString());
    await expect(done).rejects.toThrow(/state does not match/);
    expect(store.read()).toBeUndefined();
    expect(fake.grants.authorization_code).toBeUndefined();
  });

  it('a wrong state arriving at the loopback fails the login and tells the browser', async () => {
    const { lines, out } = capture();
    const done = login({ ...base(), out });
    const redirect = new URL(await authorizeInBrowser(await printedAuthorizeUrl(lines)));
    redirect.searchParams.set('state', 'forged');
    const [page, outcome] = await Promise.all([
      fetch(redirect).then(async (r) => ({ status: r.status, text: await r.text() })),
      done.catch((e: unknown) => e),
    ]);
    expect(page.status).toBe(400);
    expect(page.text).toContain('state does not match');
    expect(outcome).toBeInstanceOf(SourceError);
  });

  it('says so when the user denies consent', async () => {
    fake.denyConsent = true;
    const err = await loginWithBrowser(fake, store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as Error).message).toMatch(/cancelled: access was denied .*access_denied/);
    expect(store.read()).toBeUndefined();
  });

  it('explains a client id the token endpoint does not know', async () => {
    fake.rejectClient = true;
    const err = await loginWithBrowser(fake, store).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /TIDAL refused the login \(invalid_client: Client not found\): check the client id .* is registered as a redirect URI/,
    );
  });

  it('gives up after the timeout when no redirect comes', async () => {
    const { out } = capture();
    const started = Date.now();
    await expect(login({ ...base(), out, timeoutMs: 150 })).rejects.toThrow(
      /no answer from TIDAL's login page/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names the way out when the port is taken', async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(login({ ...base(), port, out: () => undefined })).rejects.toThrow(
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} .*--port N`),
      );
    } finally {
      blocker.close();
    }
  });

  it('logout removes the stored tokens', async () => {
    await loginWithBrowser(fake, store);
    expect(fs.existsSync(file)).toBe(true);
    expect(logout(store)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(logout(store)).toBe(false);
  });
});

describe('pastedParams', () => {
  it('finds the query of a redirect URL, with or without scheme and host', () => {
    expect(pastedParams('http://127.0.0.1:1/callback?code=c&state=s')?.get('code')).toBe('c');
    expect(pastedParams('/callback?error=access_denied#x')?.get('error')).toBe('access_denied');
    expect(pastedParams('hello')).toBeUndefined();
    expect(pastedParams('http://x/?foo=1')).toBeUndefined();
  });
});
