// The matcher: one scanned file → one source track, or the honest answer that it cannot tell. Pure.
//
// Evidence, strongest first; the first level that names any track decides:
//   pin      adopt.pins in library.yaml names the track (the user's word);
//   id-tag   a tag carries the track id (tidal-dl-ng's TIDAL URL, the synth downloader's SOURCE_ID);
//   id-name  the file name carries it (tiddl's `{item.id}`, tidal-dl-ng's `{track_id}`);
//   isrc     the ISRC tag equals the track's;
//   tags     artist + title + version from the tags, and the length within 3 s;
//   name     the same, read from an `Artist - Title (Version)` file name (untagged files).
// Several tracks at one level are never guessed between: the file is reported as ambiguous with each
// candidate's score, unless one candidate is clearly ahead (by MARGIN) on artist and length agreement.

import path from 'node:path';
import type { Track } from '../types.ts';
import { artistSet, jaccard, parseFileName, splitTitle } from './normalize.ts';
import { type Pin, pinFor } from './pins.ts';
import type { Candidate, Evidence, FileMeta, MatchResult } from './types.ts';

/** Seconds a file's length may differ from the track's for a match by artist and title. */
export const DURATION_TOLERANCE = 3;
/** How far the best text candidate must be ahead of the next one to be taken. */
export const MARGIN = 0.15;

interface TrackParts {
  base: string;
  version: string;
  artists: Set<string>;
}

export interface MatchIndex {
  tracks: ReadonlyMap<string, Track>;
  byIsrc: Map<string, string[]>;
  byTitle: Map<string, string[]>;
  parts: Map<string, TrackParts>;
}

/** Indexes the tracks files may be adopted for (the tracks of the mirrored playlists). */
export function buildIndex(tracks: Iterable<Track>): MatchIndex {
  const index: MatchIndex = { tracks: new Map(), byIsrc: new Map(), byTitle: new Map(), parts: new Map() };
  const all = index.tracks as Map<string, Track>;
  for (const t of tracks) {
    all.set(t.id, t);
    const split = splitTitle(t.title, t.version);
    index.parts.set(t.id, { ...split, artists: artistSet(t.artists, split.featured) });
    push(index.byTitle, split.base, t.id);
    const isrc = t.isrc?.replace(/[-\s]/g, '').toUpperCase();
    if (isrc) push(index.byIsrc, isrc, t.id);
  }
  return index;
}

export function matchFile(
  file: { path: string; meta: FileMeta },
  index: MatchIndex,
  pins: readonly Pin[] = [],
): MatchResult {
  const { meta } = file;
  if (meta.error !== undefined) return { kind: 'orphan', reason: `not readable as audio: ${meta.error}` };

  const pin = pinFor(pins, file.path);
  if (pin) {
    if (!index.tracks.has(pin.trackId))
      return {
        kind: 'orphan',
        reason: `pinned to ${pin.trackId} by "${pin.pattern}", but no mirrored playlist holds that track`,
      };
    return matched(pin.trackId, 'pin', 1, `pinned by "${pin.pattern}"`);
  }

  const byId = decideIds(meta.ids, index, 'id-tag', 'a tag names the track id');
  if (byId) return byId;
  const name = parseFileName(path.posix.basename(file.path));
  const byName = decideIds(name.ids, index, 'id-name', 'the file name carries the track id');
  if (byName) return byName;

  const miss: { best?: Miss } = {};
  if (meta.isrc) {
    const ids = index.byIsrc.get(meta.isrc) ?? [];
    if (ids.length === 1) return matched(ids[0]!, 'isrc', 0.9, `ISRC ${meta.isrc}`);
    if (ids.length > 1) {
      const scored = meta.title
        ? textCandidates(
            meta.title,
            meta.version,
            meta.artists,
            meta.durationSeconds,
            index,
            'isrc',
            {},
          ).filter((c) => ids.includes(c.trackId))
        : [];
      if (scored.length === 1) return matched(scored[0]!.trackId, 'isrc', 0.9, `ISRC ${meta.isrc}`);
      return {
        kind: 'ambiguous',
        evidence: 'isrc',
        candidates: ids.map(
          (trackId) =>
            scored.find((c) => c.trackId === trackId) ?? {
              trackId,
              evidence: 'isrc' as const,
              score: 0.5,
              why: `ISRC ${meta.isrc}; artist, title or length disagree`,
            },
        ),
      };
    }
  }

  if (meta.title !== undefined && meta.artists.length > 0) {
    const found = textCandidates(
      meta.title,
      meta.version,
      meta.artists,
      meta.durationSeconds,
      index,
      'tags',
      miss,
    );
    const decided = decide(found, 'tags');
    if (decided) return decided;
  }
  if (name.artist !== undefined) {
    const found = textCandidates(
      name.title,
      undefined,
      [name.artist],
      meta.durationSeconds,
      index,
      'name',
      miss,
    );
    const decided = decide(found, 'name');
    if (decided) return decided;
  }

  if (miss.best) return { kind: 'orphan', reason: miss.best.text };
  if (meta.title === undefined && name.artist === undefined)
    return { kind: 'orphan', reason: 'no title tag, and the file name does not read as "Artist - Title"' };
  return { kind: 'orphan', reason: 'no track of the mirrored playlists has this artist and title' };
}

