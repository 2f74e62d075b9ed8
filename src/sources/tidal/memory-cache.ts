// An ObservationCache over the Catalog of the previous successful observation, held in memory. The real
// one is built from the state DB; this one serves tests, the benchmark and a long-running `watch`.
// Short-read playlists are never served from it: their entries are incomplete by definition.

import type { Catalog, Track } from '../../types.ts';
import type { ObservationCache, PlaylistEntry } from './ports.ts';

export function cacheFromCatalog(previous: Catalog): ObservationCache {
  const byId = new Map(previous.playlists.map((p) => [p.id, p]));
  return {
    playlistItems(playlistId: string, lastModifiedAt: string): PlaylistEntry[] | undefined {
      const p = byId.get(playlistId);
      if (!p || p.shortRead !== undefined || p.lastModifiedAt !== lastModifiedAt) return undefined;
      return p.entries ?? p.items.map((trackId) => ({ trackId }));
    },
    knownTracks(ids) {
      const known = new Map<string, Track>();
      for (const id of ids) {
        const track = previous.tracks.get(id);
        if (track) known.set(id, track);
      }
      return known;
    },
  };
}
