// The exports planner: the Rekordbox XML collection (`exports.rekordbox`). It lists each track once, at its
// real file (never a link), with the state DB's row id as its stable TrackID, and every base and child
// playlist under one folder node. Like the playlist files it is rewritten only when its content changes,
// and it lists only tracks whose real file exists after this pass.

import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import type { Action, DesiredState, Plan, Skipped } from '../../types.ts';
import { primaryPath } from '../files/layout.ts';
import { staleRemovals } from '../files/plan.ts';
import { planOwnedText } from '../owned-text.ts';
import type { PlaylistsObserved } from '../playlists/plan.ts';
import { type RekordboxTrack, renderRekordboxXml } from '../rekordbox/render.ts';

/** Exports see what playlist files see: the layout and which tracks have their real file this pass. */
export type ExportsObserved = PlaylistsObserved;

export function planExports(desired: DesiredState, o: ExportsObserved): Plan {
  const actions: Action[] = [];
  const skipped: Skipped[] = [];
  const rekordbox = desired.exports?.rekordbox;
  if (rekordbox) {
    const content = renderRekordboxXml(rekordboxInput(desired, o, rekordbox.folder));
    const write = planOwnedText(
      { path: rekordbox.path, content, kind: 'export', playlistId: '' },
      o,
      skipped,
    );
    if (write) actions.push(write);
  }
  // An export no longer configured (or moved elsewhere) goes like any other file we made.
  const wanted = new Set(rekordbox ? [rekordbox.path] : []);
  for (const r of staleRemovals('export', wanted, 'export no longer configured', desired, o, skipped))
    actions.push(r);
  return { target: 'exports', actions, skipped };
}

function rekordboxInput(desired: DesiredState, o: ExportsObserved, folder: string) {
  const tracks: RekordboxTrack[] = [];
  const idOf = new Map<string, number>();
  for (const [id, t] of o.layout.tracks) {
    const at = primaryPath(o.layout, id);
    const state = o.state.tracks.get(id);
    // A track without a row id is new in this pass; the next pass (after its download) lists it.
    if (at === undefined || state?.rowId === undefined || !o.available.has(id)) continue;
    idOf.set(id, state.rowId);
    tracks.push({
      trackId: state.rowId,
      path: path.join(desired.root, at),
      track: t.track,
      size: state.fileSize,
    });
  }
  const playlists = o.layout.playlists.map((p) => ({
    name: p.name,
    trackIds: p.items.map((id) => idOf.get(id)).filter((n): n is number => n !== undefined),
  }));
  return {
    product: { name: 'cratesync', version: pkg.version, company: 'cratesync' },
    tracks,
    folder,
    playlists,
  };
}
