// `push: tidal` end to end against the fake TIDAL server on 127.0.0.1: a child playlist becomes an UNLISTED,
// marked TIDAL playlist holding exactly the child's tracks in order; later runs converge with minimal edits
// and make no write at all once it matches; a rename, a removal under each prune mode, a lost answer to a
// create, and playlists cratesync did not create (never written, never mirrored as bases).

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSource } from '../../src/controller/deps.ts';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import type { Fs } from '../../src/io/fs.ts';
import { MANAGED_MARKER } from '../../src/sources/tidal/push/marker.ts';
import { playlistReport } from '../../src/state/reports.ts';
import { openStore } from '../../src/state/store.ts';
import type { DesiredState } from '../../src/types.ts';
import { desiredFor, fakeDownloader, testDeps } from '../helpers/builders.ts';
import {
  buildLibrary,
  type FakePlaylist,
  type FakeTidal,
  startFakeTidal,
  tidalEnv,
  UNTHROTTLED,
} from '../helpers/fake-tidal.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let root: string;
let server: FakeTidal;
let env: NodeJS.ProcessEnv;

const WARMUP = `
  - name: Warm-up
    from: [Crate 0, Crate 1]
    where: { bpm: 118..122 }
    sort: [bpm+]
    push: tidal`;
const OLDIES = `
  - name: Oldies
    from: [Crate 2]
    where: { year: ..2005 }
    push: tidal`;

beforeEach(async () => {
  root = makeTempDir();
  server = await startFakeTidal({
    data: buildLibrary({ playlists: 3, entries: 90, uniqueTracks: 60 }),
    headers: UNTHROTTLED,
  });
  env = tidalEnv(server, `${root}/config`);
});
afterEach(async () => {
  await server.close();
  removeTempDir(root);
});

function libraryWith(children: string, prune: DesiredState['prune']['mode'] = 'trash'): DesiredState {
  const text = `version: 1
source: { provider: tidal, tidal: { countryCode: NO } }
root: ./lib
playlists: [ { select: owned } ]
children:${children === '' ? ' []' : children}
`;
  const loaded = loadDesiredStateFromText(text, `${root}/library.yaml`);
  return desiredFor(`${root}/lib`, {
    source: loaded.source,
    playlists: loaded.playlists,
    children: loaded.children,
    prune: { mode: prune, maxDeletions: 10_000 },
  });
}

const depsFor = (desired: DesiredState) =>
  testDeps(realFs, createSource(desired, realFs, env), fakeDownloader(realFs));
const run = (desired: DesiredState) => reconcile(desired, depsFor(desired), { retryDelayMs: 0 });

const playlistNamed = (name: string) => server.data.playlists.filter((p) => p.name === name);
const trackIdsOf = (p: FakePlaylist) => p.entries.filter((e) => e.type === 'tracks').map((e) => e.id);

/** The oracle: Warm-up as the issue defines it, computed from the fake's data, not by cratesync. */
function expectedWarmup(): string[] {
  const union: string[] = [];
  for (const name of ['Crate 0', 'Crate 1']) {
    for (const id of trackIdsOf(playlistNamed(name)[0]!)) if (!union.includes(id)) union.push(id);
  }
  const bpm = (id: string) => server.data.tracks.get(id)!.bpm;
  const inRange = union.filter((id) => {
    const b = bpm(id);
    return b !== undefined && b >= 118 && b <= 122;
  });
  return inRange
    .map((id, i) => ({ id, i }))
    .sort((a, b) => bpm(a.id)! - bpm(b.id)! || a.i - b.i)
    .map((x) => x.id);
}

