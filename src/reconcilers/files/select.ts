// Which source playlists are mirrored, in priority order: the order of the selectors in library.yaml,
// then the source's order within one selector. A playlist matched twice keeps its first position.
// `select:` never picks a playlist cratesync pushes (a child on TIDAL): one that carries the cratesync marker,
// or one the state DB records as ours even after the user removed the marker. Mirroring it would loop.

import { isManaged } from '../../sources/tidal/push/marker.ts';
import type { Catalog, PlaylistSelector, SourcePlaylist } from '../../types.ts';

export interface SelectedPlaylist {
  playlist: SourcePlaylist;
  /** The name on disk before sanitizing: `as:` when given, else the source name. */
  localName: string;
}

export interface Selection {
  selected: SelectedPlaylist[];
  /** Ids listed explicitly in library.yaml that the source did not return. */
  missingIds: string[];
}

export function selectPlaylists(
  selectors: readonly PlaylistSelector[],
  catalog: Catalog,
  /** Ids of the playlists cratesync pushed (state DB). */
  pushed: ReadonlySet<string> = new Set(),
): Selection {
  const byId = new Map(catalog.playlists.map((p) => [p.id, p]));
  const taken = new Set<string>();
  const selected: SelectedPlaylist[] = [];
  const missingIds: string[] = [];

  for (const sel of selectors) {
    if (sel.kind === 'id') {
      const p = byId.get(sel.id);
      if (!p) {
        missingIds.push(sel.id);
        continue;
      }
      if (taken.has(p.id)) continue;
      taken.add(p.id);
      selected.push({ playlist: p, localName: sel.as ?? p.name });
      continue;
    }
    const match = sel.match === undefined ? undefined : new RegExp(sel.match, 'u');
    const exclude = new Set(sel.exclude);
    for (const p of catalog.playlists) {
      if (taken.has(p.id)) continue;
      if (isManaged(p.description) || pushed.has(p.id)) continue;
      if (sel.select === 'owned' && p.owned === false) continue;
      if (sel.select === 'favorites' && p.favorite !== true) continue;
      if (match && !match.test(p.name)) continue;
      if (exclude.has(p.name) || exclude.has(p.id)) continue;
      taken.add(p.id);
      selected.push({ playlist: p, localName: p.name });
    }
  }
  return { selected, missingIds };
}
