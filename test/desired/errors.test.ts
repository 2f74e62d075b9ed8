// Each kind of mistake in library.yaml must come back as FILE:LINE:COL pointing at the right place, with a
// message that says what was expected.

import { describe, expect, it } from 'vitest';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import { formatIssue } from '../../src/errors.ts';
import { issuesOf } from './helpers.ts';

/** Problems of `text` loaded as ./library.yaml, formatted as the CLI prints them. */
function problems(text: string): string[] {
  return issuesOf(() => loadDesiredStateFromText(text, 'library.yaml')).map(formatIssue);
}

const HEAD = 'version: 1\nsource:\n  provider: demo\nroot: ./music\nplaylists: []\n';

describe('library.yaml errors', () => {
  it('points at an unknown key and lists the allowed ones', () => {
    expect(problems(`${HEAD}layout:\n  lnks: copy\n`)).toEqual([
      'library.yaml:7:3: unknown key "lnks" in layout (allowed: playlists, filename, links, primary, playlistFiles)',
    ]);
    expect(problems(`${HEAD}prnue: {}\n`)[0]).toMatch(
      /^library\.yaml:6:1: unknown key "prnue" at the top level \(allowed: version, source, root, layout, playlists, /,
    );
  });

  it('says which type was expected and which was found', () => {
    expect(problems(`${HEAD}prune:\n  maxDeletions: lots\n`)).toEqual([
      'library.yaml:7:17: prune.maxDeletions: expected a whole number, got a string ("lots")',
    ]);
  });

  it('suggests quotes for an id YAML reads as a number', () => {
    expect(problems(`${HEAD.replace('playlists: []\n', '')}playlists:\n  - id: 0123\n`)).toEqual([
      'library.yaml:6:9: playlists[0].id: expected a string, got a number (123); put it in quotes: "0123"',
    ]);
  });

  it('lists the allowed values of an enum', () => {
    expect(problems(`${HEAD}layout: { links: symlnk }\n`)).toEqual([
      'library.yaml:6:18: layout.links: expected one of symlink, hardlink, copy, got "symlnk"',
    ]);
  });

  it('points at the mapping that misses a required key', () => {
    expect(problems('version: 1\nsource:\n  provider: demo\nplaylists: []\n')).toEqual([
      'library.yaml:1:1: missing required key "root" at the top level',
    ]);
    expect(problems(`${HEAD}source:\n  file: {}\n`.replace('source:\n  provider: demo\n', ''))).toEqual([
      'library.yaml:5:3: missing required key "provider" in source',
      'library.yaml:5:9: missing required key "path" in source.file',
    ]);
  });

  it('refuses push: tidal when the source is not TIDAL', () => {
    const text = `${HEAD}children:\n  - name: Warm-up\n    from: [A]\n    push: tidal\n`;
    expect(problems(text)).toEqual([
      'library.yaml:9:11: children[0].push: "tidal" needs source.provider: tidal (the source is "demo")',
    ]);
  });

  it('rejects a match that is not a regular expression', () => {
    const text = `${HEAD.replace('playlists: []\n', '')}playlists:\n  - select: owned\n    match: "(DJ"\n`;
    expect(problems(text)).toEqual([
      'library.yaml:7:12: playlists[0].match: not a valid regular expression: Unterminated group',
    ]);
  });

  it('reports YAML syntax errors where they are', () => {
    expect(problems('version: 1\nsource: [demo, file\nroot: ./music\n')).toEqual([
      'library.yaml:3:1: syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problems('version: 1\nroot: a\nroot: b\n')).toEqual(['library.yaml:3:1: duplicate key "root"']);
  });

  it('gives one message for a selector that mixes both forms or fits neither', () => {
    const text = `${HEAD.replace('playlists: []\n', '')}playlists:
  - id: abc
    match: "^DJ"
  - select: mine
  - {}
`;
    expect(problems(text)).toEqual([
      'library.yaml:7:5: unknown key "match" in playlists[0] (allowed: id, as)',
      'library.yaml:8:13: playlists[1].select: expected one of owned, favorites, all, got "mine"',
      'library.yaml:9:5: missing required key "id" or "select" in playlists[2]',
    ]);
  });

  it('checks settings that need each other', () => {
    const text =
      'version: 1\nsource: { provider: file }\nroot: ./music\nplaylists: []\ndownload:\n  tool: command\n';
    expect(problems(text)).toEqual([
      'library.yaml:2:21: source.provider is "file" but source.file.path is missing; add e.g. file: { path: ./catalog.json }',
      'library.yaml:6:9: download.tool is "command" but download.command is missing; add e.g. command: ["tidal-dl-ng", "dl", "{url}"]',
    ]);
  });

  it('keeps layout.playlists inside root and the filename template meaningful', () => {
    for (const bad of ['../Playlists', '/abs', '.hidden', 'a/../b', 'a//b', '']) {
      const [issue] = problems(`${HEAD}layout: { playlists: "${bad}" }\n`);
      expect(issue, bad).toMatch(
        /^library\.yaml:6:22: layout\.playlists: must be a relative folder under root/,
      );
    }
    for (const bad of ['no tokens', '{foo}', '{artist}/{title}', '{title']) {
      const [issue] = problems(`${HEAD}layout: { filename: "${bad}" }\n`);
      expect(issue, bad).toMatch(/^library\.yaml:6:21: layout\.filename: must contain at least one token/);
    }
    expect(() =>
      loadDesiredStateFromText(`${HEAD}layout: { playlists: "DJ/Crates", filename: "{id}" }\n`, 'l.yaml'),
    ).not.toThrow();
  });

  it('reports every problem at once, in file order', () => {
    const text =
      'version: 2\nsource: { provider: demo }\nroot: 5\nplaylists: []\nprune: { mode: bin, maxDeletions: -1 }\n';
    expect(problems(text)).toEqual([
      'library.yaml:1:10: version: expected 1, got 2',
      'library.yaml:3:7: root: expected a string, got a number (5); put it in quotes: "5"',
      'library.yaml:5:16: prune.mode: expected one of trash, delete, off, got "bin"',
      'library.yaml:5:35: prune.maxDeletions: expected at least 0, got -1',
    ]);
  });

  it('explains an empty file', () => {
    expect(problems('')).toEqual([
      'library.yaml:1:1: expected a mapping at the top level, got nothing (null)',
    ]);
  });

  it('puts the issues, formatted, into the error message', () => {
    let message = '';
    try {
      loadDesiredStateFromText(`${HEAD}layout: { links: 1, primary: x }\n`, 'library.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'library.yaml:6:18: layout.links: expected one of symlink, hardlink, copy, got 1\n' +
        'library.yaml:6:30: layout.primary: expected one of first-listed, alphabetical, got "x"',
    );
  });
});
