// Pure mapping from TIDAL's JSON:API resources to cratesync's catalogue model (Track, SourcePlaylist).
// Attributes a token may not read come back redacted (absent), so every field is mapped only when present:
// a missing bpm stays missing rather than becoming 0. `title` and `version` stay apart; the file-name
// template joins them. TIDAL's key spelling ("CSharp", "Eb") is stored as is, UNKNOWN as absent.

import type { PlaylistEntry, SourcePlaylist, Track } from '../../types.ts';
import type {
  AlbumResource,
  ArtistResource,
  IncludedResource,
  PlaylistAttributes,
  PlaylistItemIdentifier,
  PlaylistResource,
  TrackResource,
} from './api-types.ts';

// ---------------------------------------------------------------------------------------------- durations

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** `PT5M1S` → 301, `PT1H2M3S` → 3723; undefined for anything that is not a day-time ISO 8601 duration. */
export function isoDurationSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = ISO_DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  const seconds = Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Math.round(seconds * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------- keys

const NOTE_PITCH: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Pitch class 0–11 of a key name in TIDAL's or common spellings: `CSharp`, `DFlat`, `Db`, `C#`, `D♭`. */
export function pitchClass(key: string | undefined): number | undefined {
  const m = /^([A-Ga-g])(sharp|flat|#|♯|b|♭)?$/i.exec(key?.trim() ?? '');
  if (!m) return undefined;
  const base = NOTE_PITCH[m[1]!.toUpperCase()]!;
  const accidental = m[2]?.toLowerCase();
  const shift = accidental === 'sharp' || accidental === '#' || accidental === '♯' ? 1 : accidental ? -1 : 0;
  return (base + shift + 12) % 12;
}

// Camelot knows major and minor only. Scales whose tonic sounds major or minor map to B or A; the church
// modes (dorian, lydian, …) and blues share their notes with another key's wheel position, so naming them
// after their tonic would mislead a harmonic mix: they get no code.
const MAJOR_SCALES = new Set(['MAJOR', 'PENTATONIC_MAJOR']);
const MINOR_SCALES = new Set(['MINOR', 'AEOLIAN', 'HARMONIC_MINOR', 'MELODIC_MINOR', 'PENTATONIC_MINOR']);

/** The Camelot wheel code of a key: `camelot('C', 'MAJOR')` → '8B', `camelot('A', 'MINOR')` → '8A'. */
export function camelot(key: string | undefined, keyScale: string | undefined): string | undefined {
  const pc = pitchClass(key);
  const scale = keyScale?.trim().toUpperCase() ?? '';
  if (pc === undefined) return undefined;
  const minor = MINOR_SCALES.has(scale);
  if (!minor && !MAJOR_SCALES.has(scale)) return undefined;
  // Each step clockwise is a fifth up (7 semitones); C major sits at 8B, and a minor key at its relative
  // major's number (three semitones up).
  const majorPc = minor ? (pc + 3) % 12 : pc;
  const number = ((((majorPc * 7) % 12) + 7) % 12) + 1;
  return `${number}${minor ? 'A' : 'B'}`;
}

// ---------------------------------------------------------------------------------------------- tracks

/** `included` resources by `type:id`. */
export type IncludedIndex = Map<string, IncludedResource>;

export function indexIncluded(resources: Iterable<IncludedResource>): IncludedIndex {
  const index: IncludedIndex = new Map();
  for (const r of resources) index.set(`${r.type}:${r.id}`, r);
  return index;
}

export function mapTrack(resource: TrackResource, included: IncludedIndex): Track {
  const a = resource.attributes;
  const artists: string[] = [];
  for (const ref of resource.relationships?.artists?.data ?? []) {
    const artist = included.get(`artists:${ref.id}`) as ArtistResource | undefined;
    const name = artist?.attributes?.name;
    if (name !== undefined && name !== '') artists.push(name);
  }
  const albumRef = resource.relationships?.albums?.data?.[0];
  const album = albumRef ? (included.get(`albums:${albumRef.id}`) as AlbumResource | undefined) : undefined;

  const track: Track = { id: resource.id, title: a?.title ?? '', artists };
  const version = a?.version?.trim();
  if (version) track.version = version;
  if (album?.attributes?.title) track.album = album.attributes.title;
  if (a?.isrc) track.isrc = a.isrc;
  const duration = isoDurationSeconds(a?.duration);
  if (duration !== undefined) track.durationSeconds = duration;
  if (typeof a?.bpm === 'number' && Number.isFinite(a.bpm) && a.bpm > 0) track.bpm = a.bpm;
  if (a?.key && a.key !== 'UNKNOWN') track.key = a.key;
  if (a?.keyScale && a.keyScale !== 'UNKNOWN') track.keyScale = a.keyScale;
  const wheel = camelot(track.key, track.keyScale);
  if (wheel !== undefined) track.camelot = wheel;
  const copyright = copyrightText(resource, included);
  if (copyright !== undefined) track.copyright = copyright;
  if (album?.attributes?.releaseDate) track.releaseDate = album.attributes.releaseDate;
  if (typeof a?.explicit === 'boolean') track.explicit = a.explicit;
  if (typeof a?.popularity === 'number') track.popularity = a.popularity;
  return track;
}

/** The copyright line of a track, falling back to its album's (`copyright` is an object `{ text }`). */
export function copyrightText(resource: TrackResource, included: IncludedIndex): string | undefined {
  const own = resource.attributes?.copyright?.text;
  if (own) return own;
  const albumRef = resource.relationships?.albums?.data?.[0];
  const album = albumRef ? (included.get(`albums:${albumRef.id}`) as AlbumResource | undefined) : undefined;
  return album?.attributes?.copyright?.text || undefined;
}

// ---------------------------------------------------------------------------------------------- playlists

/** A playlist's entries: tracks only (videos are skipped), each with its entry id and date added. */
export function toEntries(items: readonly PlaylistItemIdentifier[]): PlaylistEntry[] {
  const entries: PlaylistEntry[] = [];
  for (const item of items) {
    if (item.type !== 'tracks') continue;
    const entry: PlaylistEntry = { trackId: item.id };
    if (item.meta?.itemId) entry.itemId = item.meta.itemId;
    if (item.meta?.addedAt) entry.addedAt = item.meta.addedAt;
    entries.push(entry);
  }
  return entries;
}

/**
 * How many track entries TIDAL says the playlist has. `expectedItems` is compared with the track ids we
 * keep, so the videos (which we skip) must not count: numberOfTrackItems, or numberOfItems less the videos.
 */
export function expectedTrackItems(a: PlaylistAttributes | undefined): number | undefined {
  if (typeof a?.numberOfTrackItems === 'number') return a.numberOfTrackItems;
  if (typeof a?.numberOfItems !== 'number') return undefined;
  return a.numberOfItems - (a.numberOfVideoItems ?? 0);
}

export interface PlaylistRead {
  owned: boolean;
  favorite: boolean;
  entries: PlaylistEntry[];
  shortRead?: string;
}

export function mapPlaylist(resource: PlaylistResource, read: PlaylistRead): SourcePlaylist {
  const a = resource.attributes;
  const playlist: SourcePlaylist = {
    id: resource.id,
    name: a?.name ?? resource.id,
    items: read.entries.map((e) => e.trackId),
    owned: read.owned,
    favorite: read.favorite,
    entries: read.entries,
  };
  if (a?.lastModifiedAt) playlist.lastModifiedAt = a.lastModifiedAt;
  const expected = expectedTrackItems(a);
  if (expected !== undefined) playlist.expectedItems = expected;
  if (read.shortRead !== undefined) playlist.shortRead = read.shortRead;
  if (a?.description) playlist.description = a.description;
  return playlist;
}
