import { afterEach, describe, expect, it } from 'vitest';
import { TidalApiError } from '../../../../src/sources/tidal/http.ts';
import { type PlaylistEntry, planPlaylistEdits } from '../../../../src/sources/tidal/push/diff.ts';
import { idempotencyKey } from '../../../../src/sources/tidal/push/keys.ts';
import { applyEdits } from '../../../../src/sources/tidal/push/simulate.ts';
import {
  applyEdit,
  createPlaylist,
  deletePlaylist,
  describePlaylist,
  isManaged,
  MANAGED_MARKER,
  readItems,
  renamePlaylist,
  withMarker,
} from '../../../../src/sources/tidal/push/writes.ts';
import { buildLibrary, type FakeTidal } from '../../../helpers/fake-tidal.ts';
import { never, type Rig, rig } from '../setup.ts';

let r: Rig;
let server: FakeTidal;
afterEach(async () => {
  await server?.close();
});

/** A library of 200 tracks: one own playlist and one foreign, favourited one. */
async function start(): Promise<void> {
  r = await rig({
    data: buildLibrary({ playlists: 2, entries: 40, uniqueTracks: 200, foreignFavorites: 1 }),
  });
  server = r.server;
}

const track = (n: number) => String(100_000_000 + n);
const key = (target: string, step: number, content: unknown) =>
  idempotencyKey({ generation: 'gen-1', target, step, content });

async function newPlaylist(name = 'House 120-125'): Promise<string> {
  const attrs = { name, description: withMarker('child of Crate 0'), accessType: 'UNLISTED' as const };
  return createPlaylist(r.http, attrs, key(`child:${name}`, 0, attrs), never);
}

/** Plans and sends the edits that make the playlist hold `desired`; returns the number of writes sent. */
async function push(id: string, desired: string[], generation: string): Promise<number> {
  const current = await readItems(r.http, id, 'NO', never);
  const edits = planPlaylistEdits(current, desired);
  for (const [step, edit] of edits.entries()) {
    await applyEdit(r.http, id, edit, idempotencyKey({ generation, target: id, step, content: edit }), never);
  }
  return edits.length;
}

const trackIdsOf = (id: string) => server.data.playlists.find((p) => p.id === id)?.entries.map((e) => e.id);

describe('creating a playlist', () => {
  it('creates an UNLISTED playlist owned by the user and marked as managed', async () => {
    await start();
    const id = await newPlaylist();
    const p = server.data.playlists.find((x) => x.id === id)!;
    expect(p).toMatchObject({ name: 'House 120-125', ownerId: server.data.user.id, accessType: 'UNLISTED' });
    expect(p.description).toBe(`child of Crate 0 ${MANAGED_MARKER}`);
    expect(isManaged(p.description)).toBe(true);
    expect(server.count('createPlaylist')).toBe(1);
    expect(server.requests[0]!.status).toBe(201);
  });

  it('replays a repeated Idempotency-Key instead of creating a second playlist', async () => {
    await start();
    const before = server.data.playlists.length;
    const first = await newPlaylist();
    const again = await newPlaylist();
    expect(again).toBe(first);
    expect(server.data.playlists).toHaveLength(before + 1);
  });

  it('refuses a key reused with another payload (422)', async () => {
    await start();
    const attrs = { name: 'A', description: MANAGED_MARKER, accessType: 'UNLISTED' as const };
    await createPlaylist(r.http, attrs, 'same-key', never);
    const err = await createPlaylist(r.http, { ...attrs, name: 'B' }, 'same-key', never).catch((e) => e);
    expect(err).toBeInstanceOf(TidalApiError);
    expect(err).toMatchObject({ status: 422, code: 'IDEMPOTENT_REQUEST_PAYLOAD_MISMATCH' });
  });
});

