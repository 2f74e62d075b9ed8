// `node --import tsx bench/tidal.ts`: the TIDAL source against the fake server with 50 playlists, 5,000
// entries and 3,500 unique tracks. Prints the requests of a first observation (target: /users/me + listing
// pages + entry pages + ⌈unique tracks / 20⌉) and of a second one with nothing changed (target: /users/me +
// listing pages), and the wall time of each under the default limiter (1 request/s, burst 2). Each observe
// gets its own source and limiter, as two cratesync runs would.
//
// The limiter runs on a virtual clock by default, so its waits cost no real time while the figure still
// counts them (plus the real work in between); CRATESYNC_BENCH_REAL=1 waits for real (about 7 minutes).
// Prints figures; never passes or fails.

import { type Clock, realClock, virtualClock } from '../src/sources/tidal/clock.ts';
import { cacheFromCatalog } from '../src/sources/tidal/memory-cache.ts';
import { createRateLimiter } from '../src/sources/tidal/rate-limit.ts';
import { createTidalSource } from '../src/sources/tidal/source.ts';
import type { Catalog, ObservationCache, Source, SourceStats } from '../src/types.ts';
import { buildLibrary, fakeTokens, type RequestKind, startFakeTidal } from '../test/helpers/fake-tidal.ts';

const PLAYLISTS = 50;
const ENTRIES = 5000;
const UNIQUE = 3500;
const real = process.env.CRATESYNC_BENCH_REAL === '1';

const data = buildLibrary({
  playlists: PLAYLISTS,
  entries: ENTRIES,
  uniqueTracks: UNIQUE,
  foreignFavorites: 10,
  ownFavorites: 5,
});
const server = await startFakeTidal({ data });
const clock: Clock = real ? realClock : virtualClock(() => performance.now());
const tokens = fakeTokens(server);
const signal = new AbortController().signal;

/** A source as one cratesync process has it: each run starts with a rested limiter. */
function newRun(): Source {
  return createTidalSource({
    apiUrl: server.url,
    tokens,
    limiter: createRateLimiter({ clock, ratePerSecond: 1, burst: 2 }),
  });
}

const pages = (n: number) => Math.max(1, Math.ceil(n / 20));
const ownCount = data.playlists.filter((p) => p.ownerId === data.user.id).length;
const listingPages = pages(ownCount) + pages(data.favorites.length);
const entryPages = data.playlists.reduce((sum, p) => sum + pages(p.entries.length), 0);
const trackBatches = pages(UNIQUE);

interface Figures {
  stats: SourceStats | undefined;
  catalog: Catalog;
  seconds: number;
  realSeconds: number;
  byKind: Record<RequestKind, number>;
  total: number;
}

async function observe(source: Source, cache?: ObservationCache): Promise<Figures> {
  server.resetLog();
  const t0 = clock.now();
  const r0 = performance.now();
  const catalog = await source.observe(signal, cache);
  const kinds: RequestKind[] = [
    'me',
    'ownPlaylists',
    'favorites',
    'playlistsById',
    'items',
    'tracks',
    'other',
  ];
  const byKind = Object.fromEntries(kinds.map((k) => [k, server.count(k)])) as Record<RequestKind, number>;
  return {
    stats: source.stats?.(),
    catalog,
    seconds: (clock.now() - t0) / 1000,
    realSeconds: (performance.now() - r0) / 1000,
    byKind,
    total: server.count(),
  };
}

function report(label: string, f: Figures, target: number, formula: string): void {
  const k = f.byKind;
  const entries = f.catalog.playlists.reduce((sum, p) => sum + p.items.length, 0);
  console.log(`${label}`);
  console.log(
    `  requests    ${f.total} (target ${target} = ${formula}) ${f.total === target ? 'on target' : 'OFF TARGET'}`,
  );
  console.log(
    `  by kind     me ${k.me} · own listing ${k.ownPlaylists} · favourites ${k.favorites} · by id ${k.playlistsById}` +
      ` · entry pages ${k.items} · track batches ${k.tracks} · other ${k.other}`,
  );
  console.log(
    `  catalogue   ${f.catalog.playlists.length} playlists · ${entries} entries · ${f.catalog.tracks.size} tracks`,
  );
  console.log(
    `  wall time   ${f.seconds.toFixed(1)} s at 1 request/s${real ? '' : ` (virtual clock; ${f.realSeconds.toFixed(2)} s real)`}`,
  );
  console.log(`  stats()     ${JSON.stringify(f.stats)}`);
}

try {
  console.log(
    `cratesync TIDAL bench: ${PLAYLISTS} playlists (${ownCount} own, ${data.favorites.length} in the collection), ` +
      `${ENTRIES} entries, ${UNIQUE} unique tracks`,
  );
  const first = await observe(newRun());
  report(
    'first observe',
    first,
    1 + listingPages + entryPages + trackBatches,
    `1 /users/me + ${listingPages} listing pages + ${entryPages} entry pages + ${trackBatches} track batches`,
  );
  const second = await observe(newRun(), cacheFromCatalog(first.catalog));
  report(
    'second observe, nothing changed',
    second,
    1 + listingPages,
    `1 /users/me + ${listingPages} listing pages`,
  );
} finally {
  await server.close();
}
