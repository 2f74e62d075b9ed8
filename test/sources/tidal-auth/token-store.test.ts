import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/errors.ts';
import { nodeFsPort } from '../../../src/io/fs.ts';
import {
  createTokenStore,
  type StoredTokens,
  tokenFilePath,
} from '../../../src/sources/tidal/token-store.ts';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.ts';

const tokens: StoredTokens = {
  accessToken: 'at-secret',
  refreshToken: 'rt-secret',
  expiresAt: '2030-01-01T00:00:00.000Z',
  scope: 'user.read playlists.read',
  clientId: 'cid',
  authUrl: 'https://auth.tidal.com',
  userId: '42',
};

let dir: string;
beforeEach(() => {
  dir = makeTempDir('cratesync-tokens-');
});
afterEach(() => removeTempDir(dir));

describe('tokenFilePath', () => {
  it('follows XDG, with CRATESYNC_CONFIG_DIR first and ~/.config last', () => {
    expect(tokenFilePath({}, '/home/dj', 'linux')).toBe('/home/dj/.config/cratesync/tidal.json');
    expect(tokenFilePath({ XDG_CONFIG_HOME: '/x' }, '/home/dj', 'linux')).toBe('/x/cratesync/tidal.json');
    // A relative XDG_CONFIG_HOME is invalid by the spec.
    expect(tokenFilePath({ XDG_CONFIG_HOME: 'rel' }, '/home/dj', 'linux')).toBe(
      '/home/dj/.config/cratesync/tidal.json',
    );
    expect(tokenFilePath({ XDG_CONFIG_HOME: '/x', CRATESYNC_CONFIG_DIR: '/t' }, '/home/dj', 'linux')).toBe(
      '/t/tidal.json',
    );
  });
});

describe('token store', () => {
  it('writes a 0600 file in a 0700 folder, atomically, and reads it back', () => {
    const file = path.join(dir, 'conf', 'cratesync', 'tidal.json');
    const store = createTokenStore(nodeFsPort, file);
    expect(store.read()).toBeUndefined();
    store.write(tokens);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(store.read()).toEqual(tokens);
    store.write({ ...tokens, accessToken: 'at-2' });
    expect(store.read()?.accessToken).toBe('at-2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // No temporary file left behind.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['tidal.json']);
  });

  it('deletes, and says whether there was anything to delete', () => {
    const store = createTokenStore(nodeFsPort, path.join(dir, 'tidal.json'));
    expect(store.delete()).toBe(false);
    store.write(tokens);
    expect(store.delete()).toBe(true);
    expect(store.read()).toBeUndefined();
  });

  it('reports a damaged file without showing its content', () => {
    const file = path.join(dir, 'tidal.json');
    fs.writeFileSync(file, '{"accessToken":"at-leaky"');
    const store = createTokenStore(nodeFsPort, file);
    expect(() => store.read()).toThrow(SourceError);
    expect(() => store.read()).toThrow(/damaged: run cratesync login/);
    try {
      store.read();
    } catch (err) {
      expect((err as Error).message).not.toContain('at-leaky');
    }
  });
});