function decideIds(ids: readonly string[], index: MatchIndex, evidence: Evidence, why: string) {
  const known = [...new Set(ids)].filter((id) => index.tracks.has(id));
  if (known.length === 0) return undefined;
  if (known.length === 1) return matched(known[0]!, evidence, evidence === 'id-tag' ? 1 : 0.95, why);
  return {
    kind: 'ambiguous' as const,
    evidence,
    candidates: known.map((trackId) => ({ trackId, evidence, score: 1, why: `${why}, among others` })),
  };
}

/** The most telling near miss seen so far: same artists but another version beats other artists. */
export interface Miss {
  rank: number;
  text: string;
}

/**
 * Tracks whose base title, version and (some) artists equal the file's and whose length is within
 * DURATION_TOLERANCE. Of the near misses (right title; wrong version, length or artists) only the most
 * telling one is described, in `miss`: a common title has hundreds of tracks.
 */
export function textCandidates(
  title: string,
  version: string | undefined,
  artists: readonly string[],
  durationSeconds: number | undefined,
  index: MatchIndex,
  evidence: Evidence,
  miss: { best?: Miss },
): Candidate[] {
  const file = splitTitle(title, version);
  const fileArtists = artistSet(artists, file.featured);
  const out: Candidate[] = [];
  const note = (rank: number, text: () => string): void => {
    if (miss.best === undefined || rank < miss.best.rank) miss.best = { rank, text: text() };
  };
  for (const trackId of index.byTitle.get(file.base) ?? []) {
    const t = index.parts.get(trackId)!;
    const track = index.tracks.get(trackId)!;
    if (t.version !== file.version) {
      // Ranked by whether the artists agree, which is worth computing only while it can change the note.
      if (miss.best !== undefined && miss.best.rank === 0) continue;
      note(
        jaccard(fileArtists, t.artists) > 0 ? 0 : 3,
        () =>
          `same title as track ${trackId} "${labelOf(track)}", but another version: "${file.version || 'none'}" here, "${t.version || 'none'}" there`,
      );
      continue;
    }
    const overlap = jaccard(fileArtists, t.artists);
    if (overlap === 0) {
      note(2, () => `same title as track ${trackId} "${labelOf(track)}", but other artists`);
      continue;
    }
    const known = durationSeconds !== undefined && track.durationSeconds !== undefined;
    const delta = known ? Math.abs(durationSeconds - track.durationSeconds!) : 0;
    if (delta > DURATION_TOLERANCE) {
      note(
        1,
        () =>
          `same title as track ${trackId} "${labelOf(track)}", but ${delta.toFixed(1)} s longer or shorter`,
      );
      continue;
    }
    const score = round(0.5 + 0.3 * overlap + (known ? 0.2 * (1 - delta / DURATION_TOLERANCE) : 0));
    const why = `artist and title${file.version ? ' and version' : ''}${known ? `, length within ${delta.toFixed(1)} s` : ', length unknown'}`;
    out.push({ trackId, evidence, score, why });
  }
  return out.sort((a, b) => b.score - a.score || cmp(a.trackId, b.trackId));
}

function decide(found: Candidate[], evidence: Evidence): MatchResult | undefined {
  if (found.length === 0) return undefined;
  const [best, next] = found;
  if (next === undefined || best!.score - next.score >= MARGIN)
    return matched(best!.trackId, evidence, best!.score, best!.why);
  return { kind: 'ambiguous', evidence, candidates: found };
}

function matched(trackId: string, evidence: Evidence, score: number, why: string): MatchResult {
  return { kind: 'matched', trackId, evidence, score, why };
}

/** `Artist, Other - Title (Version)`, for reports. */
export function labelOf(t: Track): string {
  return `${t.artists.join(', ')} - ${t.title}${t.version ? ` (${t.version})` : ''}`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
