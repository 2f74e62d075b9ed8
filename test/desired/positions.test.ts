// JSON text is parsed natively and located by a scanner, YAML by the yaml parser; both must agree.

import { describe, expect, it } from 'vitest';
import { type Anchor, parseText } from '../../src/desired/positions.ts';

const JSON_TEXT = `{
  "playlists": [
    { "id": "p1", "name": "Ca\\"fé", "items": ["t1", "t2"] },
    {
      "id": "p2",
      "items": []
    }
  ],
  "tracks": { "a/b": { "title": "x" }, "t1": { "bpm": 1.5e2, "ok": true, "n": null } }
}`;

const PATHS: [(string | number)[], Anchor][] = [
  [[], 'value'],
  [['playlists'], 'key'],
  [['playlists', 0, 'name'], 'value'],
  [['playlists', 0, 'items', 1], 'value'],
  [['playlists', 1], 'value'],
  [['playlists', 1, 'items'], 'key'],
  [['playlists', 1, 'name'], 'value'],
  [['tracks', 'a/b', 'title'], 'value'],
  [['tracks', 't1', 'n'], 'key'],
  [['tracks', 't1', 'ok'], 'value'],
  [['tracks', 'zz', 'title'], 'value'],
];

describe('parseText', () => {
  it('finds the same places in JSON as the YAML parser does', () => {
    const json = parseText(JSON_TEXT, 'c.json');
    // A leading comment makes the text YAML-only, so it takes the yaml parser.
    const yaml = parseText(`# comment\n${JSON_TEXT}`, 'c.json');
    expect(json.data).toEqual(yaml.data);
    for (const [path, anchor] of PATHS) {
      const fromYaml = yaml.locate(path, anchor);
      expect(json.locate(path, anchor), JSON.stringify(path)).toEqual({
        line: fromYaml.line - 1,
        col: fromYaml.col,
      });
    }
    expect(json.sourceText(['tracks', 't1', 'bpm'])).toBe('1.5e2');
    expect(yaml.sourceText(['tracks', 't1', 'bpm'])).toBe('1.5e2');
  });

  it('points at an empty YAML value through its key', () => {
    const parsed = parseText('a:\n  b:\n  c: 1\n', 'x.yaml');
    expect(parsed.locate(['a', 'b'])).toEqual({ line: 2, col: 3 });
  });

  it('ignores a byte order mark', () => {
    expect(parseText('\uFEFF{"a": 1}', 'x.json').data).toEqual({ a: 1 });
    expect(parseText('\uFEFFa: 1', 'x.yaml').data).toEqual({ a: 1 });
  });
});
