// The seams between the TIDAL client, its authentication and the rest of cratesync.

import type { Track } from '../../types.ts';

/** Gives the client a valid access token, refreshing it when needed. Never logs the token. */
export interface TokenProvider {
  /** A token valid for at least the next minute. Throws SourceError (terminal) "run cratesync login" when none can be had. */
  accessToken(signal: AbortSignal): Promise<string>;
  /** Called once when the API answered 401 with the token just given: refresh (or throw) before one retry. */
  invalidate(token: string, signal: AbortSignal): Promise<void>;
}

/** What the previous successful observation left behind, so an unchanged source costs few requests. */
export interface ObservationCache {
  /** The items of a playlist as last observed, if it was last observed at exactly this lastModifiedAt. */
  playlistItems(playlistId: string, lastModifiedAt: string): PlaylistEntry[] | undefined;
  /** Tracks whose metadata is known and fresh enough (younger than the TTL); the rest must be fetched. */
  knownTracks(ids: readonly string[]): Map<string, Track>;
}

export interface PlaylistEntry {
  trackId: string;
  /** TIDAL's `meta.itemId` of this occurrence (needed later to remove or move one occurrence). */
  itemId?: string;
  addedAt?: string;
}

/** Counters a source keeps for the run's sync_events row. */
export interface SourceStats {
  requests: number;
  cacheHits: number;
  throttled: number;
}
