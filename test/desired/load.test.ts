import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState, loadDesiredStateFromText, validateFile } from '../../src/desired/load.ts';
import { issuesOf, memFs } from './helpers.ts';

const MINIMAL = `version: 1
source: { provider: demo }
root: ./music
playlists:
  - select: all
`;

describe('loadDesiredState', () => {
  it('fills in every default', () => {
    const desired = loadDesiredState('/lib/library.yaml', memFs({ '/lib/library.yaml': MINIMAL }));
    expect(desired).toEqual({
      file: '/lib/library.yaml',
      root: '/lib/music',
      source: { provider: 'demo', demo: { seed: 7, playlists: 12, tracks: 300 } },
      layout: {
        playlists: 'Playlists',
        filename: '{artists} - {title}',
        links: 'symlink',
        primary: 'first-listed',
        playlistFiles: 'm3u8',
      },
      playlists: [{ kind: 'select', select: 'all', exclude: [] }],
      children: [],
      prune: { mode: 'trash', maxDeletions: 200 },
      download: { tool: 'synth', output: '{dir}/**/*', concurrency: 4, retries: 3 },
    });
  });

  it('keeps what the file says over the defaults', () => {
    const desired = loadDesiredStateFromText(
      `${MINIMAL}layout: { links: copy, playlists: Crates/All }\nprune: { mode: off }\ndownload: { concurrency: 8 }\n`,
      '/lib/library.yaml',
    );
    expect(desired.layout.links).toBe('copy');
    expect(desired.layout.playlists).toBe('Crates/All');
    expect(desired.layout.filename).toBe('{artists} - {title}');
    expect(desired.prune).toEqual({ mode: 'off', maxDeletions: 200 });
    expect(desired.download.concurrency).toBe(8);
    expect(desired.download.retries).toBe(3);
  });

  it('resolves a relative file name against the working folder', () => {
    const cwdFile = join(process.cwd(), 'library.yaml');
    const desired = loadDesiredState('library.yaml', memFs({ [cwdFile]: MINIMAL }));
    expect(desired.file).toBe(cwdFile);
    expect(desired.root).toBe(join(process.cwd(), 'music'));
  });

  it('resolves root and the catalogue path against the folder of library.yaml', () => {
    const text = `version: 1
source:
  provider: file
  file: { path: ../data/catalog.json }
root: ../../srv/music
playlists: []
`;
    const desired = loadDesiredStateFromText(text, '/home/dj/lib/library.yaml');
    expect(desired.root).toBe('/home/srv/music');
    expect(desired.source).toEqual({ provider: 'file', file: { path: '/home/dj/data/catalog.json' } });
  });

  it('keeps an absolute root and expands ~ to the home folder', () => {
    expect(loadDesiredStateFromText(MINIMAL.replace('./music', '/mnt/usb'), '/lib/library.yaml').root).toBe(
      '/mnt/usb',
    );
    expect(loadDesiredStateFromText(MINIMAL.replace('./music', '~/Music/DJ'), '/lib/library.yaml').root).toBe(
      join(homedir(), 'Music/DJ'),
    );
  });

  it('maps selectors to their tagged form', () => {
    const text = `version: 1
source: { provider: tidal, tidal: { countryCode: NO } }
root: ./music
playlists:
  - id: "4261748a-4287-4758-aaab-6d5be3e99e52"
    as: Deep House
  - id: abc
  - select: owned
    match: "^DJ "
    exclude: [Old Stuff]
  - select: favorites
`;
    const desired = loadDesiredStateFromText(text, '/lib/library.yaml');
    expect(desired.source).toEqual({ provider: 'tidal', tidal: { countryCode: 'NO' } });
    expect(desired.playlists).toEqual([
      { kind: 'id', id: '4261748a-4287-4758-aaab-6d5be3e99e52', as: 'Deep House' },
      { kind: 'id', id: 'abc' },
      { kind: 'select', select: 'owned', match: '^DJ ', exclude: ['Old Stuff'] },
      { kind: 'select', select: 'favorites', exclude: [] },
    ]);
  });

  it('expands `adopt: auto` and keeps the other later-issue sections as data', () => {
    const text = `${MINIMAL}adopt: auto
watch: { interval: 15m, debounce: 2s, disk: false, http: "127.0.0.1:7465" }
exports:
  rekordbox: { path: rekordbox.xml, folder: cratesync }
children:
  - name: Peak Time
    from: [Deep House, Techno]
    where: "bpm:126.."
    limit: 50
`;
    const desired = loadDesiredStateFromText(text, '/lib/library.yaml');
    expect(desired.adopt).toEqual({ mode: 'auto' });
    expect(desired.watch).toEqual({
      intervalMs: 15 * 60_000,
      debounceMs: 2000,
      disk: false,
      http: { host: '127.0.0.1', port: 7465 },
    });
    expect(desired.exports).toEqual({ rekordbox: { path: 'rekordbox.xml', folder: 'cratesync' } });
    expect(desired.children.map((c) => c.spec)).toEqual([
      { name: 'Peak Time', from: ['Deep House', 'Techno'], where: 'bpm:126..', limit: 50 },
    ]);
    const pinned = loadDesiredStateFromText(
      `${MINIMAL}adopt: { mode: manual, pins: { "Playlists/Old/some file.mp3": "75413016" } }\n`,
      '/lib/library.yaml',
    );
    expect(pinned.adopt).toEqual({ mode: 'manual', pins: { 'Playlists/Old/some file.mp3': '75413016' } });
  });

  it('accepts library.yaml written as JSON', () => {
    const json = JSON.stringify({ version: 1, source: { provider: 'demo' }, root: 'm', playlists: [] });
    expect(loadDesiredStateFromText(json, '/lib/library.json').root).toBe('/lib/m');
  });

  it('reports a missing file as a ConfigError', () => {
    const issues = issuesOf(() => loadDesiredState('/nowhere/library.yaml', memFs({})));
    expect(issues).toEqual([
      { file: '/nowhere/library.yaml', line: 1, col: 1, message: 'cannot read the file: no such file' },
    ]);
  });
});

describe('validateFile', () => {
  it('returns no issues for a good file and every issue for a bad one', () => {
    const fs = memFs({
      '/lib/good.yaml': MINIMAL,
      '/lib/bad.yaml':
        'version: 2\nsource: { provider: demo }\nroot: ./music\nplaylists: []\nprune: { mode: bin }\n',
    });
    expect(validateFile('/lib/good.yaml', fs)).toEqual([]);
    expect(validateFile('/lib/bad.yaml', fs).map((i) => `${i.line}:${i.col}: ${i.message}`)).toEqual([
      '1:10: version: expected 1, got 2',
      '5:16: prune.mode: expected one of trash, delete, off, got "bin"',
    ]);
  });
});
