import { describe, expect, it } from 'vitest';
import { pathOfLocation } from '../../../src/reconcilers/rekordbox/location.ts';
import {
  type RekordboxInput,
  type RekordboxTrack,
  renderRekordboxXml,
} from '../../../src/reconcilers/rekordbox/render.ts';
import type { Track } from '../../../src/types.ts';
import { attr, child, children, parseXml, type XmlElement } from './parse-xml.ts';

const PRODUCT = { name: 'cratesync', version: '0.1.0', company: 'cratesync' };

function track(id: number, over: Partial<Track> = {}): Track {
  return { id: `t${id}`, title: `Song ${id}`, artists: [`Artist ${id}`], ...over };
}

function entry(id: number, over: Partial<RekordboxTrack> = {}): RekordboxTrack {
  return { trackId: id, path: `/lib/mp3/Playlists/P/Song ${id}.mp3`, track: track(id), ...over };
}

// 40 tracks, playlists with repeats, overlaps, an empty one and colliding names.
function library(): RekordboxInput {
  const tracks = Array.from({ length: 40 }, (_, i) => entry(i + 1, { size: 1000 + i }));
  return {
    product: PRODUCT,
    folder: 'cratesync',
    tracks,
    playlists: [
      { name: 'Deep', trackIds: [1, 2, 3, 4, 5] },
      { name: 'Peak', trackIds: [5, 6, 7, 5, 40] },
      { name: 'Peak', trackIds: [8] },
      { name: 'Empty', trackIds: [] },
      { name: 'Deep - Child', trackIds: Array.from({ length: 30 }, (_, i) => i + 10) },
    ],
  };
}

function collectionOf(xml: string): XmlElement {
  return child(parseXml(xml).root, 'COLLECTION');
}

function folderOf(xml: string): XmlElement {
  const root = child(child(parseXml(xml).root, 'PLAYLISTS'), 'NODE');
  return child(root, 'NODE');
}

