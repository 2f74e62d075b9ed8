// Property: for random catalogues and random sequences of source changes, every reconcile leaves a library
// where links resolve and are relative, each track has one real file, each folder and .m3u8 matches its
// playlist, and the next plan is empty. Run on a real temp dir in each link mode.

import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import type { Catalog, LinkMode, SourcePlaylist, Track } from '../../src/types.ts';
import { desiredFor, fakeDownloader, mutableSource, testDeps } from '../helpers/builders.ts';
import { checkLibrary } from '../helpers/invariants.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
const base = makeTempDir('cratesync-prop-');
afterAll(() => removeTempDir(base));

// A small pool with collisions on purpose: t6 and t7 differ only by case, t8 shares t1's name.
const TRACKS: Track[] = [
  ...Array.from({ length: 7 }, (_, i) => ({
    id: `t${i}`,
    title: `Song ${i}`,
    artists: [`Artist ${i % 3}`],
    durationSeconds: 180 + i,
  })),
  { id: 't7', title: 'song 6', artists: ['artist 0'], durationSeconds: 200 },
  { id: 't8', title: 'Song 1', artists: ['Artist 1'], durationSeconds: 201 },
  { id: 't9', title: 'Café / Night', artists: ['Zoë'], durationSeconds: 202 },
];
const NAMES = ['Deep House', 'deep house', 'Minimal', 'Disco', 'Café', 'Sunday ☀️'];

const trackId = fc.constantFrom(...TRACKS.map((t) => t.id));
const playlist = (id: string) =>
  fc
    .record({ name: fc.constantFrom(...NAMES), items: fc.array(trackId, { maxLength: 6 }) })
    .map((p): SourcePlaylist => ({ id, ...p }));

type Change =
  | { kind: 'add'; p: number; t: string; at: number }
  | { kind: 'remove'; p: number; at: number }
  | { kind: 'reorder'; p: number; seed: number }
  | { kind: 'moveTrack'; from: number; to: number; at: number }
  | { kind: 'addPlaylist'; name: string; items: string[] }
  | { kind: 'removePlaylist'; p: number }
  | { kind: 'rename'; p: number; name: string };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), p: fc.nat(), t: trackId, at: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), p: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('reorder' as const), p: fc.nat(), seed: fc.nat() }),
  fc.record({ kind: fc.constant('moveTrack' as const), from: fc.nat(), to: fc.nat(), at: fc.nat() }),
  fc.record({
    kind: fc.constant('addPlaylist' as const),
    name: fc.constantFrom(...NAMES),
    items: fc.array(trackId, { maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('removePlaylist' as const), p: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), p: fc.nat(), name: fc.constantFrom(...NAMES) }),
);

let nextPlaylistId = 100;
function applyChange(c: Catalog, ch: Change): Catalog {
  const playlists = c.playlists.map((p) => ({ ...p, items: [...p.items] }));
  const pick = (n: number) => (playlists.length === 0 ? undefined : playlists[n % playlists.length]);
  switch (ch.kind) {
    case 'add': {
      const p = pick(ch.p);
      p?.items.splice(ch.at % (p.items.length + 1), 0, ch.t);
      break;
    }
    case 'remove': {
      const p = pick(ch.p);
      if (p && p.items.length > 0) p.items.splice(ch.at % p.items.length, 1);
      break;
    }
    case 'reorder': {
      const p = pick(ch.p);
      if (p)
        p.items = p.items
          .map((t, i) => ({ t, k: (i * 7919 + ch.seed) % 101 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.t);
      break;
    }
    case 'moveTrack': {
      const from = pick(ch.from);
      const to = pick(ch.to);
      if (from && to && from.items.length > 0)
        to.items.push(...from.items.splice(ch.at % from.items.length, 1));
      break;
    }
    case 'addPlaylist':
      playlists.push({ id: `p${nextPlaylistId++}`, name: ch.name, items: ch.items });
      break;
    case 'removePlaylist':
      if (playlists.length > 0) playlists.splice(ch.p % playlists.length, 1);
      break;
    case 'rename': {
      const p = pick(ch.p);
      if (p) p.name = ch.name;
      break;
    }
  }
  return { playlists, tracks: c.tracks };
}

describe.each(['symlink', 'hardlink', 'copy'] as LinkMode[])('convergence in %s mode', (links) => {
  it('every reconcile converges and the next plan is empty', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.nat(), { minLength: 1, maxLength: 4 })
          .chain((ids) =>
            fc.tuple(fc.tuple(...ids.map((_, i) => playlist(`p${i}`))), fc.array(change, { maxLength: 5 })),
          ),
        async ([initial, changes]) => {
          const root = `${base}/${links}-${run++}`;
          let catalog: Catalog = { playlists: initial, tracks: new Map(TRACKS.map((t) => [t.id, t])) };
          const src = mutableSource(catalog);
          const desired = desiredFor(root, { layout: { links } });
          const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
          for (const step of [undefined, ...changes]) {
            if (step) catalog = applyChange(catalog, step);
            src.set(catalog);
            const result = await reconcile(desired, deps, { retryDelayMs: 0 });
            expect(result.status, JSON.stringify(result.summary.errors)).toBe('completed');
            if (catalog.playlists.every((p) => p.items.length === 0) && result.firstPass.unsafe) {
              // An empty listing where the library had content is never read as "delete everything".
              expect(
                result.outcomes.filter((o) => o.action.type === 'remove' && o.status === 'applied'),
              ).toEqual([]);
              continue;
            }
            expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
            const again = await planOnly(desired, deps);
            expect(again.actions).toEqual([]);
          }
          fs.rmSync(root, { recursive: true, force: true });
        },
      ),
      { numRuns: Number(process.env.CRATESYNC_PROPERTY_RUNS ?? 40) },
    );
  });
});
