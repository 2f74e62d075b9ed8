// Executing pushes to TIDAL (`push: tidal`). Before every write the executor checks again that the
// playlist is ours: recorded in the state DB and still carrying the managed marker. Every write carries an
// Idempotency-Key derived from the plan step (sources/tidal/push/keys.ts): edits use this pass's
// generation; a create uses the library's count of acknowledged creates, so a create whose answer was lost
// (a crash, a dropped connection) is replayed by TIDAL on the next try instead of making a second playlist.
//
// What a write changed is written through to the run's catalogue, so the next pass of the same run plans
// from the playlist as it now is (and plans nothing once it matches), without reading it back.

import { TidalApiError } from '../../sources/tidal/http.ts';
import type { Edit } from '../../sources/tidal/push/diff.ts';
import { idempotencyKey } from '../../sources/tidal/push/keys.ts';
import { isManaged } from '../../sources/tidal/push/marker.ts';
import { applyEdits } from '../../sources/tidal/push/simulate.ts';
import type { RemoteAction, RemoteEntry, SourcePlaylist } from '../../types.ts';
import type { ApplyContext } from './context.ts';

export interface RemoteExecuted {
  status: 'applied' | 'noop' | 'skipped' | 'failed';
  error?: string;
  /** The id of a playlist just created. */
  remoteId?: string;
}

const skip = (error: string): RemoteExecuted => ({ status: 'skipped', error });

export async function executeRemote(a: RemoteAction, ctx: ApplyContext): Promise<RemoteExecuted> {
  if (a.type === 'remote.forget') return { status: 'applied' };
  const target = ctx.remote;
  if (!target) return skip('the source takes no playlist writes');
  const { signal } = ctx;

  if (a.type === 'remote.create') {
    const { libraryId, remoteCreates } = ctx.store.libraryIdentity();
    const content = { name: a.name, description: a.description };
    const key = idempotencyKey({
      generation: `${libraryId}:create:${remoteCreates}`,
      target: `child:${a.child}`,
      step: 0,
      content,
    });
    const id = await target.create(content, key, signal);
    // A replayed create answers a playlist this run may have observed already (with entries): keep that.
    if (!ctx.catalog.playlists.some((p) => p.id === id)) {
      ctx.catalog.playlists.push({
        id,
        name: a.name,
        description: a.description,
        items: [],
        entries: [],
        owned: true,
      });
    }
    return { status: 'applied', remoteId: id };
  }

  const playlist = ctx.catalog.playlists.find((p) => p.id === a.playlistId);
  if (!ctx.store.isRemoteRecorded(a.playlistId)) return skip('not a playlist cratesync created');
  // Not seen this run (gone, or not listed): nothing is written to a playlist whose marker we cannot see.
  if (!playlist)
    return a.type === 'remote.delete' ? { status: 'noop' } : skip('the playlist is gone from TIDAL');
  if (!isManaged(playlist.description)) return skip('the playlist lost its cratesync marker');
  const key = (content: unknown, step = 0) =>
    idempotencyKey({ generation: ctx.pushGeneration, target: a.playlistId, step, content });

  switch (a.type) {
    case 'remote.rename':
      await target.rename(a.playlistId, a.name, key({ name: a.name }), signal);
      playlist.name = a.name;
      return { status: 'applied' };
    case 'remote.edit': {
      const result = await target.edit(a.playlistId, a.edit, key(a.edit, a.step), signal);
      writeThrough(playlist, a.edit, result.added);
      if (result.skipped.length > 0) {
        return {
          status: 'failed',
          error: `TIDAL left out ${result.skipped.length} track(s) as unavailable: ${result.skipped.slice(0, 5).join(', ')}`,
        };
      }
      return { status: 'applied' };
    }
    case 'remote.delete':
      try {
        await target.remove(a.playlistId, key('delete'), signal);
      } catch (err) {
        // Already deleted (by the user, or by an earlier try whose answer was lost): the end state holds.
        if (err instanceof TidalApiError && err.status === 404) return { status: 'noop' };
        throw err;
      }
      ctx.catalog.playlists = ctx.catalog.playlists.filter((p) => p.id !== a.playlistId);
      return { status: 'applied' };
  }
}

/** The playlist after `edit` (simulate.ts: TIDAL's documented effect), with the itemIds an add answered. */
function writeThrough(p: SourcePlaylist, edit: Edit, added: RemoteEntry[]): void {
  const before = new Map((p.entries ?? []).map((e) => [e.itemId, e]));
  const current = (p.entries ?? []).map((e) => ({ itemId: e.itemId ?? '', trackId: e.trackId }));
  try {
    const next = applyEdits(current, [edit], (k) => added[k]?.itemId ?? `unanswered-${k}`);
    p.entries = next.map((e) => before.get(e.itemId) ?? { itemId: e.itemId, trackId: e.trackId });
    p.items = next.map((e) => e.trackId);
  } catch {
    p.shortRead = 'the playlist changed in a way cratesync cannot follow; it is read again next run';
  }
  // An answer that does not name every new entry leaves the playlist unknown: plan nothing more on it.
  if (edit.op === 'add' && added.length < edit.trackIds.length) {
    p.shortRead = 'TIDAL did not name every entry it added; it is read again next run';
  }
}
