// A library.yaml fetched from GitHub is resolved against --root and may not reach outside it, nor say where
// the TIDAL tokens go: anyone who can open a pull request could otherwise use this machine.

import { describe, expect, it } from 'vitest';
import { loadGitHubLibrary } from '../../src/gitops/library.ts';
import { parseGitHubSpec } from '../../src/gitops/spec.ts';

const spec = parseGitHubSpec('github:dj/crates/library.yaml@main');
const SHA = 'a'.repeat(40);
const load = (text: string) => loadGitHubLibrary(text, spec, SHA, '/srv/music');
const HEAD = 'version: 1\nplaylists: [ { select: all } ]\n';

describe('a library.yaml from GitHub', () => {
  it('resolves root against --root', () => {
    const d = load(`${HEAD}source: { provider: demo }\nroot: ./lib\n`);
    expect(d.root).toBe('/srv/music/lib');
    expect(d.file).toBe('dj/crates/library.yaml@aaaaaaa');
  });

  it('refuses a root or a catalogue file outside --root', () => {
    expect(() => load(`${HEAD}source: { provider: demo }\nroot: ../../home/dj\n`)).toThrow(
      /root must stay inside --root \/srv\/music/,
    );
    expect(() => load(`${HEAD}source: { provider: demo }\nroot: /etc\n`)).toThrow(/root must stay inside/);
    expect(() =>
      load(`${HEAD}source: { provider: file, file: { path: /home/dj/.ssh/id_rsa } }\nroot: ./lib\n`),
    ).toThrow(/source.file.path must stay inside --root/);
  });

  it('refuses TIDAL server addresses, which decide where the tokens go', () => {
    expect(() =>
      load(`${HEAD}source: { provider: tidal, tidal: { apiUrl: "https://evil.example/v2" } }\nroot: ./lib\n`),
    ).toThrow(/apiUrl and authUrl cannot come from GitHub/);
    expect(() =>
      load(`${HEAD}source: { provider: tidal, tidal: { authUrl: "https://evil.example" } }\nroot: ./lib\n`),
    ).toThrow(/CRATESYNC_TIDAL_AUTH_URL/);
    expect(
      load(`${HEAD}source: { provider: tidal, tidal: { countryCode: NO } }\nroot: ./lib\n`).source,
    ).toEqual({
      provider: 'tidal',
      tidal: { countryCode: 'NO' },
    });
  });
});
