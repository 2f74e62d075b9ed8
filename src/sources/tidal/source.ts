// The `tidal` source: observes the user's playlists (owned and favourited, merged by id), their entries and
// the metadata of the tracks in them.
//
// Incremental: a playlist whose lastModifiedAt equals the one of the last successful observation takes its
// entries from the cache (no request), and only track ids the cache does not know are fetched. An unchanged
// library therefore costs GET /users/me (left out when countryCode is configured) plus the listing pages.
//
// Short reads: a playlist whose listing fails midway, whose entry count differs from numberOfItems, or some
// of whose tracks could not be described (a batch failed after retries) is marked `shortRead` and the others
// carry on; the planner then leaves that playlist's folder alone for this run. Failures that concern the
// whole run (abort, login refused, the playlist listings themselves) fail observe().

import pLimit from 'p-limit';
import type { Catalog, Logger, Source, SourcePlaylist, Track } from '../../types.ts';
import type { PlaylistResource } from './api-types.ts';
import {
  fetchTracks,
  getMe,
  getPlaylistsById,
  listFavoritePlaylists,
  listOwnPlaylists,
  readPlaylistItems,
} from './client.ts';
import { createTidalHttp, type TidalHttp } from './http.ts';
import { expectedTrackItems, indexIncluded, mapPlaylist, mapTrack, toEntries } from './map.ts';
import type { ObservationCache, PlaylistEntry, SourceStats, TokenProvider } from './ports.ts';
import { createTidalTarget } from './push/target.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';

export const DEFAULT_API_URL = 'https://openapi.tidal.com/v2';

export interface TidalSourceOptions {
  apiUrl: string;
  /** The catalogue country; read from GET /users/me when absent. */
  countryCode?: string;
  tokens: TokenProvider;
  /** Shared by every TIDAL call of the process; one is made (1 req/s, burst 2) when absent. */
  limiter?: RateLimiter;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxRetries?: number;
  /** Requests in flight at once; the limiter still decides how many go out per second. */
  concurrency?: number;
  log?: Logger;
  /** Jitter source for backoff, for tests. */
  random?: () => number;
}

interface Listed {
  resource: PlaylistResource;
  owned: boolean;
  favorite: boolean;
}

interface EntriesRead {
  entries: PlaylistEntry[];
  shortRead?: string;
}