describe('renderRekordboxXml structure', () => {
  it('starts with the UTF-8 XML declaration and nothing before it', () => {
    const xml = renderRekordboxXml(library());
    expect(xml.split('\n')[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    const doc = parseXml(xml);
    expect(doc.version).toBe('1.0');
    expect(doc.encoding).toBe('UTF-8');
    expect(doc.root.name).toBe('DJ_PLAYLISTS');
    expect(doc.root.attributes).toEqual({ Version: '1.0.0' });
    expect(child(doc.root, 'PRODUCT').attributes).toEqual({
      Name: 'cratesync',
      Version: '0.1.0',
      Company: 'cratesync',
    });
    expect(doc.root.children.map((c) => c.name)).toEqual(['PRODUCT', 'COLLECTION', 'PLAYLISTS']);
  });

  it('counts match: COLLECTION Entries, playlist Entries, folder and ROOT Count', () => {
    const input = library();
    const xml = renderRekordboxXml(input);
    const doc = parseXml(xml);

    const collection = child(doc.root, 'COLLECTION');
    const tracks = children(collection, 'TRACK');
    expect(collection.children).toHaveLength(tracks.length);
    expect(Number(attr(collection, 'Entries'))).toBe(tracks.length);
    expect(tracks).toHaveLength(input.tracks.length);

    const root = child(child(doc.root, 'PLAYLISTS'), 'NODE');
    expect(root.attributes).toEqual({ Type: '0', Name: 'ROOT', Count: '1' });
    expect(Number(attr(root, 'Count'))).toBe(children(root, 'NODE').length);

    const folder = child(root, 'NODE');
    expect(attr(folder, 'Type')).toBe('0');
    expect(attr(folder, 'Name')).toBe('cratesync');
    const lists = children(folder, 'NODE');
    expect(Number(attr(folder, 'Count'))).toBe(lists.length);
    expect(lists).toHaveLength(input.playlists.length);

    const ids = new Set(tracks.map((t) => attr(t, 'TrackID')));
    lists.forEach((node, i) => {
      expect(attr(node, 'Type')).toBe('1');
      expect(attr(node, 'KeyType')).toBe('0');
      const refs = children(node, 'TRACK');
      expect(node.children).toHaveLength(refs.length);
      expect(Number(attr(node, 'Entries'))).toBe(refs.length);
      // Playlist order and repeats are kept, and every key resolves.
      expect(refs.map((r) => Number(attr(r, 'Key')))).toEqual(input.playlists[i]!.trackIds);
      for (const r of refs) expect(ids.has(attr(r, 'Key'))).toBe(true);
    });
  });

  it('lists each file once, with unique TrackIDs and Locations that decode to the input paths', () => {
    const input = library();
    const tracks = children(collectionOf(renderRekordboxXml(input)), 'TRACK');
    const byId = new Map(input.tracks.map((t) => [t.trackId, t.path]));
    expect(new Set(tracks.map((t) => attr(t, 'TrackID'))).size).toBe(tracks.length);
    expect(new Set(tracks.map((t) => attr(t, 'Location'))).size).toBe(tracks.length);
    for (const t of tracks) {
      expect(pathOfLocation(attr(t, 'Location'))).toBe(byId.get(Number(attr(t, 'TrackID'))));
    }
  });

  it('is deterministic, whatever order the tracks come in', () => {
    const input = library();
    const xml = renderRekordboxXml(input);
    expect(renderRekordboxXml(library())).toBe(xml);
    const shuffled = { ...input, tracks: [...input.tracks].reverse() };
    expect(renderRekordboxXml(shuffled)).toBe(xml);
    const ids = children(collectionOf(xml), 'TRACK').map((t) => Number(attr(t, 'TrackID')));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('disambiguates duplicate playlist names with a stable suffix', () => {
    const input = library();
    input.playlists = [
      { name: 'Peak', trackIds: [1] },
      { name: 'Peak', trackIds: [2] },
      { name: 'peak', trackIds: [3] },
      { name: 'Peak (2)', trackIds: [4] },
      { name: 'Warmup', trackIds: [5] },
    ];
    const names = (i: RekordboxInput) =>
      children(folderOf(renderRekordboxXml(i)), 'NODE').map((n) => attr(n, 'Name'));
    expect(names(input)).toEqual(['Peak', 'Peak (3)', 'peak (4)', 'Peak (2)', 'Warmup']);
    // A playlist added after them renames none of them.
    input.playlists.push({ name: 'Peak', trackIds: [6] });
    expect(names(input)).toEqual(['Peak', 'Peak (3)', 'peak (4)', 'Peak (2)', 'Warmup', 'Peak (5)']);
  });

  it('writes an empty playlist as a self-closed node with Entries 0', () => {
    const xml = renderRekordboxXml(library());
    expect(xml).toContain('<NODE Name="Empty" Type="1" KeyType="0" Entries="0"/>');
  });
});

describe('renderRekordboxXml attributes', () => {
  function trackAttrs(t: RekordboxTrack): Record<string, string> {
    const input: RekordboxInput = { product: PRODUCT, folder: 'c', tracks: [t], playlists: [] };
    return child(collectionOf(renderRekordboxXml(input)), 'TRACK').attributes;
  }

  it('fills what the Track knows', () => {
    const a = trackAttrs(
      entry(7, {
        path: '/lib/x/Song.flac',
        size: 12345678,
        dateAdded: '2025-03-04',
        track: track(7, {
          title: 'Song',
          version: 'Extended Mix',
          artists: ['A', 'B', 'C'],
          album: 'The Album',
          releaseDate: '2020-11-02',
          durationSeconds: 359.5,
          bpm: 127.456,
          key: 'FSharp',
          keyScale: 'MINOR',
        }),
      }),
    );
    expect(a).toEqual({
      TrackID: '7',
      Name: 'Song (Extended Mix)',
      Artist: 'A, B, C',
      Album: 'The Album',
      Kind: 'FLAC File',
      Size: '12345678',
      TotalTime: '360',
      Year: '2020',
      AverageBpm: '127.46',
      DateAdded: '2025-03-04',
      Location: 'file://localhost/lib/x/Song.flac',
      Tonality: 'F#m',
    });
  });

  it('writes the format\'s "unknown" values and leaves DateAdded out', () => {
    const a = trackAttrs(entry(1, { path: '/lib/x/Song.ogg', track: { id: 't', title: 'T', artists: [] } }));
    expect(a).toEqual({
      TrackID: '1',
      Name: 'T',
      Artist: '',
      Album: '',
      Kind: '',
      Size: '0',
      TotalTime: '0',
      Year: '0',
      AverageBpm: '0.00',
      Location: 'file://localhost/lib/x/Song.ogg',
      Tonality: '',
    });
  });

  it('does not repeat a version the title already carries', () => {
    const a = trackAttrs(
      entry(1, { track: track(1, { title: 'Song (Extended Mix)', version: 'extended mix' }) }),
    );
    expect(a.Name).toBe('Song (Extended Mix)');
  });

  it.each([
    [{ camelot: '8A' }, 'Am'],
    [{ camelot: '12a' }, 'Dbm'],
    [{ camelot: '3B' }, 'Db'],
    [{ key: 'C', keyScale: 'MAJOR' }, 'C'],
    [{ key: 'Eb', keyScale: 'MINOR' }, 'Ebm'],
    [{ key: 'GSharp', keyScale: 'AEOLIAN' }, 'Abm'],
    [{ key: 'D', keyScale: 'DORIAN' }, ''],
    [{ key: 'D' }, ''],
    [{ camelot: '13A' }, ''],
  ] as [Partial<Track>, string][])('Tonality of %j is %j', (over, tonality) => {
    expect(trackAttrs(entry(1, { track: track(1, over) })).Tonality).toBe(tonality);
  });

  it('uses the given Kind over the extension and cuts timestamps to their date', () => {
    const a = trackAttrs(entry(1, { kind: 'WAV File', dateAdded: '2024-12-31T23:59:59.999Z' }));
    expect(a.Kind).toBe('WAV File');
    expect(a.DateAdded).toBe('2024-12-31');
  });

  it('escapes markup and drops characters XML 1.0 forbids', () => {
    const nasty = 'A & B <x> "q" \'s\u0001\u0008\uFFFF\uD800 tab\there\r\nnew';
    const input: RekordboxInput = {
      product: { name: 'crate & <sync>', version: '1 "q"', company: "it's" },
      folder: 'Crates & "Sync"',
      tracks: [entry(1, { track: { id: 't', title: nasty, artists: ['R&B', '<Ghost>'], album: '"Q"' } })],
      playlists: [{ name: 'R&B <3 "x"\u0002', trackIds: [1] }],
    };
    const xml = renderRekordboxXml(input);
    // No raw control or non-character survives anywhere in the file.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF\t\r]/);
    const doc = parseXml(xml);
    expect(child(doc.root, 'PRODUCT').attributes).toEqual({
      Name: 'crate & <sync>',
      Version: '1 "q"',
      Company: "it's",
    });
    const t = child(child(doc.root, 'COLLECTION'), 'TRACK');
    expect(attr(t, 'Name')).toBe('A & B <x> "q" \'s tab here  new');
    expect(attr(t, 'Artist')).toBe('R&B, <Ghost>');
    expect(attr(t, 'Album')).toBe('"Q"');
    const folder = folderOf(xml);
    expect(attr(folder, 'Name')).toBe('Crates & "Sync"');
    expect(attr(child(folder, 'NODE'), 'Name')).toBe('R&B <3 "x"');
  });
});

describe('renderRekordboxXml refuses inconsistent input', () => {
  const base = (): RekordboxInput => ({
    product: PRODUCT,
    folder: 'c',
    tracks: [entry(1), entry(2)],
    playlists: [],
  });

  it('throws when a playlist lists a track missing from the collection', () => {
    const input = { ...base(), playlists: [{ name: 'P', trackIds: [1, 3] }] };
    expect(() => renderRekordboxXml(input)).toThrow(/TrackID 3/);
  });

  it('throws on a repeated TrackID', () => {
    const input = { ...base(), tracks: [entry(1), entry(1, { path: '/lib/other.mp3' })] };
    expect(() => renderRekordboxXml(input)).toThrow(/TrackID 1/);
  });

  it('throws on two entries for one file, NFC and NFD spellings included', () => {
    const input = {
      ...base(),
      tracks: [entry(1, { path: '/lib/Caf\u00E9.mp3' }), entry(2, { path: '/lib/Cafe\u0301.mp3' })],
    };
    expect(() => renderRekordboxXml(input)).toThrow(/same file/);
  });

  it.each([
    ['a relative path', { path: 'lib/x.mp3' }],
    ['a bad TrackID', { trackId: 0 }],
    ['a fractional TrackID', { trackId: 1.5 }],
    ['a bad size', { size: -1 }],
    ['a bad date', { dateAdded: '31/01/2025' }],
  ] as [string, Partial<RekordboxTrack>][])('throws on %s', (_, over) => {
    const input = { ...base(), tracks: [entry(1, over)] };
    expect(() => renderRekordboxXml(input)).toThrow(RangeError);
  });
});
