// exports.rekordbox through reconcile: one collection entry per real file (never a link), base and child
// playlists under one folder node, rewritten only when it changes, removed when no longer configured.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import type { Fs } from '../../src/io/fs.ts';
import { pathOfLocation } from '../../src/reconcilers/rekordbox/location.ts';
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
import { attr, child, children, parseXml } from '../reconcilers/rekordbox/parse-xml.ts';

const realFs = fs as unknown as Fs;
let root: string;
beforeEach(() => {
  root = makeTempDir();
});
afterEach(() => removeTempDir(root));

const withBpm = (id: string, bpm: number, title?: string): Track => ({ ...track(id, title), bpm });

function library(extra: string): DesiredState {
  const text = `version: 1\nsource: { provider: demo }\nroot: ./music\nplaylists: [ { select: all } ]\n${extra}`;
  const loaded = loadDesiredStateFromText(text, `${root}/library.yaml`);
  return desiredFor(root, { exports: loaded.exports, children: loaded.children });
}

describe('Rekordbox export', () => {
  it('lists each real file once with its playlists and children, and is rewritten only when it changes', async () => {
    const tracks = [withBpm('t1', 120, 'Café & "Co" #1'), withBpm('t2', 128), withBpm('t3', 121)];
    const src = mutableSource(catalogOf({ 'Deep House': ['t1', 't2'], Minimal: ['t2', 't3'] }, tracks));
    const desired = library(
      'exports: { rekordbox: { folder: cratesync } }\nchildren:\n  - name: Warm-up\n    from: [Deep House, Minimal]\n    where: { bpm: ..124 }\n',
    );
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await reconcile(desired, deps);

    const doc = parseXml(fs.readFileSync(`${root}/rekordbox.xml`, 'utf8'));
    const collection = child(doc.root, 'COLLECTION');
    const entries = children(collection, 'TRACK');
    expect(attr(collection, 'Entries')).toBe('3');
    expect(entries.length).toBe(3);
    for (const e of entries) {
      const file = pathOfLocation(attr(e, 'Location'));
      expect(fs.lstatSync(file).isFile()).toBe(true); // the real file, not a link
    }
    expect(entries.map((e) => attr(e, 'Name'))).toContain('Café & "Co" #1');
    const folder = child(child(doc.root, 'PLAYLISTS'), 'NODE').children[0]!;
    expect(attr(folder, 'Name')).toBe('cratesync');
    expect(folder.children.map((n) => [attr(n, 'Name'), attr(n, 'Entries')])).toEqual([
      ['Deep House', '2'],
      ['Minimal', '2'],
      ['Warm-up', '2'],
    ]);

    const again = await planOnly(desired, deps);
    expect(again.actions).toEqual([]);

    // A base change rewrites it; TrackIDs stay the same.
    const ids = entries.map((e) => attr(e, 'TrackID')).sort();
    src.set(catalogOf({ 'Deep House': ['t1', 't2'], Minimal: ['t3', 't2'] }, tracks));
    const changed = await reconcile(desired, deps);
    expect(
      changed.outcomes.some((o) => o.action.type === 'writeFile' && o.action.path === 'rekordbox.xml'),
    ).toBe(true);
    const after = children(
      child(parseXml(fs.readFileSync(`${root}/rekordbox.xml`, 'utf8')).root, 'COLLECTION'),
      'TRACK',
    );
    expect(after.map((e) => attr(e, 'TrackID')).sort()).toEqual(ids);
  });

  it('leaves a file of the user alone and removes its own export when it is no longer configured', async () => {
    const src = mutableSource(catalogOf({ A: ['t1'] }));
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    fs.writeFileSync(`${root}/mine.xml`, 'mine');
    const foreign = library('exports: { rekordbox: { path: mine.xml } }\n');
    const run = await reconcile(foreign, deps);
    expect(fs.readFileSync(`${root}/mine.xml`, 'utf8')).toBe('mine');
    expect(run.summary.held.foreign).toBe(1);

    await reconcile(library('exports: { rekordbox: { path: DJ/export.xml } }\n'), deps);
    expect(fs.existsSync(`${root}/DJ/export.xml`)).toBe(true);
    const without = library('');
    await reconcile(without, deps);
    expect(fs.existsSync(`${root}/DJ/export.xml`)).toBe(false);
    expect((await planOnly(without, deps)).actions).toEqual([]);
  });
});
