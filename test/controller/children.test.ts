// Child playlists on disk: a folder of links to the base playlists' real files (never a second real file)
// and a playlist file in the child's order, following the bases as they change.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import type { Fs } from '../../src/io/fs.ts';
import type { DesiredState, Track } from '../../src/types.ts';
import {
  catalogOf,
  desiredFor,
  fakeDownloader,
  mutableSource,
  testDeps,
  track,
} from '../helpers/builders.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let root: string;
beforeEach(() => {
  root = makeTempDir();
});
afterEach(() => removeTempDir(root));

const withBpm = (id: string, bpm: number): Track => ({ ...track(id), bpm });

function childrenFrom(yaml: string): DesiredState['children'] {
  const text = `version: 1\nsource: { provider: demo }\nroot: ./music\nplaylists: [ { select: all } ]\n${yaml}`;
  return loadDesiredStateFromText(text, `${root}/library.yaml`).children;
}

const WARMUP = `children:
  - name: Warm-up
    from: [A, B]
    where: { bpm: 118..122 }
    sort: [bpm+]
`;

describe('child playlists', () => {
  it('materialise as links in the child order, follow the bases, and go when removed', async () => {
    const tracks = [withBpm('t1', 120), withBpm('t2', 125), withBpm('t3', 119), withBpm('t4', 121)];
    const src = mutableSource(catalogOf({ A: ['t1', 't2', 't3'], B: ['t3', 't4'] }, tracks));
    let desired = desiredFor(root, { children: childrenFrom(WARMUP) });
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await reconcile(desired, deps);

    const child = `${root}/Playlists/Warm-up`;
    const entries = fs.readdirSync(child).sort();
    expect(entries).toEqual([
      'Artist t1 - Song t1.mp3',
      'Artist t3 - Song t3.mp3',
      'Artist t4 - Song t4.mp3',
    ]);
    for (const e of entries) expect(fs.lstatSync(`${child}/${e}`).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(`${child}/Artist t4 - Song t4.mp3`)).toBe('../B/Artist t4 - Song t4.mp3');
    const m3u = fs
      .readFileSync(`${root}/Playlists/Warm-up.m3u8`, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('.mp3'));
    expect(m3u).toEqual([
      'Warm-up/Artist t3 - Song t3.mp3',
      'Warm-up/Artist t1 - Song t1.mp3',
      'Warm-up/Artist t4 - Song t4.mp3',
    ]);
    expect((await planOnly(desired, deps)).actions).toEqual([]);

    // A base changes: t2 now fits, so the child gains a link; no file is downloaded twice.
    src.set(
      catalogOf({ A: ['t1', 't2', 't3'], B: ['t3', 't4'] }, [
        ...tracks.slice(0, 1),
        withBpm('t2', 121),
        ...tracks.slice(2),
      ]),
    );
    await reconcile(desired, deps);
    expect(fs.readdirSync(child).length).toBe(4);
    expect((await planOnly(desired, deps)).actions).toEqual([]);

    // Removed from library.yaml: its folder and playlist file go; the real files stay.
    desired = desiredFor(root);
    await reconcile(desired, deps);
    expect(fs.existsSync(child)).toBe(false);
    expect(fs.existsSync(`${root}/Playlists/Warm-up.m3u8`)).toBe(false);
    expect(fs.lstatSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`).isFile()).toBe(true);
    expect((await planOnly(desired, deps)).actions).toEqual([]);
  });

  it('a child named like a base playlist, or taking from one that is missing, is a config error', async () => {
    const src = mutableSource(catalogOf({ A: ['t1'], B: ['t2'] }));
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    const named = desiredFor(root, { children: childrenFrom('children:\n  - name: A\n    from: [B]\n') });
    await expect(reconcile(named, deps)).rejects.toThrow(/library\.yaml:6:\d+: .*"A"/);
    const missing = desiredFor(root, {
      children: childrenFrom('children:\n  - name: C\n    from: [Nope]\n'),
    });
    await expect(reconcile(missing, deps)).rejects.toThrow(/library\.yaml:7:\d+: .*Nope/);
  });
});
