// The field registry: the one place that says which track fields a filter may name, of which type each is,
// and how to read it. Parsing a written value follows from the type (leaf.ts), so adding a field is one
// entry here. A field gives a list of values; a test passes when any value passes, and a track with no value
// never passes a test (only `not` turns that round).

import type { Track } from '../../types.ts';
import { keyRank, trackKey } from './keys.ts';
import { fold } from './text.ts';
import type { FieldName } from './types.ts';
import { dateValue, type OrderedType } from './values.ts';

export type FieldType = 'text' | OrderedType | 'bool' | 'key';

/** A track as a child playlist sees it. */
export interface TrackContext {
  id: string;
  /** Undefined when the source gave no metadata for the id: then every field is missing. */
  track: Track | undefined;
  /** Epoch ms of the earliest time the track was added to one of the child's `from` playlists. */
  addedAt: number | undefined;
  /** Local names of the base playlists that hold the track. */
  playlists: readonly string[];
}

export type FieldValue = string | number | boolean;

export interface FieldDef {
  name: FieldName;
  type: FieldType;
  description: string;
  values(ctx: TrackContext): FieldValue[];
  /** What `sort:` orders by; the first value when absent. */
  sortValue?(ctx: TrackContext): string | number | undefined;
}

const present = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);
const fromTrack =
  <T>(read: (t: Track) => T | undefined) =>
  (ctx: TrackContext): T[] =>
    ctx.track ? present(read(ctx.track)) : [];

export const FIELDS: readonly FieldDef[] = [
  {
    name: 'title',
    type: 'text',
    description: 'the title, alone or with its version ("Show Me Love (Radio Edit)")',
    // Both forms, so `title: edit` finds "(Radio Edit)" while `title: "=Show Me Love"` still holds.
    values: (ctx) => {
      const t = ctx.track;
      if (!t || t.title === '') return [];
      return t.version ? [t.title, `${t.title} (${t.version})`] : [t.title];
    },
  },
  {
    name: 'version',
    type: 'text',
    description: 'the version ("Extended Mix")',
    values: fromTrack((t) => t.version),
  },
  {
    name: 'artist',
    type: 'text',
    description: 'any of the artists',
    values: (ctx) => [...(ctx.track?.artists ?? [])],
    sortValue: (ctx) => (ctx.track?.artists.length ? fold(ctx.track.artists.join(', ')) : undefined),
  },
  { name: 'album', type: 'text', description: 'the album title', values: fromTrack((t) => t.album) },
  {
    name: 'year',
    type: 'year',
    description: 'the year of the release date',
    values: fromTrack((t) => {
      const ms = dateValue(t.releaseDate);
      return ms === undefined ? undefined : new Date(ms).getUTCFullYear();
    }),
  },
  {
    name: 'releaseDate',
    type: 'date',
    description: 'the release date',
    values: fromTrack((t) => dateValue(t.releaseDate)),
  },
  { name: 'bpm', type: 'number', description: 'beats per minute', values: fromTrack((t) => t.bpm) },
  {
    name: 'key',
    type: 'key',
    description: 'the musical key, compared on the Camelot wheel (8A, Am, A minor)',
    values: fromTrack(trackKey),
    sortValue: (ctx) => {
      const key = ctx.track ? trackKey(ctx.track) : undefined;
      return key === undefined ? undefined : keyRank(key);
    },
  },
  {
    name: 'duration',
    type: 'duration',
    description: 'the length (5:30, or seconds)',
    values: fromTrack((t) => t.durationSeconds),
  },
  { name: 'explicit', type: 'bool', description: 'true or false', values: fromTrack((t) => t.explicit) },
  { name: 'popularity', type: 'number', description: 'from 0 to 1', values: fromTrack((t) => t.popularity) },
  { name: 'isrc', type: 'text', description: 'the ISRC code', values: fromTrack((t) => t.isrc) },
  {
    name: 'addedAt',
    type: 'date',
    description: "when the track was added to the child's source playlists (earliest)",
    values: (ctx) => present(ctx.addedAt),
  },
  {
    name: 'playlist',
    type: 'text',
    description: 'the name of any base playlist that holds the track',
    values: (ctx) => [...ctx.playlists],
  },
];

const BY_NAME = new Map<string, FieldDef>(FIELDS.map((f) => [f.name, f]));
const BY_FOLDED = new Map<string, FieldDef>(FIELDS.map((f) => [f.name.toLowerCase(), f]));

/** The field named `name`; `releasedate` finds releaseDate too, since YAML keys are easy to mis-case. */
export function fieldNamed(name: string): FieldDef | undefined {
  return BY_NAME.get(name) ?? BY_FOLDED.get(name.toLowerCase());
}

export function knownFields(): string {
  return FIELDS.map((f) => f.name).join(', ');
}

/** `; did you mean "bpm"?` for a name one or two typos away from a field, else ''. */
export function fieldHint(name: string): string {
  let best: { name: string; distance: number } | undefined;
  for (const f of FIELDS) {
    const distance = editDistance(name.toLowerCase(), f.name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: f.name, distance };
  }
  return best ? `; did you mean "${best.name}"?` : '';
}

/** Edits (insert, delete, replace, swap two neighbours) between two short words. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The fields a bare word in a query string searches, as beets searches its common text fields. */
export const BARE_WORD_FIELDS: readonly FieldName[] = ['title', 'artist', 'album'];
