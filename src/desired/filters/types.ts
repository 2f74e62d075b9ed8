// The data of the child playlist language. Everything here is plain JSON-able data, never a RegExp or a
// function: DesiredState is fingerprinted with JSON.stringify (controller/shortcut.ts), so two different
// rules must serialize differently. Matchers are built from this data at evaluation time (match.ts).

import type { Track } from '../../types.ts';

/** A `children:` entry as library.yaml has it, after the schema check. */
export interface RawChild {
  name: string;
  from: string[];
  except?: string[];
  intersect?: string[];
  where?: RawWhere;
  sort?: string[];
  limit?: number;
  push?: 'tidal';
}

/** A query string, or a mapping of `all`/`any`/`not` and field names (all of them must hold). */
export type RawWhere = string | { [key: string]: unknown };

export type FieldName =
  | 'title'
  | 'version'
  | 'artist'
  | 'album'
  | 'year'
  | 'releaseDate'
  | 'bpm'
  | 'key'
  | 'duration'
  | 'explicit'
  | 'popularity'
  | 'isrc'
  | 'addedAt'
  | 'playlist';

/** A range bound: a fixed value (a number, seconds or epoch ms) or a time relative to `now`. */
export type Bound = { at: number } | { ago: RelativeTime };

/** `-30d` is { amount: -30, unit: 'd' }: thirty days before now. Months and years are calendar ones. */
export interface RelativeTime {
  amount: number;
  unit: 'h' | 'd' | 'w' | 'm' | 'y';
}

/** What one value of a field must satisfy. Text tests compare folded text (NFC + lower case). */
export type Test =
  | { kind: 'contains'; text: string }
  | { kind: 'equals'; text: string }
  /** Matched against the NFC value, not folded: `(?i)` asks for case-insensitivity, as in beets. */
  | { kind: 'regex'; source: string; flags: string }
  /** A glob turned into an anchored regex over folded text. */
  | { kind: 'glob'; glob: string; source: string }
  /** Inclusive on both ends; an absent bound is open. */
  | { kind: 'range'; min?: Bound; max?: Bound }
  | { kind: 'bool'; value: boolean }
  /** Camelot codes such as `8A`; the track's key must be one of them. */
  | { kind: 'keys'; codes: string[] };

export type Predicate =
  | { op: 'all'; of: Predicate[] }
  | { op: 'any'; of: Predicate[] }
  | { op: 'not'; of: Predicate }
  /** True when some value of the field passes; a track without a value never passes. */
  | { op: 'field'; field: FieldName; test: Test };

export interface SortKey {
  field: FieldName;
  descending: boolean;
}

/** A place in library.yaml, as issues print it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** Where the parts of a child were written, so that checks made after observing the source can point there. */
export interface ChildPositions {
  name: SourcePos;
  from: SourcePos[];
  except: SourcePos[];
  intersect: SourcePos[];
}

/** A validated, compiled `children:` entry: what DesiredState.children holds. */
export interface ChildPlaylist {
  name: string;
  /** Its index in `children:`, for messages such as `children[2].from[0]`. */
  index: number;
  from: string[];
  except: string[];
  intersect: string[];
  where?: Predicate;
  /** Empty: the order of the `from` union. */
  sort: SortKey[];
  limit?: number;
  push?: 'tidal';
  /** True when `where` holds a relative date: the result can change with the clock alone. */
  usesNow: boolean;
  /** The entry as written, for display (`cratesync inspect`, plan output). */
  spec: RawChild;
  pos: ChildPositions;
}

// ------------------------------------------------------------------------------------------ evaluation

/** One mirrored base playlist as the controller observed it. */
export interface BasePlaylistInput {
  /** Source id; a `from` entry may name a playlist by id. */
  id: string;
  /** Local name (`as:` or the source name); a `from` entry names it case- and accent-insensitively. */
  name: string;
  /** Track ids in source order; repeats are allowed. */
  items: readonly string[];
  /** ISO date-time each item was added, parallel to `items`, when the source knows it. */
  addedAt?: readonly (string | undefined)[];
}

export interface ChildrenInput {
  /** In the order of the library (first-listed first). */
  bases: readonly BasePlaylistInput[];
  tracks: ReadonlyMap<string, Track>;
  /** Epoch ms that relative dates (`-30d..`) count from; passed in so evaluation stays pure. */
  now: number;
}

export interface EvaluatedChild {
  name: string;
  /** Ordered, without repeats. Empty when `unresolved` is not. */
  trackIds: string[];
  /**
   * Names in from/except/intersect that name no base playlist and no child (or a child that is itself
   * unresolved). Such a child is not evaluated: an unknown name must never read as "no tracks", which
   * would empty a pushed playlist. checkChildren() reports these as config errors.
   */
  unresolved: string[];
}
