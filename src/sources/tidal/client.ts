// The TIDAL endpoints cratesync reads, one function each, returning the documents' resources unmapped.
// Pagination is cursor only: follow `links.next` (joined to the base by http.ts) until it is absent.
// Track metadata comes 20 ids per request (the limit other clients observe; the spec states none): a batch
// answered with 400 is split in halves until the offending id stands alone, and that id is reported as
// unavailable instead of failing its 19 neighbours.

import pLimit from 'p-limit';
import type {
  CollectionPlaylistsDocument,
  IncludedResource,
  Links,
  PlaylistItemIdentifier,
  PlaylistItemsDocument,
  PlaylistResource,
  PlaylistsDocument,
  TrackResource,
  TracksDocument,
  UserDocument,
} from './api-types.ts';
import { type Query, TidalApiError, type TidalHttp } from './http.ts';

export const IDS_PER_REQUEST = 20;
/** A runaway cursor (a server bug) must not loop forever: 20 items a page makes this 200,000 items. */
const MAX_PAGES = 10_000;

export interface Me {
  id: string;
  country?: string;
}

export async function getMe(http: TidalHttp, signal: AbortSignal): Promise<Me> {
  const doc = await http.get<UserDocument>('/users/me', {}, signal);
  return { id: doc.data.id, country: doc.data.attributes?.country };
}

/** Every page of a cursor-paginated collection, first page first. */
export async function* pages<D extends { links?: Links }>(
  http: TidalHttp,
  path: string,
  query: Query,
  signal: AbortSignal,
): AsyncGenerator<D> {
  let doc = await http.get<D>(path, query, signal);
  const seen = new Set<string>();
  for (let n = 1; ; n++) {
    yield doc;
    const next = doc.links?.next;
    if (next === undefined || next === '') return;
    if (seen.has(next) || n >= MAX_PAGES) {
      throw new TidalApiError(`TIDAL ${path}: pagination does not end (next ${next})`, false);
    }
    seen.add(next);
    doc = await http.get<D>(next, {}, signal);
  }
}

/** Playlists the user owns. */
export async function listOwnPlaylists(
  http: TidalHttp,
  countryCode: string | undefined,
  signal: AbortSignal,
): Promise<PlaylistResource[]> {
  const out: PlaylistResource[] = [];
  const query = { 'filter[owners.id]': 'me', countryCode };
  for await (const doc of pages<PlaylistsDocument>(http, '/playlists', query, signal)) out.push(...doc.data);
  return out;
}

export interface FavoritePlaylists {
  /** Playlist ids in collection order. */
  ids: string[];
  /** The playlist resources `include=items` brought along, by id. */
  resources: Map<string, PlaylistResource>;
}

/** Playlists in the user's collection ("My Collection"); `userCollectionPlaylists` takes no countryCode. */
export async function listFavoritePlaylists(
  http: TidalHttp,
  signal: AbortSignal,
): Promise<FavoritePlaylists> {
  const ids: string[] = [];
  const resources = new Map<string, PlaylistResource>();
  const path = '/userCollectionPlaylists/me/relationships/items';
  for await (const doc of pages<CollectionPlaylistsDocument>(http, path, { include: 'items' }, signal)) {
    for (const ref of doc.data ?? []) if (ref.type === 'playlists') ids.push(ref.id);
    for (const inc of doc.included ?? []) if (inc.type === 'playlists') resources.set(inc.id, inc);
  }
  return { ids, resources };
}

/** Playlists by id, for favourites whose resource the collection listing did not include. */
export async function getPlaylistsById(
  http: TidalHttp,
  ids: readonly string[],
  countryCode: string | undefined,
  signal: AbortSignal,
): Promise<PlaylistResource[]> {
  const out: PlaylistResource[] = [];
  for (const batch of chunks(ids, IDS_PER_REQUEST)) {
    const query = { 'filter[id]': batch, countryCode };
    for await (const doc of pages<PlaylistsDocument>(http, '/playlists', query, signal))
      out.push(...doc.data);
  }
  return out;
}

export interface PlaylistItemsRead {
  /** Entries in playlist order, videos included (the caller decides what to skip). */
  items: PlaylistItemIdentifier[];
  /** Set when the listing stopped before its end; `items` then holds what came before. */
  error?: TidalApiError;
}

/**
 * The entries of one playlist. A failure after retries ends the listing with what was read so far; only
 * failures that concern the whole run (abort, login) are thrown.
 */
export async function readPlaylistItems(
  http: TidalHttp,
  playlistId: string,
  countryCode: string | undefined,
  signal: AbortSignal,
): Promise<PlaylistItemsRead> {
  const items: PlaylistItemIdentifier[] = [];
  const path = `/playlists/${encodeURIComponent(playlistId)}/relationships/items`;
  try {
    for await (const doc of pages<PlaylistItemsDocument>(http, path, { countryCode }, signal)) {
      items.push(...(doc.data ?? []));
    }
    return { items };
  } catch (err) {
    if (concernsRun(err, signal)) throw err;
    return { items, error: err as TidalApiError };
  }
}

export interface TracksRead {
  tracks: TrackResource[];
  /** The albums and artists the answers included, deduplicated. */
  included: IncludedResource[];
  /** Ids TIDAL refused (400 alone) or left out of its answer: not available, at least in this country. */
  unavailable: string[];
  /** Batches that failed after retries; their tracks are unknown for this run. */
  failed: { ids: string[]; error: TidalApiError }[];
}

/** Track metadata with artists and albums, IDS_PER_REQUEST ids a request, `concurrency` requests at once. */
export async function fetchTracks(
  http: TidalHttp,
  ids: readonly string[],
  countryCode: string | undefined,
  signal: AbortSignal,
  concurrency = 4,
): Promise<TracksRead> {
  const read: TracksRead = { tracks: [], included: [], unavailable: [], failed: [] };
  const seenIncluded = new Set<string>();
  const limit = pLimit(concurrency);

  async function batch(batchIds: string[]): Promise<void> {
    let doc: TracksDocument;
    try {
      doc = await http.get<TracksDocument>(
        '/tracks',
        { 'filter[id]': batchIds, include: 'artists,albums', countryCode },
        signal,
      );
    } catch (err) {
      if (concernsRun(err, signal)) throw err;
      const apiErr = err as TidalApiError;
      if (apiErr.status !== 400) {
        read.failed.push({ ids: batchIds, error: apiErr });
        return;
      }
      if (batchIds.length === 1) {
        read.unavailable.push(batchIds[0]!);
        return;
      }
      const half = Math.ceil(batchIds.length / 2);
      await Promise.all([batch(batchIds.slice(0, half)), batch(batchIds.slice(half))]);
      return;
    }
    const answered = new Set<string>();
    for (const track of doc.data ?? []) {
      if (track.type !== 'tracks') continue;
      answered.add(track.id);
      read.tracks.push(track);
    }
    for (const inc of doc.included ?? []) {
      const key = `${inc.type}:${inc.id}`;
      if (seenIncluded.has(key)) continue;
      seenIncluded.add(key);
      read.included.push(inc);
    }
    for (const id of batchIds) if (!answered.has(id)) read.unavailable.push(id);
  }

  await Promise.all(chunks(ids, IDS_PER_REQUEST).map((b) => limit(() => batch(b))));
  return read;
}

/**
 * Whether an error ends the whole observation rather than one playlist or batch: an abort, a refused login,
 * or anything that is not an answer from the API (a TokenProvider failure, a bug).
 */
export function concernsRun(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || !(err instanceof TidalApiError) || err.status === 401;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
