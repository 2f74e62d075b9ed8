// The state DB as the observation cache of an incremental source: an unchanged playlist costs no entry
// request, known tracks cost no metadata request until they are older than the TTL, --refresh asks again.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import { openStore } from '../../src/state/store.ts';
import type { Catalog, ObservationCache, Source } from '../../src/types.ts';
import { catalogOf, desiredFor, fakeDownloader, testDeps } from '../helpers/builders.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let root: string;
beforeEach(() => {
  root = makeTempDir();
});
afterEach(() => removeTempDir(root));

/** Behaves like the TIDAL source: one "request" per playlist listing and per track it must describe. */
function incrementalSource(catalog: () => Catalog) {
  const requests = { listings: 0, tracks: 0 };
  let last = { requests: 0, cacheHits: 0, throttled: 0 };
  const source: Source = {
    provider: 'fake-remote',
    incremental: true,
    async observe(_signal, cache?: ObservationCache) {
      const c = catalog();
      let hits = 0;
      let made = 0;
      const playlists = c.playlists.map((p) => {
        const cached = cache?.playlistItems(p.id, p.lastModifiedAt ?? '');
        if (cached) {
          hits++;
          return { ...p, items: cached.map((e) => e.trackId) };
        }
        requests.listings++;
        made++;
        return p;
      });
      const ids = [...new Set(playlists.flatMap((p) => p.items))];
      const known = cache?.knownTracks(ids) ?? new Map();
      hits += known.size;
      for (const id of ids) {
        if (known.has(id)) continue;
        requests.tracks++;
        made++;
      }
      last = { requests: made, cacheHits: hits, throttled: 0 };
      return { playlists, tracks: new Map(ids.map((id) => [id, known.get(id) ?? c.tracks.get(id)!])) };
    },
    stats: () => last,
  };
  return { source, requests };
}

describe('observation cache', () => {
  it('skips unchanged playlists and known tracks, and records the traffic in sync_events', async () => {
    let catalog = catalogOf({ A: ['t1', 't2'], B: ['t2', 't3'] });
    for (const p of catalog.playlists) p.lastModifiedAt = '2026-01-01T00:00:00Z';
    const { source, requests } = incrementalSource(() => catalog);
    const clock = { t: Date.UTC(2026, 0, 2) };
    const desired = desiredFor(root);
    const deps = testDeps(realFs, source, fakeDownloader(realFs), clock);

    await reconcile(desired, deps);
    expect(requests).toEqual({ listings: 2, tracks: 3 });
    await reconcile(desired, deps);
    expect(requests).toEqual({ listings: 2, tracks: 3 });

    // B changes at the source: only B is listed again, and only the new track is described.
    catalog = catalogOf({ A: ['t1', 't2'], B: ['t2', 't3', 't4'] });
    catalog.playlists[0]!.lastModifiedAt = '2026-01-01T00:00:00Z';
    catalog.playlists[1]!.lastModifiedAt = '2026-01-03T00:00:00Z';
    const run = await reconcile(desired, deps);
    expect(requests).toEqual({ listings: 3, tracks: 4 });
    expect(fs.existsSync(`${root}/Playlists/B/Artist t4 - Song t4.mp3`)).toBe(true);

    const store = await openStore(realFs, `${root}/.cratesync/state.db`);
    expect(
      store.query('SELECT api_requests, cache_hits FROM sync_events WHERE id = ?', [run.eventId]),
    ).toEqual([[2, 4]]);
    store.close();

    // Metadata older than the TTL (30 days by default) is fetched again; --refresh asks for everything.
    clock.t += 31 * 86_400_000;
    await reconcile(desired, deps);
    expect(requests).toEqual({ listings: 3, tracks: 8 });
    await reconcile(desired, deps, { refresh: true });
    expect(requests).toEqual({ listings: 5, tracks: 12 });
  });
});
