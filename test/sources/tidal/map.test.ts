import { describe, expect, it } from 'vitest';
import type { PlaylistResource, TrackResource } from '../../../src/sources/tidal/api-types.ts';
import {
  camelot,
  copyrightText,
  expectedTrackItems,
  indexIncluded,
  isoDurationSeconds,
  mapPlaylist,
  mapTrack,
  pitchClass,
  toEntries,
} from '../../../src/sources/tidal/map.ts';

describe('isoDurationSeconds', () => {
  it.each([
    ['PT5M1S', 301],
    ['PT2M58S', 178],
    ['PT1H2M3S', 3723],
    ['PT45S', 45],
    ['PT7M', 420],
    ['PT1H', 3600],
    ['P1DT1S', 86_401],
    ['PT3M2.5S', 182.5],
    ['PT0S', 0],
  ])('%s is %d seconds', (text, seconds) => {
    expect(isoDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'P', 'PT', '5:01', 'PT5X', 'T5M', '301', 'P1Y2M'])('%j is not a duration', (text) => {
    expect(isoDurationSeconds(text)).toBeUndefined();
  });
});

describe('camelot', () => {
  // The wheel, written out rather than computed, so the formula in map.ts is checked against it.
  const WHEEL: [string, string, string][] = [
    ['C', 'MAJOR', '8B'],
    ['G', 'MAJOR', '9B'],
    ['D', 'MAJOR', '10B'],
    ['A', 'MAJOR', '11B'],
    ['E', 'MAJOR', '12B'],
    ['B', 'MAJOR', '1B'],
    ['FSharp', 'MAJOR', '2B'],
    ['CSharp', 'MAJOR', '3B'],
    ['Ab', 'MAJOR', '4B'],
    ['Eb', 'MAJOR', '5B'],
    ['Bb', 'MAJOR', '6B'],
    ['F', 'MAJOR', '7B'],
    ['A', 'MINOR', '8A'],
    ['E', 'MINOR', '9A'],
    ['B', 'MINOR', '10A'],
    ['FSharp', 'MINOR', '11A'],
    ['CSharp', 'MINOR', '12A'],
    ['Ab', 'MINOR', '1A'],
    ['Eb', 'MINOR', '2A'],
    ['Bb', 'MINOR', '3A'],
    ['F', 'MINOR', '4A'],
    ['C', 'MINOR', '5A'],
    ['G', 'MINOR', '6A'],
    ['D', 'MINOR', '7A'],
  ];

  it.each(WHEEL)('%s %s is %s', (key, scale, code) => {
    expect(camelot(key, scale)).toBe(code);
  });

  it('covers all 24 positions exactly once', () => {
    expect(new Set(WHEEL.map(([k, s]) => camelot(k, s))).size).toBe(24);
  });

  it('reads every key of the spec enum', () => {
    const spec = ['C', 'CSharp', 'D', 'Eb', 'E', 'F', 'FSharp', 'G', 'Ab', 'A', 'Bb', 'B'];
    expect(spec.map(pitchClass)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each([
    ['CSharp', 'DFlat'],
    ['CSharp', 'Db'],
    ['CSharp', 'C#'],
    ['Eb', 'DSharp'],
    ['Eb', 'D#'],
    ['FSharp', 'Gb'],
    ['FSharp', 'GFlat'],
    ['Ab', 'GSharp'],
    ['Bb', 'ASharp'],
    ['Bb', 'B♭'],
    ['B', 'Cb'],
    ['C', 'BSharp'],
    ['F', 'ESharp'],
  ])('%s and %s are the same key', (a, b) => {
    expect(camelot(b, 'MAJOR')).toBe(camelot(a, 'MAJOR'));
    expect(camelot(b, 'MINOR')).toBe(camelot(a, 'MINOR'));
  });

  it('counts the minor family as A and the major family as B', () => {
    for (const scale of ['AEOLIAN', 'HARMONIC_MINOR', 'MELODIC_MINOR', 'PENTATONIC_MINOR', 'minor']) {
      expect(camelot('A', scale)).toBe('8A');
    }
    expect(camelot('C', 'PENTATONIC_MAJOR')).toBe('8B');
  });

  it('gives no code to modes, blues, unknown keys or scales', () => {
    for (const scale of [
      'DORIAN',
      'PHRYGIAN',
      'LYDIAN',
      'MIXOLYDIAN',
      'LOCRIAN',
      'BLUES',
      'UNKNOWN',
      undefined,
    ]) {
      expect(camelot('D', scale)).toBeUndefined();
    }
    expect(camelot('UNKNOWN', 'MAJOR')).toBeUndefined();
    expect(camelot(undefined, 'MAJOR')).toBeUndefined();
    expect(camelot('H', 'MAJOR')).toBeUndefined();
  });
});

describe('mapTrack', () => {
  const included = indexIncluded([
    { id: '1566', type: 'artists', attributes: { name: 'Solomun' } },
    { id: '1567', type: 'artists', attributes: { name: 'Ost & Kjex' } },
    {
      id: '75413011',
      type: 'albums',
      attributes: {
        title: 'Nobody Is Not Loved',
        releaseDate: '2016-03-04',
        copyright: { text: '℗ 2016 Diynamic' },
      },
    },
  ]);
  const full: TrackResource = {
    id: '75413016',
    type: 'tracks',
    attributes: {
      title: 'Customer Is King',
      version: 'Extended Mix',
      isrc: 'DEQ021600123',
      duration: 'PT5M1S',
      explicit: false,
      popularity: 0.42,
      bpm: 122.5,
      key: 'FSharp',
      keyScale: 'MINOR',
      copyright: { text: '℗ 2016 Diynamic Music' },
    },
    relationships: {
      artists: {
        data: [
          { id: '1567', type: 'artists' },
          { id: '1566', type: 'artists' },
        ],
      },
      albums: { data: [{ id: '75413011', type: 'albums' }] },
    },
  };

  it('maps every attribute (with the Camelot code and copyright), keeping title and version apart', () => {
    expect(mapTrack(full, included)).toEqual({
      id: '75413016',
      title: 'Customer Is King',
      version: 'Extended Mix',
      artists: ['Ost & Kjex', 'Solomun'],
      album: 'Nobody Is Not Loved',
      isrc: 'DEQ021600123',
      durationSeconds: 301,
      bpm: 122.5,
      key: 'FSharp',
      keyScale: 'MINOR',
      camelot: '11A',
      releaseDate: '2016-03-04',
      copyright: '℗ 2016 Diynamic Music',
      explicit: false,
      popularity: 0.42,
    });
  });

  it('leaves out what TIDAL did not send: no bpm, UNKNOWN key, empty version, no album', () => {
    const bare: TrackResource = {
      id: '1',
      type: 'tracks',
      attributes: { title: 'Loop', version: ' ', key: 'UNKNOWN', keyScale: 'UNKNOWN', duration: 'PT3M' },
    };
    const track = mapTrack(bare, included);
    expect(track).toEqual({ id: '1', title: 'Loop', artists: [], durationSeconds: 180 });
    expect('bpm' in track).toBe(false);
  });

  it('reads copyright.text from the track, else from its album', () => {
    expect(copyrightText(full, included)).toBe('℗ 2016 Diynamic Music');
    const noOwn = { ...full, attributes: { ...full.attributes!, copyright: undefined } };
    expect(copyrightText(noOwn, included)).toBe('℗ 2016 Diynamic');
  });
});

describe('playlists', () => {
  const items = [
    { id: '11', type: 'tracks', meta: { itemId: 'e1', addedAt: '2025-03-01T10:00:00Z' } },
    { id: '29597422', type: 'videos', meta: { itemId: 'e2', addedAt: '2025-03-01T10:01:00Z' } },
    { id: '11', type: 'tracks', meta: { itemId: 'e3', addedAt: '2025-03-02T10:00:00Z' } },
    { id: '12', type: 'tracks' },
  ];

  it('keeps track entries with their itemId and addedAt, skips videos, keeps duplicates', () => {
    expect(toEntries(items)).toEqual([
      { trackId: '11', itemId: 'e1', addedAt: '2025-03-01T10:00:00Z' },
      { trackId: '11', itemId: 'e3', addedAt: '2025-03-02T10:00:00Z' },
      { trackId: '12' },
    ]);
  });

  it('expects the track items only', () => {
    expect(expectedTrackItems({ name: 'x', numberOfItems: 4, numberOfTrackItems: 3 })).toBe(3);
    expect(expectedTrackItems({ name: 'x', numberOfItems: 4, numberOfVideoItems: 1 })).toBe(3);
    expect(expectedTrackItems({ name: 'x', numberOfItems: 4 })).toBe(4);
    expect(expectedTrackItems({ name: 'x' })).toBeUndefined();
  });

  it('maps a playlist with its flags, count, description and entries', () => {
    const resource: PlaylistResource = {
      id: 'p1',
      type: 'playlists',
      attributes: {
        name: 'Warm-up',
        description: 'first hour',
        lastModifiedAt: '2025-06-01T00:00:00Z',
        numberOfItems: 4,
        numberOfTrackItems: 3,
        numberOfVideoItems: 1,
      },
    };
    const entries = toEntries(items);
    expect(mapPlaylist(resource, { owned: false, favorite: true, entries })).toEqual({
      id: 'p1',
      name: 'Warm-up',
      lastModifiedAt: '2025-06-01T00:00:00Z',
      items: ['11', '11', '12'],
      owned: false,
      favorite: true,
      expectedItems: 3,
      entries,
      description: 'first hour',
    });
  });
});