describe('push: tidal', () => {
  it('creates a marked, unlisted playlist holding the child in order; a second run writes nothing', async () => {
    const desired = libraryWith(WARMUP);
    const plan = await planOnly(desired, depsFor(desired));
    const change = plan.children.find((c) => c.name === 'Warm-up')!;
    expect(change.tidal).toMatchObject({ create: true, added: expectedWarmup() });

    const first = await run(desired);
    expect(first.status).toBe('completed');
    const [pushed, ...others] = playlistNamed('Warm-up');
    expect(others).toEqual([]);
    expect(pushed!.accessType).toBe('UNLISTED');
    expect(pushed!.description).toContain(MANAGED_MARKER);
    expect(expectedWarmup().length).toBeGreaterThan(5);
    expect(trackIdsOf(pushed!)).toEqual(expectedWarmup());
    // One create and one add of at most 50: the entries went in one batch.
    expect(server.count('createPlaylist')).toBe(1);
    expect(server.count('addItems')).toBe(1);
    expect(
      first.outcomes.filter((o) => o.action.type.startsWith('remote.')).map((o) => o.action.type),
    ).toEqual(['remote.create', 'remote.edit']);
    expect(first.summary.remoteWrites).toBe(2);

    // Recorded as ours, and not mirrored back as a base playlist.
    const store = await openStore(realFs, `${root}/lib/.cratesync/state.db`);
    expect(store.loadRemote().get('Warm-up')?.playlistId).toBe(pushed!.id);
    store.close();
    expect(
      fs
        .readdirSync(`${root}/lib/Playlists`)
        .filter((n) => !n.endsWith('.m3u8'))
        .sort(),
    ).toEqual(['Crate 0', 'Crate 1', 'Crate 2', 'Warm-up']);

    server.resetLog();
    const second = await run(desired);
    expect(second.summary.planned).toBe(0);
    expect(server.count('writes')).toBe(0);
    const third = await planOnly(desired, depsFor(desired));
    expect(third.actions).toEqual([]);

    // `inspect Warm-up`: the TIDAL playlist and, per run, tracks matched and requests made.
    const db = await openStore(realFs, `${root}/lib/.cratesync/state.db`);
    const report = playlistReport(db, 'Warm-up');
    db.close();
    expect(report && 'child' in report ? report.child : undefined).toMatchObject({
      remoteId: pushed!.id,
      runs: [
        { runId: second.eventId, matched: expectedWarmup().length, requests: 0, errors: [] },
        { runId: first.eventId, matched: expectedWarmup().length, requests: 2, errors: [] },
      ],
    });
  });

  it('follows the bases with minimal edits, then writes nothing', async () => {
    const desired = libraryWith(WARMUP);
    await run(desired);
    const pushedId = playlistNamed('Warm-up')[0]!.id;
    const itemIdsBefore = new Set(playlistNamed('Warm-up')[0]!.entries.map((e) => e.itemId));

    // Crate 0 loses two tracks in range; Crate 1 gains two new ones at the top of the range, which the
    // child (sorted by bpm, ties in base order) puts last. Minimal: one delete and one append. A rebuild
    // would cost as much, and the script prefers keeping entries on a tie.
    const crate0 = playlistNamed('Crate 0')[0]!;
    const inRange = expectedWarmup();
    const dropped = inRange.filter((id) => trackIdsOf(crate0).includes(id)).slice(0, 2);
    crate0.entries = crate0.entries.filter((e) => !dropped.includes(e.id));
    server.touch(crate0.id);
    const spare = ['200000001', '200000002'].map((id) => ({
      ...server.data.tracks.get(inRange[0]!)!,
      id,
      title: `New ${id}`,
      bpm: 122,
    }));
    for (const t of spare) server.data.tracks.set(t.id, t);
    server.addItems(playlistNamed('Crate 1')[0]!.id, [spare[0]!.id, spare[1]!.id]);

    server.resetLog();
    const plan = await planOnly(desired, depsFor(desired));
    const tidal = plan.children.find((c) => c.name === 'Warm-up')!.tidal!;
    expect(tidal.removed.sort()).toEqual([...dropped].sort());
    expect(tidal.added.sort()).toEqual([spare[0]!.id, spare[1]!.id].sort());

    server.resetLog();
    const next = await run(desired);
    expect(next.status).toBe('completed');
    const pushed = playlistNamed('Warm-up');
    expect(pushed.map((p) => p.id)).toEqual([pushedId]);
    expect(trackIdsOf(pushed[0]!)).toEqual(expectedWarmup());
    // Minimal: the entries that stayed kept their itemIds; one delete, adds in place, no rebuild.
    const kept = pushed[0]!.entries.filter((e) => itemIdsBefore.has(e.itemId)).length;
    expect(kept).toBe(inRange.length - dropped.length);
    expect(server.count('removeItems')).toBe(1);
    expect(server.count('addItems')).toBe(1);
    expect(server.count('writes')).toBe(2);
    expect(trackIdsOf(pushed[0]!).slice(-2)).toEqual(['200000001', '200000002']);

    server.resetLog();
    await run(desired);
    expect(server.count('writes')).toBe(0);
  });

  it('never writes a playlist it did not create, and leaves one whose marker was removed', async () => {
    // The user's own playlists (mirrored as bases), and someone else's that shares the child's name.
    const own = server.data.playlists[0]!;
    const theirs: FakePlaylist = {
      ...server.data.playlists[1]!,
      id: 'ffffffff-0000-4000-8000-000000000001',
      name: 'Warm-up',
      ownerId: '999',
    };
    server.data.playlists.push(theirs);
    server.data.favorites.push(theirs.id);
    const ownBefore = JSON.stringify(own);
    const theirsBefore = JSON.stringify(theirs);

    const desired = libraryWith(WARMUP);
    await run(desired);
    expect(JSON.stringify(server.data.playlists.find((p) => p.id === own.id))).toBe(ownBefore);
    expect(JSON.stringify(server.data.playlists.find((p) => p.id === theirs.id))).toBe(theirsBefore);
    const writes = server.requests.filter((r) => r.method !== 'GET');
    expect(writes.some((r) => r.path.includes(own.id) || r.path.includes(theirs.id))).toBe(false);

    // The user takes our playlist over by deleting the marker: cratesync stops writing to it.
    const pushed = playlistNamed('Warm-up').find((p) => p.ownerId === server.data.user.id)!;
    pushed.description = 'mine now';
    server.touch(pushed.id);
    server.addItems(playlistNamed('Crate 0')[0]!.id, [expectedWarmup()[0]!]);
    const crate1 = playlistNamed('Crate 1')[0]!;
    crate1.entries = crate1.entries.slice(1);
    server.touch(crate1.id);
    server.resetLog();
    const next = await run(desired);
    expect(server.count('writes')).toBe(0);
    expect(next.summary.held['not-managed']).toBe(1);
  });

  it('renames the TIDAL playlist with the child, and deletes it only when prune allows', async () => {
    await run(libraryWith(WARMUP + OLDIES));
    const warmId = playlistNamed('Warm-up')[0]!.id;
    const oldiesId = playlistNamed('Oldies')[0]!.id;

    server.resetLog();
    const renamed = WARMUP.replace('name: Warm-up', 'name: Warm-up 118-122') + OLDIES;
    await run(libraryWith(renamed));
    expect(server.data.playlists.find((p) => p.id === warmId)?.name).toBe('Warm-up 118-122');
    expect(server.count('createPlaylist')).toBe(0);
    expect(server.count('updatePlaylist')).toBe(1);

    // Oldies leaves library.yaml: kept with prune off, deleted with trash.
    const without = WARMUP.replace('name: Warm-up', 'name: Warm-up 118-122');
    server.resetLog();
    const kept = await run(libraryWith(without, 'off'));
    expect(server.data.playlists.some((p) => p.id === oldiesId)).toBe(true);
    const held = kept.firstPass.plans.flatMap((p) => p.skipped).filter((k) => k.child === 'Oldies');
    expect(held.map((k) => k.code)).toEqual(['prune-off']);
    expect(server.count('writes')).toBe(0);

    const gone = await run(libraryWith(without, 'trash'));
    expect(gone.status).toBe('completed');
    expect(server.data.playlists.some((p) => p.id === oldiesId)).toBe(false);
    expect(server.data.playlists.some((p) => p.id === warmId)).toBe(true);
    const store = await openStore(realFs, `${root}/lib/.cratesync/state.db`);
    expect([...store.loadRemote().keys()]).toEqual(['Warm-up 118-122']);
    store.close();
    server.resetLog();
    await run(libraryWith(without, 'trash'));
    expect(server.count('writes')).toBe(0);
  });

  it('a create whose answer was lost is replayed, not made twice', async () => {
    const desired = libraryWith(WARMUP);
    // The create happens but its answer is lost, and the retry of this run is refused.
    const isCreate = (r: { kind: string }) => r.kind === 'createPlaylist';
    server.fault({ match: isCreate, dropAfter: true, times: 1 });
    server.fault({ match: isCreate, status: 400, times: Number.POSITIVE_INFINITY });
    const first = await run(desired);
    expect(first.status).toBe('failed');
    expect(playlistNamed('Warm-up')).toHaveLength(1);
    server.clearFaults();
    const second = await run(desired);
    expect(second.status).toBe('completed');
    expect(playlistNamed('Warm-up')).toHaveLength(1);
    expect(trackIdsOf(playlistNamed('Warm-up')[0]!)).toEqual(expectedWarmup());
  });

  it('a playlist deleted on TIDAL is made again', async () => {
    const desired = libraryWith(WARMUP);
    await run(desired);
    const id = playlistNamed('Warm-up')[0]!.id;
    server.data.playlists = server.data.playlists.filter((p) => p.id !== id);
    const next = await run(desired);
    expect(next.status).toBe('completed');
    const again = playlistNamed('Warm-up');
    expect(again).toHaveLength(1);
    expect(again[0]!.id).not.toBe(id);
    expect(trackIdsOf(again[0]!)).toEqual(expectedWarmup());
  });
});
