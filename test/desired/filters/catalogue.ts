// A small hand-written catalogue for the golden tests of the filter language. Every track has a reason to
// be here; the comments give the values the tests reason with (Camelot codes computed from key and scale).

import { compileChildren } from '../../../src/desired/filters/compile.ts';
import { evaluateChildren } from '../../../src/desired/filters/evaluate.ts';
import type { BasePlaylistInput, ChildrenInput, RawChild } from '../../../src/desired/filters/types.ts';
import type { Track } from '../../../src/types.ts';

const TRACKS: Track[] = [
  // 120 BPM, 8A, 5:30, 2021, has a version that is an edit.
  {
    id: 't01',
    title: 'Show Me Love',
    version: 'Radio Edit',
    artists: ['Moodymann'],
    album: 'Black Mahogani',
    isrc: 'USXX12100001',
    bpm: 120,
    key: 'A',
    keyScale: 'MINOR',
    durationSeconds: 330,
    releaseDate: '2021-05-01',
    explicit: false,
    popularity: 0.8,
  },
  // 118 BPM, 9A given as a Camelot code, two artists (Moodymann second), explicit.
  {
    id: 't02',
    title: 'Jan',
    artists: ['Theo Parrish', 'Moodymann'],
    bpm: 118,
    camelot: '9A',
    durationSeconds: 412,
    releaseDate: '2019-11-20',
    explicit: true,
    popularity: 0.4,
  },
  // 122 BPM, E minor = 9A, accents, no `explicit`.
  {
    id: 't03',
    title: 'Café Noir',
    version: 'Extended Mix',
    artists: ['Zoë Laurent'],
    bpm: 122,
    key: 'E',
    keyScale: 'MINOR',
    durationSeconds: 365,
    releaseDate: '2023-02-14',
    popularity: 0.6,
  },
  // 124 BPM, C major = 8B, "Edit" in the title itself, release date is a year only.
  {
    id: 't04',
    title: 'Edit Suite',
    artists: ['DJ Björn'],
    bpm: 124,
    key: 'C',
    keyScale: 'MAJOR',
    durationSeconds: 298,
    releaseDate: '2020',
    popularity: 0.2,
  },
  // No BPM; D minor = 7A.
  {
    id: 't05',
    title: 'Nightfall',
    artists: ['Echo Motion'],
    key: 'D',
    keyScale: 'MINOR',
    durationSeconds: 501,
    releaseDate: '2015-06-30',
  },
  // 128 BPM, TIDAL spelling FSharp minor = 11A.
  {
    id: 't06',
    title: 'Strobe',
    artists: ['Kenji Sato'],
    bpm: 128,
    key: 'FSharp',
    keyScale: 'MINOR',
    releaseDate: '2024-09-01',
    explicit: false,
    popularity: 0.95,
  },
  // 119 BPM, G major = 9B, title and artist written with combining accents (NFD).
  {
    id: 't07',
    title: 'Apre\u0300s Minuit',
    artists: ['Chloe\u0301 Van Dijk'],
    bpm: 119,
    key: 'G',
    keyScale: 'MAJOR',
    releaseDate: '2022-01-10',
  },
  // Nothing but a title: every other field is missing.
  { id: 't08', title: 'Untitled', artists: [] },
  // t09 is in playlists but has no metadata at all (not in the map).
  // 121 BPM, 8A, lower-case artist.
  {
    id: 't10',
    title: 'Deep Time',
    version: 'Dub',
    artists: ['moodymann'],
    bpm: 121,
    camelot: '8A',
    durationSeconds: 389,
    releaseDate: '2018-03-03',
  },
];

export const BASES: BasePlaylistInput[] = [
  {
    id: 'p-deep',
    name: 'Deep House',
    // t01 twice: its earlier addedAt (2025-01-01) is the one that counts.
    items: ['t01', 't02', 't03', 't04', 't05', 't01'],
    addedAt: [
      '2026-01-20T10:00:00Z',
      '2025-12-01T00:00:00Z',
      '2026-01-25T00:00:00Z',
      undefined,
      '2025-06-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
    ],
  },
  { id: 'p-min', name: 'Minimal Deep', items: ['t03', 't06', 't07', 't10', 't08', 't09'] },
  { id: 'p-played', name: 'Played Out', items: ['t02', 't07'] },
  { id: 'p-tech', name: 'Techno', items: ['t06', 't04'] },
];

export const NOW = Date.UTC(2026, 0, 31);

export const INPUT: ChildrenInput = { bases: BASES, tracks: new Map(TRACKS.map((t) => [t.id, t])), now: NOW };

/** The union of Deep House and Minimal Deep, the default `from` of the golden tests. */
export const UNION = ['t01', 't02', 't03', 't04', 't05', 't06', 't07', 't10', 't08', 't09'];

const nowhere = () => ({ file: 'library.yaml', line: 1, col: 1 });

/** Compiles children (failing on any issue) and evaluates them against the catalogue. */
export function run(children: RawChild[], input: ChildrenInput = INPUT) {
  const compiled = compileChildren(children, nowhere);
  if (compiled.issues.length > 0) throw new Error(compiled.issues.map((i) => i.message).join('\n'));
  return evaluateChildren(compiled.children, input);
}

/** The ids of one child over Deep House + Minimal Deep with this `where` (and optional sort and limit). */
export function ids(where: RawChild['where'], extra: Partial<RawChild> = {}): string[] {
  const [result] = run([{ name: 'Child', from: ['Deep House', 'Minimal Deep'], where, ...extra }]);
  if (result!.unresolved.length > 0) throw new Error(`unresolved: ${result!.unresolved.join(', ')}`);
  return result!.trackIds;
}
