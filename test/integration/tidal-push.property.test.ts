// Property: for random sequences of changes to the base playlists on TIDAL (entries removed, added, moved),
// and random edits by the user to the pushed playlists themselves, every reconcile leaves each pushed TIDAL
// playlist holding exactly its child's tracks in order, and a second reconcile makes no write at all.
// Runs against the fake TIDAL server on 127.0.0.1.

import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSource } from '../../src/controller/deps.ts';
import { reconcile } from '../../src/controller/reconcile.ts';
import { evaluateChildren, toBaseInput } from '../../src/desired/filters/index.ts';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import type { Fs } from '../../src/io/fs.ts';
import { isManaged } from '../../src/sources/tidal/push/marker.ts';
import type { DesiredState } from '../../src/types.ts';
import { desiredFor, fakeDownloader, testDeps } from '../helpers/builders.ts';
import {
  buildLibrary,
  type FakeTidal,
  startFakeTidal,
  tidalEnv,
  UNTHROTTLED,
} from '../helpers/fake-tidal.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
const CHILDREN = `
  - name: Warm-up
    from: [Crate 0, Crate 1]
    where: { bpm: 118..122 }
    sort: [bpm+]
    push: tidal
  - name: Only Two
    from: [Crate 2]
    except: [Crate 0]
    push: tidal
  - name: First Seven
    from: [Crate 0, Crate 2]
    limit: 7
    push: tidal`;
const POOL = 40;

type Change =
  | { kind: 'remove'; p: number; at: number }
  | { kind: 'add'; p: number; t: number; at: number }
  | { kind: 'move'; p: number; from: number; to: number }
  /** The user edits a pushed playlist on TIDAL: drops its first entry, or adds a track. */
  | { kind: 'drift'; child: number; add?: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), p: fc.nat(2), at: fc.nat(60) }),
  fc.record({ kind: fc.constant('add' as const), p: fc.nat(2), t: fc.nat(POOL - 1), at: fc.nat(60) }),
  fc.record({ kind: fc.constant('move' as const), p: fc.nat(2), from: fc.nat(60), to: fc.nat(60) }),
  fc.record({
    kind: fc.constant('drift' as const),
    child: fc.nat(2),
    add: fc.option(fc.nat(POOL - 1), { nil: undefined }),
  }),
);

const trackIdOf = (t: number) => String(100_000_000 + t);

async function withWorld(check: (server: FakeTidal, root: string) => Promise<void>): Promise<void> {
  const root = makeTempDir('cratesync-push-prop-');
  // 30 tracks in three crates; the pool's other ten are on TIDAL but in no playlist yet.
  const data = buildLibrary({ playlists: 3, entries: 45, uniqueTracks: POOL });
  for (const p of data.playlists) p.entries = p.entries.filter((e) => Number(e.id) < 100_000_030);
  const server = await startFakeTidal({
    data,
    headers: UNTHROTTLED,
  });
  try {
    await check(server, root);
  } finally {
    await server.close();
    removeTempDir(root);
  }
}

function libraryAt(root: string): DesiredState {
  const text = `version: 1
source: { provider: tidal, tidal: { countryCode: NO } }
root: ./lib
playlists: [ { select: owned } ]
children:${CHILDREN}
`;
  const loaded = loadDesiredStateFromText(text, `${root}/library.yaml`);
  return desiredFor(`${root}/lib`, {
    source: loaded.source,
    playlists: loaded.playlists,
    children: loaded.children,
  });
}

function applyChange(server: FakeTidal, c: Change): void {
  const mine = server.data.playlists.filter((p) => isManaged(p.description));
  if (c.kind === 'drift') {
    const p = mine[c.child % Math.max(1, mine.length)];
    if (!p) return;
    if (c.add !== undefined) server.addItems(p.id, [trackIdOf(c.add)]);
    else if (p.entries.length > 0) server.removeItems(p.id, p.entries.length);
    return;
  }
  const p = server.data.playlists.find((x) => x.name === `Crate ${c.p}`)!;
  const n = p.entries.length;
  if (c.kind === 'remove' && n > 0) p.entries.splice(c.at % n, 1);
  else if (c.kind === 'add') {
    server.addItems(p.id, [trackIdOf(c.t)]);
    const added = p.entries.pop()!;
    p.entries.splice(c.at % (n + 1), 0, added);
  } else if (c.kind === 'move' && n > 0) {
    const [e] = p.entries.splice(c.from % n, 1);
    p.entries.splice(c.to % n, 0, e!);
  }
  server.touch(p.id);
}

/** Each child as cratesync's own evaluation computes it from what TIDAL holds now. */
async function expectedChildren(
  desired: DesiredState,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string[]>> {
  const catalog = await createSource(desired, realFs, env).observe(new AbortController().signal);
  const bases = catalog.playlists.filter((p) => !isManaged(p.description)).map((p) => toBaseInput(p));
  const evaluated = evaluateChildren(desired.children, { bases, tracks: catalog.tracks, now: Date.now() });
  return new Map(evaluated.map((c) => [c.name, c.trackIds]));
}

describe('push: tidal convergence (property)', () => {
  it('every run leaves each pushed playlist equal to its child, and the next run writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(change, { maxLength: 5 }), { minLength: 1, maxLength: 3 }),
        (steps) =>
          withWorld(async (server, root) => {
            const env = tidalEnv(server, `${root}/config`);
            const desired = libraryAt(root);
            const run = () =>
              reconcile(
                desired,
                testDeps(realFs, createSource(desired, realFs, env), fakeDownloader(realFs)),
                {
                  retryDelayMs: 0,
                },
              );
            for (const step of [[], ...steps]) {
              for (const c of step) applyChange(server, c);
              const result = await run();
              expect(result.status, result.error ?? result.summary.errors.join('; ')).toBe('completed');
              const expected = await expectedChildren(desired, env);
              for (const [name, ids] of expected) {
                const remote = server.data.playlists.filter(
                  (p) => p.name === name && isManaged(p.description),
                );
                expect(remote, name).toHaveLength(1);
                expect(
                  remote[0]!.entries.map((e) => e.id),
                  name,
                ).toEqual(ids);
              }
              server.resetLog();
              const again = await run();
              expect(again.summary.planned).toBe(0);
              expect(server.count('writes')).toBe(0);
            }
          }),
      ),
      { numRuns: process.env.CI ? 10 : 15 },
    );
  }, 180_000);
});