export function createTidalSource(opts: TidalSourceOptions): Source {
  const limiter = opts.limiter ?? createRateLimiter();
  const concurrency = opts.concurrency ?? 4;
  const http = createTidalHttp({
    apiUrl: opts.apiUrl,
    tokens: opts.tokens,
    limiter,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs ?? 10_000,
    maxRetries: opts.maxRetries ?? 5,
    log: opts.log,
    random: opts.random,
  });
  let before = http.counters();
  let cacheHits = 0;

  async function observe(signal: AbortSignal, cache?: ObservationCache): Promise<Catalog> {
    before = http.counters();
    cacheHits = 0;
    const country = opts.countryCode ?? (await getMe(http, signal)).country;
    const listed = await listPlaylists(http, country, signal, opts.log);

    const limit = pLimit(concurrency);
    const reads = await Promise.all(
      listed.map((l) => limit(() => readEntries(l.resource, country, signal, cache))),
    );
    const playlists = listed.map((l, i) =>
      mapPlaylist(l.resource, { owned: l.owned, favorite: l.favorite, ...reads[i]! }),
    );

    const tracks = await describeTracks(playlists, country, signal, cache);
    return { playlists, tracks };
  }

  async function readEntries(
    resource: PlaylistResource,
    country: string | undefined,
    signal: AbortSignal,
    cache: ObservationCache | undefined,
  ): Promise<EntriesRead> {
    const a = resource.attributes;
    const expected = expectedTrackItems(a);
    if (cache && a?.lastModifiedAt) {
      const cached = cache.playlistItems(resource.id, a.lastModifiedAt);
      // A cached list that disagrees with today's count is not trusted: the count changed without a bump.
      if (cached && (expected === undefined || cached.length === expected)) {
        cacheHits++;
        return { entries: cached };
      }
    }
    const read = await readPlaylistItems(http, resource.id, country, signal);
    const entries = toEntries(read.items);
    const total = a?.numberOfItems;
    if (read.error) {
      const of = total === undefined ? '' : ` of ${total}`;
      return {
        entries,
        shortRead: `listing stopped after ${read.items.length}${of} items: ${read.error.message}`,
      };
    }
    if (total !== undefined && read.items.length !== total) {
      return { entries, shortRead: `TIDAL listed ${read.items.length} items but counts ${total}` };
    }
    return { entries };
  }

  async function describeTracks(
    playlists: SourcePlaylist[],
    country: string | undefined,
    signal: AbortSignal,
    cache: ObservationCache | undefined,
  ): Promise<Map<string, Track>> {
    const ids = [...new Set(playlists.flatMap((p) => p.items))];
    const known = cache?.knownTracks(ids) ?? new Map<string, Track>();
    cacheHits += known.size;
    const read = await fetchTracks(
      http,
      ids.filter((id) => !known.has(id)),
      country,
      signal,
      concurrency,
    );
    const included = indexIncluded(read.included);
    const fetched = new Map(read.tracks.map((t) => [t.id, mapTrack(t, included)]));

    // In playlist order, whatever order the concurrent batches finished in.
    const tracks = new Map<string, Track>();
    for (const id of ids) {
      const track = known.get(id) ?? fetched.get(id);
      if (track) tracks.set(id, track);
    }

    if (read.unavailable.length > 0) {
      opts.log?.warn(
        `TIDAL: ${read.unavailable.length} tracks are not available; their entries are skipped`,
        {
          ids: read.unavailable.slice(0, 20),
        },
      );
    }
    const failed = new Map<string, string>();
    for (const f of read.failed) for (const id of f.ids) failed.set(id, f.error.message);
    if (failed.size > 0) {
      for (const p of playlists) {
        if (p.shortRead !== undefined) continue;
        const missing = p.items.filter((id) => failed.has(id));
        if (missing.length === 0) continue;
        p.shortRead = `metadata of ${missing.length} tracks could not be read: ${failed.get(missing[0]!)}`;
      }
    }
    return tracks;
  }

  return {
    provider: 'tidal',
    incremental: true,
    observe,
    remote: createTidalTarget(http),
    stats(): SourceStats {
      const now = http.counters();
      return {
        requests: now.requests - before.requests,
        cacheHits,
        throttled: now.throttled - before.throttled,
      };
    },
  };
}

/**
 * Owned playlists, then favourited ones not already listed, merged by id: the spec does not say whether the
 * collection holds the user's own playlists, so a playlist in both is one playlist with both flags.
 */
async function listPlaylists(
  http: TidalHttp,
  country: string | undefined,
  signal: AbortSignal,
  log: Logger | undefined,
): Promise<Listed[]> {
  const [own, favorites] = await Promise.all([
    listOwnPlaylists(http, country, signal),
    listFavoritePlaylists(http, signal),
  ]);
  const merged = new Map<string, Listed | undefined>();
  for (const resource of own) merged.set(resource.id, { resource, owned: true, favorite: false });
  const missing: string[] = [];
  for (const id of favorites.ids) {
    const known = merged.get(id);
    if (known) {
      known.favorite = true;
      continue;
    }
    const resource = favorites.resources.get(id);
    if (!resource) missing.push(id);
    merged.set(id, resource && { resource, owned: false, favorite: true });
  }
  if (missing.length > 0) {
    for (const resource of await getPlaylistsById(http, missing, country, signal)) {
      merged.set(resource.id, { resource, owned: false, favorite: true });
    }
  }
  const out: Listed[] = [];
  for (const [id, l] of merged) {
    if (l) out.push(l);
    else log?.warn(`TIDAL: favourite playlist ${id} cannot be read; left out`);
  }
  return out;
}
