// runLogin / runLogout as the CLI calls them, with the terminal, stdin and browser replaced.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthIo, runLogin, runLogout } from '../../../src/cli/auth-commands.ts';
import { ConfigError } from '../../../src/errors.ts';
import { nodeFsPort } from '../../../src/io/fs.ts';
import { browserLogin, type FakeTidalAuth, startFakeTidalAuth } from '../../helpers/fake-tidal-auth.ts';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.ts';
import { printedAuthorizeUrl } from './drive.ts';

let dir: string;
let fake: FakeTidalAuth;
let printed: string;
let io: Partial<AuthIo>;
let opened: string[];

const tokenFile = () => path.join(dir, 'config', 'tidal.json');
const noFile = () => path.join(dir, 'no-library.yaml');

beforeEach(async () => {
  dir = makeTempDir('cratesync-auth-cli-');
  fake = await startFakeTidalAuth();
  printed = '';
  opened = [];
  io = {
    fs: nodeFsPort,
    env: { CRATESYNC_CONFIG_DIR: path.join(dir, 'config'), CRATESYNC_TIDAL_AUTH_URL: fake.url },
    home: dir,
    write: (text) => {
      printed += text;
    },
    // The "browser": it reaches the loopback, as a local browser would.
    openBrowser: async (url) => {
      opened.push(url);
      void browserLogin(url);
      return true;
    },
    stdinLines: async function* () {},
    timeoutMs: 5000,
  };
});
afterEach(async () => {
  await fake.close();
  removeTempDir(dir);
});

describe('cratesync login / logout', () => {
  it('logs in with --client-id and no library.yaml, printing no token', async () => {
    expect(await runLogin({ file: noFile(), clientId: fake.clientId, port: '0' }, io)).toBe(0);
    expect(opened).toHaveLength(1);
    expect(printed).toContain(opened[0]);
    expect(printed).toMatch(/Logged in to TIDAL as user 4242\. Tokens saved to .*tidal\.json/);
    expect(fs.statSync(tokenFile()).mode & 0o777).toBe(0o600);
    expect(fake.issued.length).toBeGreaterThan(0);
    for (const t of fake.issued) expect(printed).not.toContain(t);

    expect(runLogout({ file: noFile() }, io)).toBe(0);
    expect(fs.existsSync(tokenFile())).toBe(false);
    expect(printed).toMatch(/Logged out of TIDAL/);
    expect(runLogout({ file: noFile() }, io)).toBe(0);
    expect(printed).toMatch(/Not logged in to TIDAL/);
  });

  it('takes the client id from CRATESYNC_TIDAL_CLIENT_ID and the auth server from library.yaml', async () => {
    const lib = path.join(dir, 'library.yaml');
    fs.writeFileSync(
      lib,
      `version: 1\nsource:\n  provider: tidal\n  tidal:\n    authUrl: ${fake.url}\nroot: ./music\nplaylists:\n  - select: owned\n`,
    );
    const env = { CRATESYNC_CONFIG_DIR: path.join(dir, 'config'), CRATESYNC_TIDAL_CLIENT_ID: fake.clientId };
    expect(await runLogin({ file: lib, port: '0' }, { ...io, env })).toBe(0);
    expect(JSON.parse(fs.readFileSync(tokenFile(), 'utf8')).authUrl).toBe(fake.url);
  });

  it('--auth-url beats the environment', async () => {
    const env = { ...io.env, CRATESYNC_TIDAL_AUTH_URL: 'http://127.0.0.1:9' };
    await runLogin(
      { file: noFile(), clientId: fake.clientId, authUrl: `${fake.url}/`, port: '0' },
      { ...io, env },
    );
    expect(JSON.parse(fs.readFileSync(tokenFile(), 'utf8')).authUrl).toBe(fake.url);
  });

  it('--no-browser only prints the URL; the user opens it', async () => {
    const done = runLogin({ file: noFile(), clientId: fake.clientId, port: '0', browser: false }, io);
    await browserLogin(await printedAuthorizeUrl(() => printed));
    expect(await done).toBe(0);
    expect(opened).toEqual([]);
  });

  it('without a client id says where to get one', async () => {
    await expect(runLogin({ file: noFile(), port: '0' }, io)).rejects.toThrow(ConfigError);
    await expect(runLogin({ file: noFile(), port: '0' }, io)).rejects.toThrow(
      /--client-id ID or CRATESYNC_TIDAL_CLIENT_ID/,
    );
  });

  it('rejects a port that is not a number', async () => {
    await expect(runLogin({ file: noFile(), clientId: 'x', port: 'http' }, io)).rejects.toThrow(
      /--port must be/,
    );
  });
});
