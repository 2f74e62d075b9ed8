import { describe, expect, it } from 'vitest';
import { formatIssue, SourceError } from '../../src/errors.ts';
import { createFileSource } from '../../src/sources/file.ts';
import { issuesOfAsync, memFs } from './helpers.ts';

const GOOD = {
  playlists: [
    { id: 'p1', name: 'Deep House', lastModifiedAt: '2026-01-02T10:00:00Z', items: ['t1', 't2'] },
    { id: 'p2', name: 'Café 🌙', items: ['t2'], favorite: true, owned: false, expectedItems: 1 },
  ],
  tracks: {
    t1: { title: 'Song', version: 'Extended Mix', artists: ['A', 'B'], bpm: 122, isrc: 'GBXXX2600001' },
    t2: { title: 'Other', artists: ['C'], releaseDate: '2021-05-01', popularity: 0.42 },
  },
};

function observe(text: string, path = '/lib/catalog.json') {
  return createFileSource(path, memFs({ [path]: text })).observe(new AbortController().signal);
}

async function problems(text: string, path = '/lib/catalog.json'): Promise<string[]> {
  return (await issuesOfAsync(() => observe(text, path))).map(formatIssue);
}

describe('file source', () => {
  it('returns a Catalog with tracks by id', async () => {
    const source = createFileSource(
      '/lib/catalog.json',
      memFs({ '/lib/catalog.json': JSON.stringify(GOOD) }),
    );
    expect(source.provider).toBe('file');
    const catalog = await source.observe(new AbortController().signal);
    expect(catalog.playlists).toEqual(GOOD.playlists);
    expect([...catalog.tracks.keys()]).toEqual(['t1', 't2']);
    expect(catalog.tracks.get('t1')).toEqual({ id: 't1', ...GOOD.tracks.t1 });
  });

  it('reads a YAML catalogue too', async () => {
    const catalog = await observe(
      'playlists:\n  - { id: p1, name: Mix, items: [t1, t1] }\ntracks:\n  t1: { title: X, artists: [Y] }\n',
      '/lib/catalog.yaml',
    );
    expect(catalog.playlists[0]?.items).toEqual(['t1', 't1']);
    expect(catalog.tracks.get('t1')).toEqual({ id: 't1', title: 'X', artists: ['Y'] });
  });

  it('points at a track without a title', async () => {
    const text = JSON.stringify({ playlists: [], tracks: { t1: { artists: ['A'] } } }, null, 2);
    expect(await problems(text)).toEqual([
      '/lib/catalog.json:4:11: missing required key "title" in tracks.t1',
    ]);
  });

  it('points at an item whose track is not in tracks', async () => {
    const text = `{
  "playlists": [
    { "id": "p1", "name": "Deep", "items": ["t1", "t9"] }
  ],
  "tracks": { "t1": { "title": "Song", "artists": ["A"] } }
}`;
    expect(await problems(text)).toEqual([
      '/lib/catalog.json:3:51: playlists[0].items[1]: unknown track id "t9" (not a key of tracks)',
    ]);
  });

  it('points at a repeated playlist id', async () => {
    const text = `{
  "playlists": [
    { "id": "p1", "name": "A", "items": [] },
    { "id": "p1", "name": "B", "items": [] }
  ],
  "tracks": {}
}`;
    expect(await problems(text)).toEqual([
      '/lib/catalog.json:4:13: playlists[1].id: duplicate playlist id "p1" (also playlists[0])',
    ]);
  });

  it('points at a repeated track id, which JSON.parse would silently drop', async () => {
    const text =
      '{\n  "playlists": [],\n  "tracks": {\n    "t1": { "title": "A", "artists": [] },\n    "t1": { "title": "B", "artists": [] }\n  }\n}';
    expect(await problems(text)).toEqual(['/lib/catalog.json:5:5: duplicate key "t1" in tracks']);
  });

  it('reports schema errors and JSON syntax errors with positions', async () => {
    const text = `{
  "playlists": [{ "id": "p1", "name": "A", "items": [], "lastModifiedAt": "yesterday" }],
  "tracks": { "t1": { "title": "S", "artists": "A", "bpm": 0, "colour": "red" } }
}`;
    expect(await problems(text)).toEqual([
      '/lib/catalog.json:2:75: playlists[0].lastModifiedAt: expected a date and time such as 2026-01-02T10:00:00Z, got "yesterday"',
      '/lib/catalog.json:3:48: tracks.t1.artists: expected a list, got a string ("A")',
      '/lib/catalog.json:3:60: tracks.t1.bpm: expected more than 0, got 0',
      '/lib/catalog.json:3:63: unknown key "colour" in tracks.t1 (allowed: title, version, artists, album, isrc, durationSeconds, bpm, key, keyScale, releaseDate, explicit, popularity)',
    ]);
    expect(await problems('{\n  "playlists": [],\n  "tracks": {} "x": 1\n}')).toEqual([
      "/lib/catalog.json:3:16: syntax error: Expected ',' or '}' after property value",
    ]);
  });

  it('fails as a SourceError when the file cannot be read', async () => {
    const source = createFileSource('/lib/missing.json', memFs({}));
    await expect(source.observe(new AbortController().signal)).rejects.toBeInstanceOf(SourceError);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = createFileSource(
      '/lib/catalog.json',
      memFs({ '/lib/catalog.json': JSON.stringify(GOOD) }),
    );
    await expect(source.observe(controller.signal)).rejects.toThrow();
  });
});
