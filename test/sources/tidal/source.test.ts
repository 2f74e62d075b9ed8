import { afterEach, describe, expect, it } from 'vitest';
import { virtualClock } from '../../../src/sources/tidal/clock.ts';
import { cacheFromCatalog } from '../../../src/sources/tidal/memory-cache.ts';
import { createRateLimiter } from '../../../src/sources/tidal/rate-limit.ts';
import { createTidalSource, type TidalSourceOptions } from '../../../src/sources/tidal/source.ts';
import type { Catalog, Source } from '../../../src/types.ts';
import {
  buildLibrary,
  type FakeTidal,
  type FakeTidalOptions,
  fakeTokens,
  type LibrarySpec,
  startFakeTidal,
} from '../../helpers/fake-tidal.ts';
import { memoryLog, never } from './setup.ts';

let server: FakeTidal;
afterEach(async () => {
  await server?.close();
});

// 6 playlists: 4 of the user's (the first also favourited), 2 of someone else's in the collection; a video
// after every 7th track entry; some tracks in several playlists.
const SPEC: LibrarySpec = {
  playlists: 6,
  entries: 130,
  uniqueTracks: 90,
  foreignFavorites: 2,
  ownFavorites: 1,
  videoEvery: 7,
};

async function setup(
  spec: LibrarySpec = SPEC,
  fake: FakeTidalOptions = {},
  source: Partial<TidalSourceOptions> = {},
): Promise<{ source: Source; log: ReturnType<typeof memoryLog>; tokens: ReturnType<typeof fakeTokens> }> {
  server = await startFakeTidal({ data: buildLibrary(spec), ...fake });
  const log = memoryLog();
  const tokens = fakeTokens(server);
  return {
    log,
    tokens,
    source: createTidalSource({
      apiUrl: server.url,
      tokens,
      limiter: createRateLimiter({ clock: virtualClock() }),
      maxRetries: 2,
      log,
      random: () => 0.5,
      ...source,
    }),
  };
}

const pages = (n: number) => Math.max(1, Math.ceil(n / 20));
const uniqueTrackIds = () =>
  new Set(
    server.data.playlists.flatMap((p) => p.entries.filter((e) => e.type === 'tracks').map((e) => e.id)),
  );
const itemPages = () => server.data.playlists.reduce((sum, p) => sum + pages(p.entries.length), 0);

