// Renders the rekordbox XML export (shared/reference/rekordbox-xml.md): one COLLECTION TRACK per real file,
// and under PLAYLISTS > ROOT one folder node holding every mirrored playlist as a plain list of TrackID
// references. Pure: the caller brings real paths, sizes and dates, and plans a `writeFile` from the hash
// of the result, so the output must be byte-identical for equal input. To keep it so whatever order the
// caller gathers tracks in, the collection is written in TrackID order; playlists keep their input order,
// which is the order rekordbox shows.
//
// Inconsistent input (a playlist naming a TrackID the collection lacks, two entries for one TrackID or one
// file) is a programming error and throws: rekordbox would import such a file with orphans or refuse it.

import type { Track } from '../../types.ts';
import { kindOf } from './kind.ts';
import { locationOf, type Platform } from './location.ts';
import {
  trackArtist,
  trackAverageBpm,
  trackName,
  trackTonality,
  trackTotalTime,
  trackYear,
} from './track-fields.ts';
import { uniqueNames } from './unique-names.ts';
import { escapeAttr, xmlText } from './xml-text.ts';

export interface RekordboxTrack {
  /** Stable across runs (the state DB's id), so that re-imports meet the same tracks. */
  trackId: number;
  /** Absolute path of the REAL file as it is on disk, never a link to it. */
  path: string;
  track: Track;
  /** Bytes; written as 0 when unknown. */
  size?: number;
  /** `MP3 File`, …; derived from the extension when absent. */
  kind?: string;
  /** `yyyy-mm-dd` (a longer ISO timestamp is cut to its date); the attribute is left out when absent. */
  dateAdded?: string;
}

export interface RekordboxPlaylist {
  name: string;
  /** In playlist order; a TrackID may repeat. */
  trackIds: number[];
}

export interface RekordboxInput {
  product: { name: string; version: string; company: string };
  tracks: RekordboxTrack[];
  /** Name of the one folder node that holds every playlist, e.g. `cratesync`. */
  folder: string;
  playlists: RekordboxPlaylist[];
  /** How the track paths are spelt; `posix` unless the library lives on Windows. */
  platform?: Platform;
}

type Attr = readonly [name: string, value: string | number];

export function renderRekordboxXml(input: RekordboxInput): string {
  const tracks = collection(input.tracks, input.platform ?? 'posix');
  const { name, version, company } = input.product;
  const product: Attr[] = [
    ['Name', name],
    ['Version', version],
    ['Company', company],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<DJ_PLAYLISTS Version="1.0.0">',
    `  ${element('PRODUCT', product)}`,
    ...block('  ', 'COLLECTION', [['Entries', tracks.length]], (indent) =>
      tracks.map((t) => indent + element('TRACK', t.attrs)),
    ),
    '  <PLAYLISTS>',
    '    <NODE Type="0" Name="ROOT" Count="1">',
    ...folderLines(input, new Set(tracks.map((t) => t.trackId))),
    '    </NODE>',
    '  </PLAYLISTS>',
    '</DJ_PLAYLISTS>',
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------- playlists

function folderLines(input: RekordboxInput, known: ReadonlySet<number>): string[] {
  const names = uniqueNames(input.playlists.map((p) => xmlText(p.name)));
  const folder: Attr[] = [
    ['Type', 0],
    ['Name', input.folder],
    ['Count', input.playlists.length],
  ];
  return block('      ', 'NODE', folder, (indent) =>
    input.playlists.flatMap((p, i) => {
      const missing = p.trackIds.find((id) => !known.has(id));
      if (missing !== undefined) {
        throw new Error(`playlist "${p.name}" lists TrackID ${missing}, which is not in the collection`);
      }
      const node: Attr[] = [
        ['Name', names[i]!],
        ['Type', 1],
        ['KeyType', 0],
        ['Entries', p.trackIds.length],
      ];
      return block(indent, 'NODE', node, (inner) => p.trackIds.map((id) => `${inner}<TRACK Key="${id}"/>`));
    }),
  );
}

// ---------------------------------------------------------------------------------------------- collection

interface CollectionTrack {
  trackId: number;
  attrs: Attr[];
}

function collection(tracks: readonly RekordboxTrack[], platform: Platform): CollectionTrack[] {
  const ids = new Set<number>();
  // NFC, because rekordbox on macOS would see an NFC and an NFD spelling as one file.
  const files = new Map<string, number>();
  for (const t of tracks) {
    if (!Number.isSafeInteger(t.trackId) || t.trackId < 1) throw new RangeError(`bad TrackID ${t.trackId}`);
    if (ids.has(t.trackId)) throw new Error(`TrackID ${t.trackId} appears twice in the collection`);
    ids.add(t.trackId);
    const file = t.path.normalize('NFC');
    const other = files.get(file);
    if (other !== undefined)
      throw new Error(`TrackIDs ${other} and ${t.trackId} are the same file ${t.path}`);
    files.set(file, t.trackId);
  }
  return [...tracks]
    .sort((a, b) => a.trackId - b.trackId)
    .map((t) => ({ trackId: t.trackId, attrs: trackAttrs(t, platform) }));
}

// The order of rekordbox's own exports, for the attributes cratesync knows.
function trackAttrs(t: RekordboxTrack, platform: Platform): Attr[] {
  const attrs: Attr[] = [
    ['TrackID', t.trackId],
    ['Name', trackName(t.track)],
    ['Artist', trackArtist(t.track)],
    ['Album', t.track.album ?? ''],
    ['Kind', t.kind ?? kindOf(t.path) ?? ''],
    ['Size', size(t)],
    ['TotalTime', trackTotalTime(t.track)],
    ['Year', trackYear(t.track)],
    ['AverageBpm', trackAverageBpm(t.track)],
  ];
  if (t.dateAdded !== undefined) attrs.push(['DateAdded', day(t.dateAdded)]);
  attrs.push(['Location', locationOf(t.path, platform)], ['Tonality', trackTonality(t.track)]);
  return attrs;
}

function size(t: RekordboxTrack): number {
  if (t.size === undefined) return 0;
  if (!Number.isSafeInteger(t.size) || t.size < 0) throw new RangeError(`bad Size ${t.size} for ${t.path}`);
  return t.size;
}

function day(date: string): string {
  const m = /^\d{4}-\d{2}-\d{2}(?=$|T)/.exec(date);
  if (!m) throw new RangeError(`DateAdded must be yyyy-mm-dd, got ${JSON.stringify(date)}`);
  return m[0];
}

// ---------------------------------------------------------------------------------------------- markup

/** An element with its children one level deeper; self-closed when it has none, as rekordbox writes it. */
function block(
  indent: string,
  name: string,
  attrs: readonly Attr[],
  body: (childIndent: string) => string[],
): string[] {
  const inner = body(`${indent}  `);
  if (inner.length === 0) return [indent + element(name, attrs)];
  return [`${indent}<${name}${attrText(attrs)}>`, ...inner, `${indent}</${name}>`];
}

function element(name: string, attrs: readonly Attr[]): string {
  return `<${name}${attrText(attrs)}/>`;
}

function attrText(attrs: readonly Attr[]): string {
  return attrs.map(([k, v]) => ` ${k}="${typeof v === 'number' ? v : escapeAttr(v)}"`).join('');
}
