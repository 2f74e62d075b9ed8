// The TIDAL source's playlists as a push target (`push: tidal`): the RemoteTarget port over writes.ts,
// sharing the source's HTTP client, so writes and reads go through one rate limiter and are counted in
// the run's api_requests. Pushed playlists are UNLISTED: the user's own, not shown on their profile.

import type { RemoteTarget } from '../../../types.ts';
import type { TidalHttp } from '../http.ts';
import { applyEdit, createPlaylist, deletePlaylist, renamePlaylist } from './writes.ts';

export function createTidalTarget(http: TidalHttp): RemoteTarget {
  return {
    provider: 'tidal',
    create: (p, key, signal) =>
      createPlaylist(http, { name: p.name, description: p.description, accessType: 'UNLISTED' }, key, signal),
    rename: (id, name, key, signal) => renamePlaylist(http, id, name, key, signal),
    edit: async (id, edit, key, signal) => {
      const r = await applyEdit(http, id, edit, key, signal);
      return { added: r.added, skipped: r.skipped };
    },
    remove: (id, key, signal) => deletePlaylist(http, id, key, signal),
  };
}