describe('applying an edit script', () => {
  it('after the first push the playlist holds exactly the desired tracks in order', async () => {
    await start();
    const id = await newPlaylist();
    const desired = [...Array.from({ length: 75 }, (_, i) => track(i)), track(3), track(3)];
    expect(await push(id, desired, 'gen-1')).toBe(2);
    expect(trackIdsOf(id)).toEqual(desired);
    const read = await readItems(r.http, id, 'NO', never);
    expect(read.map((e) => e.trackId)).toEqual(desired);
    expect(new Set(read.map((e) => e.itemId)).size).toBe(desired.length);
  });

  it('converges with minimal edits after a change, then writes nothing', async () => {
    await start();
    const id = await newPlaylist();
    const first = Array.from({ length: 60 }, (_, i) => track(i));
    await push(id, first, 'gen-1');
    const stamp = server.data.playlists.find((p) => p.id === id)!.lastModifiedAt;

    // Drop two, add three (one in the middle), move one forward.
    const second = first.filter((t) => t !== track(10) && t !== track(20));
    second.splice(5, 0, track(150));
    second.push(track(151), track(152));
    second.splice(0, 0, second.splice(second.indexOf(track(40)), 1)[0]!);
    server.resetLog();
    const writes = await push(id, second, 'gen-2');
    expect(writes).toBe(4); // 1 delete, 1 move, 2 adds
    expect(server.count('writes')).toBe(4);
    expect(trackIdsOf(id)).toEqual(second);
    expect(server.data.playlists.find((p) => p.id === id)!.lastModifiedAt > stamp).toBe(true);

    server.resetLog();
    expect(await push(id, second, 'gen-3')).toBe(0);
    expect(server.count('writes')).toBe(0);
  });

  it('matches the simulator on the server', async () => {
    await start();
    const id = await newPlaylist();
    await push(id, [track(1), track(2), track(3), track(4), track(5)], 'gen-1');
    const current = await readItems(r.http, id, 'NO', never);
    const desired = [track(5), track(2), track(9), track(1), track(2)];
    const edits = planPlaylistEdits(current, desired);
    expect(applyEdits(current, edits).map((e) => e.trackId)).toEqual(desired);
    await push(id, desired, 'gen-2');
    expect(trackIdsOf(id)).toEqual(desired);
  });

  it('reports the entries an add created and the tracks it skipped', async () => {
    await start();
    const id = await newPlaylist();
    const edit = { op: 'add' as const, trackIds: [track(1), 'no-such-track', track(2)] };
    const result = await applyEdit(r.http, id, edit, key(id, 0, edit), never);
    expect(result.added.map((e) => e.trackId)).toEqual([track(1), track(2)]);
    expect(result.skipped).toEqual(['no-such-track']);
    const read: PlaylistEntry[] = await readItems(r.http, id, 'NO', never);
    expect(read).toEqual(result.added);
  });

  it('does not add twice when a write happened but its answer was lost (retry replays the key)', async () => {
    await start();
    const id = await newPlaylist();
    server.fault({ match: (q) => q.kind === 'addItems', dropAfter: true });
    const edit = { op: 'add' as const, trackIds: [track(1), track(2)] };
    const result = await applyEdit(r.http, id, edit, key(id, 0, edit), never);
    expect(server.count('addItems')).toBe(2);
    expect(trackIdsOf(id)).toEqual([track(1), track(2)]);
    expect(result.added.map((e) => e.itemId)).toEqual(
      server.data.playlists.find((p) => p.id === id)!.entries.map((e) => e.itemId),
    );
  });

  it('sends a write without a key exactly once', async () => {
    await start();
    const id = await newPlaylist();
    server.fault({ match: (q) => q.kind === 'addItems', status: 503 });
    const send = r.http.send(
      {
        method: 'POST',
        path: `/playlists/${id}/relationships/items`,
        body: { data: [{ id: track(1), type: 'tracks' }] },
      },
      never,
    );
    await expect(send).rejects.toMatchObject({ status: 503 });
    expect(server.count('addItems')).toBe(1);
  });
});

describe('a playlist owned by someone else', () => {
  it('answers 403 to every write and stays as it was', async () => {
    await start();
    const foreign = server.data.playlists.find((p) => p.ownerId !== server.data.user.id)!;
    const before = structuredClone(foreign);
    const entry = { itemId: foreign.entries[0]!.itemId, trackId: foreign.entries[0]!.id };
    const attempts = [
      applyEdit(r.http, foreign.id, { op: 'add', trackIds: [track(1)] }, 'k1', never),
      applyEdit(r.http, foreign.id, { op: 'delete', items: [entry] }, 'k2', never),
      renamePlaylist(r.http, foreign.id, 'mine now', 'k3', never),
      deletePlaylist(r.http, foreign.id, 'k4', never),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ status: 403 });
    expect(server.data.playlists.find((p) => p.id === foreign.id)).toEqual(before);
    expect(isManaged(foreign.description)).toBe(false);
  });
});

describe('renaming and deleting', () => {
  it('renames and re-describes a playlist, moving lastModifiedAt on', async () => {
    await start();
    const id = await newPlaylist();
    const p = () => server.data.playlists.find((x) => x.id === id)!;
    const stamp = p().lastModifiedAt;
    await renamePlaylist(r.http, id, 'Deep 118-122', key(id, 0, 'Deep 118-122'), never);
    await describePlaylist(r.http, id, withMarker('deeper'), key(id, 1, 'deeper'), never);
    expect(p()).toMatchObject({ name: 'Deep 118-122', description: `deeper ${MANAGED_MARKER}` });
    expect(p().lastModifiedAt > stamp).toBe(true);
    expect(server.count('updatePlaylist')).toBe(2);
  });

  it('deletes a playlist; a replayed delete is not an error', async () => {
    await start();
    const id = await newPlaylist();
    await deletePlaylist(r.http, id, key(id, 0, 'delete'), never);
    await deletePlaylist(r.http, id, key(id, 0, 'delete'), never);
    expect(server.data.playlists.some((x) => x.id === id)).toBe(false);
    expect(server.count('deletePlaylist')).toBe(2);
  });
});

describe('the managed marker', () => {
  it('is added once and recognised', () => {
    expect(withMarker(undefined)).toBe(MANAGED_MARKER);
    expect(withMarker(withMarker('x'))).toBe(`x ${MANAGED_MARKER}`);
    expect(isManaged('my own playlist')).toBe(false);
    expect(isManaged(undefined)).toBe(false);
  });

  it('keys are deterministic, distinct per step, and within 128 characters', () => {
    const edit = { op: 'add', trackIds: ['1'] };
    const a = idempotencyKey({ generation: 'g', target: 'p', step: 0, content: edit });
    expect(
      idempotencyKey({ generation: 'g', target: 'p', step: 0, content: { trackIds: ['1'], op: 'add' } }),
    ).toBe(a);
    expect(idempotencyKey({ generation: 'g', target: 'p', step: 1, content: edit })).not.toBe(a);
    expect(idempotencyKey({ generation: 'h', target: 'p', step: 0, content: edit })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
