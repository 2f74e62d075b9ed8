import { afterEach, describe, expect, it } from 'vitest';
import {
  chunks,
  fetchTracks,
  listFavoritePlaylists,
  listOwnPlaylists,
  readPlaylistItems,
} from '../../../src/sources/tidal/client.ts';
import { buildLibrary, type FakeTidal } from '../../helpers/fake-tidal.ts';
import { never, type Rig, rig } from './setup.ts';

let r: Rig;
let server: FakeTidal;
afterEach(async () => {
  await server?.close();
});

async function start(...args: Parameters<typeof rig>): Promise<void> {
  r = await rig(...args);
  server = r.server;
}

describe('cursor pagination', () => {
  it('follows links.next (which lacks /v2) to the last page', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 45, uniqueTracks: 45 }) });
    const playlist = server.data.playlists[0]!;
    const read = await readPlaylistItems(r.http, playlist.id, 'NO', never);
    expect(read.error).toBeUndefined();
    expect(read.items.map((i) => i.meta?.itemId)).toEqual(playlist.entries.map((e) => e.itemId));
    expect(server.requests.map((q) => q.path)).toEqual(
      Array(3).fill(`/v2/playlists/${playlist.id}/relationships/items`),
    );
    // Page 2 and 3 come from links.next: same query plus the cursor.
    expect(server.requests.map((q) => q.query.get('countryCode'))).toEqual(['NO', 'NO', 'NO']);
    expect(server.requests.map((q) => q.query.has('page[cursor]'))).toEqual([false, true, true]);
  });

  it('reads exactly one page when a playlist fits in it, and an empty playlist in one request', async () => {
    const data = buildLibrary({ playlists: 2, entries: 20, uniqueTracks: 20 });
    data.playlists[1]!.entries = [];
    await start({ data });
    await readPlaylistItems(r.http, data.playlists[0]!.id, 'NO', never);
    const empty = await readPlaylistItems(r.http, data.playlists[1]!.id, 'NO', never);
    expect(empty.items).toEqual([]);
    expect(server.count('items')).toBe(2);
  });

  it('keeps what it read when the listing fails midway, and says why', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 60, uniqueTracks: 60 }) }, { maxRetries: 1 });
    server.fault({ status: 500, times: Infinity, match: (q) => q.query.has('page[cursor]') });
    const read = await readPlaylistItems(r.http, server.data.playlists[0]!.id, 'NO', never);
    expect(read.items).toHaveLength(20);
    expect(read.error).toMatchObject({ status: 500, retryable: true });
  });

  it('lists own playlists (filter[owners.id]=me) and favourites (include=items) over several pages', async () => {
    await start({
      data: buildLibrary({
        playlists: 50,
        entries: 50,
        uniqueTracks: 10,
        foreignFavorites: 25,
        ownFavorites: 3,
      }),
    });
    const own = await listOwnPlaylists(r.http, 'NO', never);
    const fav = await listFavoritePlaylists(r.http, never);
    expect(own).toHaveLength(25);
    expect(fav.ids).toHaveLength(28);
    expect(fav.resources.size).toBe(28);
    expect(server.count('ownPlaylists')).toBe(2);
    expect(server.count('favorites')).toBe(2);
    const firstOwn = server.requests.find((q) => q.kind === 'ownPlaylists')!;
    expect(firstOwn.query.get('filter[owners.id]')).toBe('me');
  });
});

describe('fetchTracks', () => {
  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(100_000_000 + from + i));

  it('asks for 20 ids a request with artists and albums', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 45, uniqueTracks: 45 }) });
    const read = await fetchTracks(r.http, ids(45), 'NO', never);
    expect(read.tracks).toHaveLength(45);
    expect(read.unavailable).toEqual([]);
    const sizes = server.requests.map((q) => q.query.getAll('filter[id]').length);
    expect(sizes.sort((a, b) => a - b)).toEqual([5, 20, 20]);
    for (const q of server.requests) {
      expect(q.query.get('include')).toBe('artists,albums');
      expect(q.query.get('countryCode')).toBe('NO');
    }
    expect(read.included.filter((i) => i.type === 'albums').length).toBeGreaterThan(0);
  });

  it('never sends more than 20 ids, which the server would refuse', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 100, uniqueTracks: 100 }), bulkLimit: 20 });
    const read = await fetchTracks(r.http, ids(100), 'NO', never);
    expect(read.tracks).toHaveLength(100);
    expect(server.requests.every((q) => q.status === 200)).toBe(true);
  });

  it('splits a batch refused with 400 until the bad id stands alone, and reports it unavailable', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 40, uniqueTracks: 40 }) });
    const bad = String(100_000_013);
    server.data.badTrackIds.add(bad);
    const read = await fetchTracks(r.http, ids(40), 'NO', never);
    expect(read.unavailable).toEqual([bad]);
    expect(read.failed).toEqual([]);
    expect(read.tracks.map((t) => t.id).sort()).toEqual(ids(40).filter((id) => id !== bad));
    // The clean batch once; the bad one as 20, then halves of 10, 5, 3|2 and 1, each beside a clean sibling.
    expect(server.count('tracks')).toBe(1 + 1 + 2 + 2 + 2 + 2);
  });

  it('reports ids the answer leaves out as unavailable', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 3, uniqueTracks: 3 }) });
    const read = await fetchTracks(r.http, [...ids(3), '555'], 'NO', never);
    expect(read.tracks).toHaveLength(3);
    expect(read.unavailable).toEqual(['555']);
  });

  it('keeps a batch that failed after retries apart instead of failing everything', async () => {
    await start({ data: buildLibrary({ playlists: 1, entries: 40, uniqueTracks: 40 }) }, { maxRetries: 1 });
    server.fault({
      status: 500,
      times: Infinity,
      match: (q) => q.query.getAll('filter[id]').includes(ids(1)[0]!),
    });
    const read = await fetchTracks(r.http, ids(40), 'NO', never);
    expect(read.tracks).toHaveLength(20);
    expect(read.failed).toHaveLength(1);
    expect(read.failed[0]!.ids).toEqual(ids(20));
  });

  it('makes no request for no ids', async () => {
    await start();
    await fetchTracks(r.http, [], 'NO', never);
    expect(server.count()).toBe(0);
  });
});

describe('chunks', () => {
  it('cuts a list into pieces of at most n', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 20)).toEqual([]);
  });
});