describe('createTidalSource: a first observation', () => {
  it('produces the catalogue: owned and favourited playlists merged by id, videos skipped', async () => {
    const { source } = await setup();
    const catalog = await source.observe(never);
    const data = server.data;

    expect(catalog.playlists.map((p) => p.id)).toEqual(data.playlists.map((p) => p.id));
    expect(catalog.playlists.map((p) => [p.owned, p.favorite])).toEqual([
      [true, true],
      [true, false],
      [true, false],
      [true, false],
      [false, true],
      [false, true],
    ]);
    for (const [i, p] of catalog.playlists.entries()) {
      const fake = data.playlists[i]!;
      const tracks = fake.entries.filter((e) => e.type === 'tracks');
      expect(fake.entries.length).toBeGreaterThan(tracks.length); // the videos are there…
      expect(p.items).toEqual(tracks.map((e) => e.id)); // …and skipped
      expect(p.entries).toEqual(tracks.map((e) => ({ trackId: e.id, itemId: e.itemId, addedAt: e.addedAt })));
      expect(p).toMatchObject({
        name: fake.name,
        lastModifiedAt: fake.lastModifiedAt,
        expectedItems: tracks.length,
      });
      expect(p.shortRead).toBeUndefined();
      expect(p.description).toBe(fake.description);
    }
    expect([...catalog.tracks.keys()].sort()).toEqual([...uniqueTrackIds()].sort());
  });

  it('maps track metadata from the bulk answer', async () => {
    const { source } = await setup();
    const catalog = await source.observe(never);
    // Track 0: two artists, no version, bpm 118, key C MINOR; track 4: no bpm.
    expect(catalog.tracks.get('100000000')).toEqual({
      id: '100000000',
      title: 'Track 0',
      artists: ['Artist 0', 'Artist 1'],
      album: 'Album 0',
      isrc: 'NOA1R2500000',
      durationSeconds: 180,
      bpm: 118,
      key: 'C',
      keyScale: 'MINOR',
      camelot: '5A',
      releaseDate: '1990-01-10',
      copyright: '℗ 1990 Label 0',
      explicit: true,
      popularity: 0,
    });
    expect(catalog.tracks.get('100000001')).toMatchObject({ version: 'Extended Mix', key: 'CSharp' });
    expect('bpm' in catalog.tracks.get('100000004')!).toBe(false);
  });

  it('costs /users/me, the listing pages, the entry pages and one request per 20 unique tracks', async () => {
    const { source } = await setup();
    await source.observe(never);
    expect(server.count('me')).toBe(1);
    expect(server.count('ownPlaylists')).toBe(1);
    expect(server.count('favorites')).toBe(1);
    expect(server.count('items')).toBe(itemPages());
    expect(server.count('tracks')).toBe(pages(uniqueTrackIds().size));
    expect(server.count()).toBe(3 + itemPages() + pages(uniqueTrackIds().size));
    expect(source.stats!()).toEqual({ requests: server.count(), cacheHits: 0, throttled: 0 });
  });

  it("uses the user's country for catalogue calls, or the configured one without asking", async () => {
    const first = await setup();
    await first.source.observe(never);
    const catalogue = server.requests.filter((q) => q.kind === 'items' || q.kind === 'tracks');
    expect(new Set(catalogue.map((q) => q.query.get('countryCode')))).toEqual(new Set(['NO']));
    await server.close();

    const second = await setup(SPEC, {}, { countryCode: 'DE' });
    await second.source.observe(never);
    expect(server.count('me')).toBe(0);
    expect(server.requests.find((q) => q.kind === 'tracks')!.query.get('countryCode')).toBe('DE');
  });

  it('fetches favourites the collection did not include by id', async () => {
    const { source } = await setup(SPEC, { omitFavoriteIncluded: true });
    const catalog = await source.observe(never);
    expect(server.count('playlistsById')).toBe(1);
    expect(catalog.playlists).toHaveLength(6);
    expect(catalog.playlists.filter((p) => p.favorite)).toHaveLength(3);
  });

  it('refreshes an expired token once and carries on', async () => {
    const { source, tokens } = await setup();
    server.expireToken(tokens.current());
    const catalog = await source.observe(never);
    expect(tokens.invalidations).toBe(1);
    expect(server.requests.filter((q) => q.status === 401)).toHaveLength(1);
    expect(catalog.playlists.every((p) => p.shortRead === undefined)).toBe(true);
  });
});

describe('createTidalSource: incremental observation', () => {
  async function twice(change?: () => void): Promise<{ first: Catalog; second: Catalog; source: Source }> {
    const { source } = await setup();
    const first = await source.observe(never);
    change?.();
    server.resetLog();
    const second = await source.observe(never, cacheFromCatalog(first));
    return { first, second, source };
  }

  it('an unchanged library costs only /users/me and the listing pages', async () => {
    const { first, second, source } = await twice();
    expect(server.requests.map((q) => q.kind).sort()).toEqual(['favorites', 'me', 'ownPlaylists']);
    expect(second).toEqual(first);
    expect(source.stats!()).toEqual({ requests: 3, cacheHits: 6 + first.tracks.size, throttled: 0 });
  });

  it('re-reads only a playlist whose lastModifiedAt moved, and fetches no known track', async () => {
    let renamed = '';
    const { second } = await twice(() => {
      renamed = server.data.playlists[2]!.id;
      server.renamePlaylist(renamed, 'Peak Time');
    });
    const items = server.requests.filter((q) => q.kind === 'items');
    expect(new Set(items.map((q) => q.path))).toEqual(
      new Set([`/v2/playlists/${renamed}/relationships/items`]),
    );
    expect(server.count('tracks')).toBe(0);
    expect(second.playlists[2]!.name).toBe('Peak Time');
  });

  it('fetches the metadata of new tracks only', async () => {
    const { second } = await twice(() => {
      const id = '100000500';
      server.data.tracks.set(id, { ...server.data.tracks.get('100000000')!, id, title: 'Fresh' });
      server.addItems(server.data.playlists[1]!.id, [id]);
    });
    const tracks = server.requests.filter((q) => q.kind === 'tracks');
    expect(tracks.map((q) => q.query.getAll('filter[id]'))).toEqual([['100000500']]);
    expect(second.tracks.get('100000500')!.title).toBe('Fresh');
    expect(second.playlists[1]!.items.at(-1)).toBe('100000500');
  });

  it('sees removed items', async () => {
    const { first, second } = await twice(() => server.removeItems(server.data.playlists[0]!.id, 3));
    expect(second.playlists[0]!.items.length).toBeLessThan(first.playlists[0]!.items.length);
    expect(second.playlists[0]!.shortRead).toBeUndefined();
  });
});

