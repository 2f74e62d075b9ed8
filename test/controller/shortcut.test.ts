// The converged shortcut answers "nothing to do" only while nothing it depends on has changed.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import { catalogOf, desiredFor, fakeDownloader, mutableSource, testDeps } from '../helpers/builders.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let root: string;
beforeEach(() => {
  root = makeTempDir();
});
afterEach(() => removeTempDir(root));

async function setup() {
  const src = mutableSource(catalogOf({ A: ['t1', 't2'], B: ['t2', 't3'] }), { fingerprint: true });
  const clock = { t: Date.UTC(2026, 0, 1) };
  const dl = fakeDownloader(realFs);
  const desired = desiredFor(root);
  const deps = testDeps(realFs, src.source, dl, clock);
  const first = await reconcile(desired, deps, { retryDelayMs: 0 });
  expect(first.status).toBe('completed');
  return { src, clock, dl, desired, deps };
}

describe('converged shortcut', () => {
  it('answers an unchanged library without observing, and records the run', async () => {
    const { desired, deps } = await setup();
    let observed = 0;
    const counting = {
      ...deps,
      source: {
        ...deps.source,
        observe: async (s: AbortSignal) => {
          observed++;
          return deps.source.observe(s);
        },
      },
    };
    const plan = await planOnly(desired, counting);
    expect(plan.shortcut).toBe(true);
    expect(plan.actions).toEqual([]);
    const run = await reconcile(desired, counting);
    expect(run.firstPass.shortcut).toBe(true);
    expect(run.summary.entries).toBe(4);
    expect(observed).toBe(0);
    expect(run.eventId).toBe(2);
    // --full looks anyway and agrees.
    const full = await planOnly(desired, counting, { full: true });
    expect(full.shortcut).toBeUndefined();
    expect(full.actions).toEqual([]);
    expect(observed).toBe(1);
  });

  it('is off as soon as a file or link in a playlist folder is deleted, added or an m3u8 is edited', async () => {
    const { desired, deps } = await setup();
    fs.unlinkSync(`${root}/Playlists/B/Artist t2 - Song t2.mp3`);
    let plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.actions.map((a) => a.type)).toEqual(['link']);
    await reconcile(desired, deps);

    fs.writeFileSync(`${root}/Playlists/A/mine.txt`, 'x');
    plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.plans[0]!.skipped.map((s) => s.code)).toEqual(['foreign']);
    await reconcile(desired, deps);
    // Converged again with the foreign file: the shortcut comes back and still reports it.
    plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBe(true);
    expect(plan.plans[0]!.skipped.map((s) => s.code)).toEqual(['foreign']);

    fs.appendFileSync(`${root}/Playlists/A.m3u8`, '# edited\n');
    plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.actions.map((a) => a.type)).toEqual(['writeFile']);
  });

  it('is off when the source or library.yaml changes', async () => {
    const { src, desired, deps } = await setup();
    src.set(catalogOf({ A: ['t1', 't2'], B: ['t3', 't2'] }));
    let plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.actions.map((a) => a.type)).toEqual(['writeFile']);
    await reconcile(desired, deps);
    expect((await planOnly(desired, deps)).shortcut).toBe(true);
    plan = await planOnly({ ...desired, layout: { ...desired.layout, filename: '{title}' } }, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.actions.some((a) => a.type === 'move')).toBe(true);
  });

  it('is not recorded while prune.maxDeletions holds removals back for the next run', async () => {
    const src = mutableSource(catalogOf({ A: ['t1', 't2', 't3'], B: ['t4'] }), { fingerprint: true });
    const desired = desiredFor(root, { prune: { mode: 'trash', maxDeletions: 2 } });
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await reconcile(desired, deps);
    src.set(catalogOf({ B: ['t4'] }));
    const capped = await reconcile(desired, deps);
    expect(capped.summary.held['deletion-cap']).toBeGreaterThan(0);
    const next = await planOnly(desired, deps);
    expect(next.shortcut).toBeUndefined();
    expect(next.actions.some((a) => a.type === 'remove')).toBe(true);
  });

  it('is off once a failed download is due for its retry', async () => {
    const src = mutableSource(catalogOf({ A: ['t1', 't2'] }), { fingerprint: true });
    const clock = { t: Date.UTC(2026, 0, 1) };
    const failIds = new Set(['t2']);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs, { failIds }), clock);
    await reconcile(desired, deps, { retryDelayMs: 0 });
    await reconcile(desired, deps, { retryDelayMs: 0 });
    expect((await planOnly(desired, deps)).shortcut).toBe(true);
    clock.t += 6 * 60_000;
    failIds.clear();
    const plan = await planOnly(desired, deps);
    expect(plan.shortcut).toBeUndefined();
    expect(plan.actions.map((a) => a.type)).toContain('download');
  });
});