describe('createTidalSource: short reads', () => {
  it('marks only the playlist whose listing failed midway, with what it read and what it expected', async () => {
    const { source } = await setup();
    const broken = server.data.playlists[1]!;
    server.fault({
      status: 500,
      times: Infinity,
      match: (q) => q.path.includes(broken.id) && q.query.has('page[cursor]'),
    });
    const catalog = await source.observe(never);
    const p = catalog.playlists[1]!;
    expect(p.shortRead).toMatch(/^listing stopped after 20 of \d+ items: .*500/);
    expect(p.items.length).toBeLessThan(p.expectedItems!);
    expect(catalog.playlists.filter((x) => x.shortRead !== undefined)).toHaveLength(1);
    expect(catalog.tracks.size).toBeGreaterThan(0);
  });

  it('marks a playlist whose entry count differs from numberOfItems', async () => {
    const { source } = await setup();
    const stale = server.data.playlists[3]!;
    stale.reportedCount = stale.entries.length + 2;
    const catalog = await source.observe(never);
    expect(catalog.playlists[3]!.shortRead).toMatch(/listed \d+ items but counts \d+/);
    expect(catalog.playlists[3]!.expectedItems).toBe(catalog.playlists[3]!.items.length + 2);
    expect(catalog.playlists.filter((x) => x.shortRead !== undefined)).toHaveLength(1);
  });

  it('does not serve a short-read playlist from the cache next time', async () => {
    const { source } = await setup();
    const broken = server.data.playlists[1]!;
    server.fault({ status: 404, times: 1, match: (q) => q.path.includes(broken.id) });
    const first = await source.observe(never);
    expect(first.playlists[1]!.shortRead).toMatch(/404/);
    server.resetLog();
    const second = await source.observe(never, cacheFromCatalog(first));
    expect(second.playlists[1]!.shortRead).toBeUndefined();
    expect(server.requests.filter((q) => q.kind === 'items').every((q) => q.path.includes(broken.id))).toBe(
      true,
    );
  });

  it('marks the playlists holding tracks whose metadata could not be read', async () => {
    const { source } = await setup();
    server.fault({
      status: 503,
      times: Infinity,
      match: (q) => q.kind === 'tracks' && q.query.getAll('filter[id]').includes('100000000'),
    });
    const catalog = await source.observe(never);
    expect(catalog.tracks.has('100000000')).toBe(false);
    const marked = catalog.playlists.filter((p) => p.shortRead !== undefined);
    expect(marked.length).toBeGreaterThan(0);
    for (const p of catalog.playlists) {
      const holds = p.items.some((id) => !catalog.tracks.has(id));
      expect(p.shortRead !== undefined).toBe(holds);
    }
    expect(marked[0]!.shortRead).toMatch(/metadata of \d+ tracks could not be read/);
  });

  it('leaves an unavailable track out without marking its playlist', async () => {
    const { source, log } = await setup();
    server.data.badTrackIds.add('100000005');
    const catalog = await source.observe(never);
    expect(catalog.tracks.has('100000005')).toBe(false);
    expect(catalog.tracks.size).toBe(uniqueTrackIds().size - 1);
    expect(catalog.playlists.every((p) => p.shortRead === undefined)).toBe(true);
    expect(log.lines.some((l) => l.includes('1 tracks are not available') && l.includes('100000005'))).toBe(
      true,
    );
  });
});

describe('createTidalSource: failures of the whole run', () => {
  it('fails observe() when the playlist listing cannot be read', async () => {
    const { source } = await setup();
    server.fault({ status: 500, times: Infinity, match: (q) => q.kind === 'ownPlaylists' });
    await expect(source.observe(never)).rejects.toMatchObject({ name: 'SourceError', retryable: true });
  });

  it('stops when aborted', async () => {
    const { source } = await setup();
    server.fault({ delayMs: 2000, times: Infinity, match: (q) => q.kind === 'items' });
    const ctl = new AbortController();
    const pending = source.observe(ctl.signal);
    setTimeout(() => ctl.abort(new Error('stop')), 50);
    await expect(pending).rejects.toThrow('stop');
  });

  it('counts the 429s it met', async () => {
    const { source } = await setup();
    server.fault({ status: 429, retryAfter: '2', times: 3, match: (q) => q.kind === 'items' });
    const catalog = await source.observe(never);
    expect(catalog.playlists.every((p) => p.shortRead === undefined)).toBe(true);
    expect(source.stats!().throttled).toBe(3);
  });
});
