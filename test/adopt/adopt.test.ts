// Adopting an existing library end to end, on a real temporary folder with real tagged audio files:
// a tidal-dl-ng style tree (one folder per playlist, the same song copied into several), renamed and
// untagged files, a lossy copy of a FLAC, an unrelated file and an Extended Mix beside the Original Mix
// the playlists hold. After adopt and one reconcile nothing that matched is downloaded again.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptWithCatalog, autoAdopt, runAdoption } from '../../src/adopt/run.ts';
import { walkAudio } from '../../src/adopt/scan.ts';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import { fileTagReader, type TagReader } from '../../src/io/audio-tags.ts';
import { nodeFsPort } from '../../src/io/fs.ts';
import { createFileSource } from '../../src/sources/file.ts';
import { openStore } from '../../src/state/store.ts';
import type { DesiredState, LinkMode } from '../../src/types.ts';
import { desiredFor, fakeDownloader, testDeps } from '../helpers/builders.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import { flac, listTree, m4a, mp3, synth, writeTree } from './audio-fixtures.ts';

const TRACKS = {
  // Synth-downloaded (SOURCE_ID tag), copied into three playlist folders.
  '90000001': { title: 'Lumen', artists: ['Ava Stone'], durationSeconds: 250, isrc: 'GBAAA2600001' },
  // A FLAC with tidal-dl-ng's URL tag, and a lossy MP3 of it elsewhere (tags only, no id).
  '90000002': { title: 'Tides', artists: ['Ben Ito'], durationSeconds: 10, isrc: 'GBAAA2600002' },
  // Tagged by artist/title/version; a renamed byte-identical copy in another folder.
  '90000003': { title: 'Sunrise', version: 'Original Mix', artists: ['Kai Moreno'], durationSeconds: 12 },
  // Renamed by hand, tagged with an ISRC only.
  '90000004': { title: 'Harbour Lights', artists: ['Cleo Marsh'], durationSeconds: 8, isrc: 'GBAAA2600004' },
  // Untagged, named "Artist - Title (Version)".
  '90000005': { title: 'Velvet', version: 'Extended Mix', artists: ['Nadia Ross'], durationSeconds: 9 },
  // M4A whose comment holds a TIDAL URL.
  '90000007': { title: 'Night Drive', version: 'Extended Mix', artists: ['Luna Park'], durationSeconds: 2 },
  // M4A tagged by artist/title.
  '90000006': { title: 'Afterglow', artists: ['Mira Sol'], durationSeconds: 2 },
  // tiddl names files by id; untagged FLAC.
  '90000008': { title: 'Static', artists: ['Otto Vance'], durationSeconds: 5 },
  // Not on disk: the one download of the first reconcile.
  '90000009': { title: 'Missing Piece', artists: ['Nobody Home'], durationSeconds: 200 },
};

const CATALOG = {
  playlists: [
    { id: 'p-deep', name: 'Deep House', items: ['90000001', '90000002', '90000003', '90000005'] },
    { id: 'p-warm', name: 'Warmup', items: ['90000001', '90000003', '90000004', '90000007'] },
    { id: 'p-peak', name: 'Peak', items: ['90000001', '90000006', '90000008', '90000009'] },
  ],
  tracks: TRACKS,
};

const lumen = synth({ id: '90000001', ...TRACKS['90000001'] });
const sunrise = mp3(12, { title: 'Sunrise (Original Mix)', artist: 'Kai Moreno' });
const extendedSunrise = mp3(12, { title: 'Sunrise (Extended Mix)', artist: 'Kai Moreno' });
const memo = mp3(3, { title: 'Voice memo', artist: 'Me' });

/** What a few years of tidal-dl-ng downloads look like. */
function libraryTree(): Record<string, Buffer | string> {
  return {
    'Playlists/Deep House/01. Ava Stone - Lumen.mp3': lumen,
    'Playlists/Warmup/01. Ava Stone - Lumen.mp3': lumen,
    'Playlists/Peak/01. Ava Stone - Lumen.mp3': lumen,
    'Playlists/Deep House/02. Ben Ito - Tides.flac': flac(10, {
      TITLE: 'Tides',
      ARTIST: 'Ben Ito',
      URL: 'https://tidal.com/browse/track/90000002',
    }),
    'Downloads/Ben Ito - Tides.mp3': mp3(10, { title: 'Tides', artist: 'Ben Ito' }),
    'Playlists/Deep House/03. Kai Moreno - Sunrise (Original Mix).mp3': sunrise,
    'Playlists/Warmup/sunrise copy.mp3': sunrise,
    // Same artist, title and length, another version: must stay apart and unadopted.
    'Playlists/Deep House/04. Kai Moreno - Sunrise (Extended Mix).mp3': extendedSunrise,
    'Playlists/Warmup/track07.mp3': mp3(8, { ISRC: 'GBAAA2600004' }),
    'Playlists/Deep House/Nadia Ross - Velvet (Extended Mix).mp3': mp3(9),
    'Playlists/Warmup/05. Luna Park - Night Drive (Extended Mix).m4a': m4a('night-drive-tidal-url.m4a'),
    'Playlists/Peak/Mira Sol - Afterglow.m4a': m4a('afterglow-tagged.m4a'),
    'Playlists/Peak/90000008.flac': flac(5),
    'Downloads/voice memo.mp3': memo,
    'Playlists/Deep House/cover.jpg': 'not audio',
  };
}

let root: string;
let dir: string;

beforeEach(() => {
  dir = makeTempDir('cratesync-adopt-');
  root = path.join(dir, 'music');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(CATALOG));
});
afterEach(() => removeTempDir(dir));

function setup(links: LinkMode = 'symlink', patch: Partial<DesiredState> = {}) {
  const desired = desiredFor(root, {
    source: { provider: 'file', file: { path: path.join(dir, 'catalog.json') } },
    layout: { links },
    ...patch,
  });
  const source = createFileSource(path.join(dir, 'catalog.json'), nodeFsPort);
  const downloader = fakeDownloader(nodeFsPort);
  const clock = { t: Date.UTC(2026, 0, 1) };
  const deps = testDeps(nodeFsPort, source, downloader, clock);
  return { desired, downloader, clock, deps };
}

/** A tag reader that counts the files it reads. */
function countingReader(): TagReader & { calls: string[] } {
  const calls: string[] = [];
  const reader = (async (abs: string, size: number) => {
    calls.push(abs);
    return fileTagReader(abs, size);
  }) as TagReader & { calls: string[] };
  reader.calls = calls;
  return reader;
}

const MATCHED = [
  '90000001',
  '90000002',
  '90000003',
  '90000004',
  '90000005',
  '90000006',
  '90000007',
  '90000008',
];

describe('cratesync adopt', () => {
  it('adopts a tidal-dl-ng tree: one real file per track, copies to the trash, nothing downloaded twice', async () => {
    writeTree(root, libraryTree());
    const memoStat = fs.statSync(path.join(root, 'Downloads/voice memo.mp3'));
    const extendedPath = 'Playlists/Deep House/04. Kai Moreno - Sunrise (Extended Mix).mp3';
    const { desired, downloader, clock, deps } = setup();

    const report = await runAdoption(desired, deps);

    // Matched by the evidence each file carries.
    const by = new Map(report.matched.list.map((m) => [m.path, m]));
    expect(by.get('Playlists/Deep House/01. Ava Stone - Lumen.mp3')).toMatchObject({
      trackId: '90000001',
      evidence: 'id-tag',
    });
    expect(by.get('Playlists/Deep House/02. Ben Ito - Tides.flac')).toMatchObject({
      trackId: '90000002',
      evidence: 'id-tag',
    });
    expect(by.get('Downloads/Ben Ito - Tides.mp3')).toMatchObject({ trackId: '90000002', evidence: 'tags' });
    expect(by.get('Playlists/Warmup/track07.mp3')).toMatchObject({ trackId: '90000004', evidence: 'isrc' });
    expect(by.get('Playlists/Deep House/Nadia Ross - Velvet (Extended Mix).mp3')).toMatchObject({
      trackId: '90000005',
      evidence: 'name',
    });
    expect(by.get('Playlists/Warmup/05. Luna Park - Night Drive (Extended Mix).m4a')).toMatchObject({
      trackId: '90000007',
      evidence: 'id-tag',
    });
    expect(by.get('Playlists/Peak/Mira Sol - Afterglow.m4a')).toMatchObject({
      trackId: '90000006',
      evidence: 'tags',
    });
    expect(by.get('Playlists/Peak/90000008.flac')).toMatchObject({
      trackId: '90000008',
      evidence: 'id-name',
    });
    expect(by.get('Playlists/Warmup/sunrise copy.mp3')).toMatchObject({ trackId: '90000003' });
    expect(report.matched.tracks).toBe(MATCHED.length);
    // The Extended Mix and the voice memo match nothing and stay where they are.
    expect(report.orphans.map((o) => o.path).sort()).toEqual(['Downloads/voice memo.mp3', extendedPath]);
    expect(report.ambiguous).toEqual([]);
    expect(report.downloadsAvoided).toBe(MATCHED.length);
    // Three copies of Lumen, the lossy Tides and the renamed Sunrise copy collapse; the trash holds them.
    expect(report.duplicates.trashed).toBe(4);
    expect(report.bytesFreed).toBe(
      2 * lumen.length + sunrise.length + report.trash.find((t) => t.from.startsWith('Downloads/'))!.bytes,
    );

    // After adopt: every matched track's real file is where the layout wants it, and recorded as ours.
    const tree = listTree(root);
    const expectedPrimaries: Record<string, string> = {
      '90000001': 'Playlists/Deep House/Ava Stone - Lumen.mp3',
      '90000002': 'Playlists/Deep House/Ben Ito - Tides.flac',
      '90000003': 'Playlists/Deep House/Kai Moreno - Sunrise (Original Mix).mp3',
      '90000004': 'Playlists/Warmup/Cleo Marsh - Harbour Lights.mp3',
      '90000005': 'Playlists/Deep House/Nadia Ross - Velvet (Extended Mix).mp3',
      '90000006': 'Playlists/Peak/Mira Sol - Afterglow.m4a',
      '90000007': 'Playlists/Warmup/Luna Park - Night Drive (Extended Mix).m4a',
      '90000008': 'Playlists/Peak/Otto Vance - Static.flac',
    };
    for (const p of Object.values(expectedPrimaries)) expect(tree.get(p)?.type, p).toBe('file');
    const store = await openStore(nodeFsPort, path.join(root, '.cratesync/state.db'));
    const view = store.loadView();
    for (const [id, p] of Object.entries(expectedPrimaries)) {
      expect(view.owned.get(p)).toMatchObject({ kind: 'primary', trackId: id });
      expect(view.tracks.get(id)).toMatchObject({ downloadStatus: 'downloaded', filePath: p });
    }
    const adoptions = store.listAdoptions();
    expect(adoptions.find((a) => a.trackId === '90000004' && a.role === 'primary')).toMatchObject({
      originalPath: 'Playlists/Warmup/track07.mp3',
      path: expectedPrimaries['90000004'],
      evidence: 'isrc',
    });
    expect(adoptions.filter((a) => a.role === 'trashed')).toHaveLength(4);
    store.close();

    // The trash holds the replaced copies, under their old paths.
    const trashRoot = path.join(root, '.cratesync/trash');
    const trashed = listTree(trashRoot);
    const trashedFiles = [...trashed]
      .filter(([, e]) => e.type === 'file')
      .map(([p]) => p.replace(/^[^/]+\//, ''));
    expect(trashedFiles.sort()).toEqual([
      'Downloads/Ben Ito - Tides.mp3',
      'Playlists/Peak/01. Ava Stone - Lumen.mp3',
      'Playlists/Warmup/01. Ava Stone - Lumen.mp3',
      'Playlists/Warmup/sunrise copy.mp3',
    ]);

    // One reconcile: only the track that was never on disk is downloaded; everything else is linked.
    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('completed');
    expect(downloader.calls).toEqual(['90000009']);

    const after = listTree(root);
    // Each matched track has exactly one real file among the playlist folders; every other entry is a link to it.
    for (const id of MATCHED) {
      const name = path.basename(expectedPrimaries[id]!);
      const entries = [...after].filter(([p]) => p.startsWith('Playlists/') && path.basename(p) === name);
      expect(
        entries.filter(([, e]) => e.type === 'file'),
        id,
      ).toHaveLength(1);
      const playlists = CATALOG.playlists.filter((pl) => pl.items.includes(id)).length;
      expect(entries, id).toHaveLength(playlists);
      for (const [p, e] of entries) {
        if (e.type !== 'symlink') continue;
        expect(fs.realpathSync(path.join(root, p))).toBe(
          fs.realpathSync(path.join(root, expectedPrimaries[id]!)),
        );
      }
    }
    // The unrelated file and the other version are untouched (same bytes, same time).
    expect(fs.readFileSync(path.join(root, 'Downloads/voice memo.mp3')).equals(memo)).toBe(true);
    expect(fs.statSync(path.join(root, 'Downloads/voice memo.mp3')).mtimeMs).toBe(memoStat.mtimeMs);
    expect(fs.readFileSync(path.join(root, extendedPath)).equals(extendedSunrise)).toBe(true);
    expect(fs.readFileSync(path.join(root, 'Playlists/Deep House/cover.jpg'), 'utf8')).toBe('not audio');

    // A second adopt and a second reconcile change nothing.
    clock.t += 60_000;
    const reader = countingReader();
    const again = await runAdoption(desired, { ...deps, tagReader: reader });
    expect(again.placed).toEqual([]);
    expect(again.trash).toEqual([]);
    expect(again.kept).toEqual([]);
    expect(reader.calls).toEqual([]);
    const second = await reconcile(desired, deps, { retryDelayMs: 0, full: true });
    expect(second.firstPass.actions).toEqual([]);
    expect(downloader.calls).toEqual(['90000009']);
    expect(listTree(root)).toEqual(after);
  });

  it('--dry-run reports the same adoption and changes nothing', async () => {
    writeTree(root, libraryTree());
    const before = listTree(root);
    const { desired, deps } = setup();
    const report = await runAdoption(desired, deps, { dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.placed).toHaveLength(MATCHED.length);
    expect(report.duplicates.trashed).toBe(4);
    expect(listTree(root)).toEqual(before);
    expect(fs.existsSync(path.join(root, '.cratesync/state.db'))).toBe(false);
  });

  it("in copy mode keeps identical copies as the playlists' copies instead of trashing them", async () => {
    writeTree(root, libraryTree());
    const { desired, downloader, clock, deps } = setup('copy');
    const report = await runAdoption(desired, deps);
    // Lumen's two identical copies become Warmup's and Peak's copies; Sunrise's renamed copy becomes Warmup's.
    expect(report.kept.map((k) => k.to).sort()).toEqual([
      'Playlists/Peak/Ava Stone - Lumen.mp3',
      'Playlists/Warmup/Ava Stone - Lumen.mp3',
      'Playlists/Warmup/Kai Moreno - Sunrise (Original Mix).mp3',
    ]);
    // Only the lossy copy of the FLAC goes to the trash.
    expect(report.trash.map((t) => t.from)).toEqual(['Downloads/Ben Ito - Tides.mp3']);

    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('completed');
    expect(downloader.calls).toEqual(['90000009']);
    // The kept copies were not copied again.
    expect(
      run.outcomes
        .filter((o) => o.action.type === 'link' || o.action.type === 'relink')
        .map((o) => 'path' in o.action && o.action.path),
    ).not.toContain('Playlists/Warmup/Ava Stone - Lumen.mp3');
    const second = await reconcile(desired, deps, { retryDelayMs: 0, full: true });
    expect(second.firstPass.actions).toEqual([]);
  });

  it('a second scan reads no file; a changed file is read again', async () => {
    writeTree(root, {
      'Old/a.mp3': mp3(3, { title: 'Unknown One', artist: 'X' }),
      'Old/b.mp3': mp3(4, { title: 'Unknown Two', artist: 'Y' }),
      'Old/c.flac': flac(5, { TITLE: 'Unknown Three', ARTIST: 'Z' }),
      'Old/sub/d.m4a': m4a('afterglow-tagged.m4a'),
      '.cratesync/trash/x/e.mp3': mp3(1),
      '.hidden/f.mp3': mp3(1),
    });
    // A catalogue in which none of them is: the files stay orphans and are scanned every time.
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ playlists: [], tracks: {} }));
    const { desired, deps } = setup();
    const first = countingReader();
    const r1 = await runAdoption(desired, { ...deps, tagReader: first });
    expect(first.calls.map((c) => path.relative(root, c)).sort()).toEqual([
      'Old/a.mp3',
      'Old/b.mp3',
      'Old/c.flac',
      'Old/sub/d.m4a',
    ]);
    expect(r1.scan).toMatchObject({ read: 4, cached: 0 });
    expect(r1.orphans).toHaveLength(4);

    const second = countingReader();
    const r2 = await runAdoption(desired, { ...deps, tagReader: second });
    expect(second.calls).toEqual([]);
    expect(r2.scan).toMatchObject({ read: 0, cached: 4 });
    expect(r2.orphans).toEqual(r1.orphans);

    fs.writeFileSync(path.join(root, 'Old/b.mp3'), mp3(6, { title: 'Unknown Two', artist: 'Y' }));
    const third = countingReader();
    await runAdoption(desired, { ...deps, tagReader: third });
    expect(third.calls.map((c) => path.relative(root, c))).toEqual(['Old/b.mp3']);
  });

  it('lists ambiguous files with their candidates and leaves them alone', async () => {
    fs.writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify({
        playlists: [{ id: 'p1', name: 'Mix', items: ['1', '2'] }],
        tracks: {
          '1': { title: 'Echoes', artists: ['Lio'], durationSeconds: 6 },
          '2': { title: 'Echoes', artists: ['Lio'], durationSeconds: 7 },
        },
      }),
    );
    const echoes = mp3(6.5, { title: 'Echoes', artist: 'Lio' });
    writeTree(root, { 'Playlists/Mix/Lio - Echoes.mp3': echoes });
    const { desired, deps, downloader, clock } = setup();
    const report = await runAdoption(desired, deps);
    expect(report.ambiguous).toHaveLength(1);
    expect(report.ambiguous[0]!.candidates.map((c) => c.trackId).sort()).toEqual(['1', '2']);
    expect(report.placed).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'Playlists/Mix/Lio - Echoes.mp3')).equals(echoes)).toBe(true);

    // A pin settles it.
    const pinned = {
      ...desired,
      adopt: { mode: 'manual' as const, pins: { 'Playlists/Mix/Lio - Echoes.mp3': '2' } },
    };
    const again = await runAdoption(pinned, deps);
    expect(again.matched.list).toMatchObject([{ trackId: '2', evidence: 'pin' }]);
    clock.t += 60_000;
    await reconcile(pinned, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual(['1']);
  });

  it('with prune.mode off, duplicate copies stay where they are instead of going to the trash', async () => {
    writeTree(root, libraryTree());
    const { desired, downloader, clock, deps } = setup('symlink', {
      prune: { mode: 'off', maxDeletions: 200 },
    });
    const before = new Set(walkAudio(nodeFsPort, root).files.map((f) => f.path));
    const report = await runAdoption(desired, deps);
    expect(report.placed.length).toBeGreaterThan(0);
    expect(report.trash).toEqual([]);
    const after = new Set(walkAudio(nodeFsPort, root).files.map((f) => f.path));
    // Every file is still somewhere: adopted ones moved to their place, the rest untouched.
    const moved = new Set(report.placed.map((p) => p.from));
    for (const f of before) expect(after.has(f) || moved.has(f), f).toBe(true);
    clock.t += 60_000;
    await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual(['90000009']);
  });

  it('a glob pin that names several different files adopts none of them; one file, it adopts', async () => {
    fs.writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify({
        playlists: [{ id: 'p1', name: 'Mix', items: ['1'] }],
        tracks: { '1': { title: 'Intro', artists: ['Lio'], durationSeconds: 6 } },
      }),
    );
    writeTree(root, {
      'Sets/2019/a Intro.mp3': mp3(6, { title: 'x' }),
      'Sets/2019/b Intro.mp3': mp3(9, { title: 'y' }),
    });
    const { desired, deps } = setup('symlink', {
      adopt: { mode: 'manual', pins: { 'Sets/**/*Intro*.mp3': '1' } },
    });
    const report = await runAdoption(desired, deps, { dryRun: true });
    expect(report.placed).toEqual([]);
    expect(report.ambiguous.map((a) => a.path).sort()).toEqual([
      'Sets/2019/a Intro.mp3',
      'Sets/2019/b Intro.mp3',
    ]);

    fs.rmSync(path.join(root, 'Sets/2019/b Intro.mp3'));
    const one = await runAdoption(desired, deps, { dryRun: true });
    expect(one.placed.map((p) => p.from)).toEqual(['Sets/2019/a Intro.mp3']);
  });

  it('adopt: auto adopts what a reconcile would otherwise download; manual adopts only pins', async () => {
    writeTree(root, libraryTree());
    const { desired, downloader, clock, deps } = setup('symlink', {
      adopt: { mode: 'manual', pins: { 'Playlists/Warmup/track07.mp3': '90000004' } },
    });
    const catalog = await deps.source.observe(new AbortController().signal);
    const store = await openStore(nodeFsPort, path.join(root, '.cratesync/state.db'));
    const manual = await autoAdopt(desired, catalog, store, { fs: nodeFsPort, now: deps.now, log: deps.log });
    expect(manual?.placed.map((p) => p.trackId)).toEqual(['90000004']);
    expect(manual?.scan.read).toBe(1);

    const auto = { ...desired, adopt: { mode: 'auto' as const } };
    const report = await autoAdopt(auto, catalog, store, { fs: nodeFsPort, now: deps.now, log: deps.log });
    expect(report?.placed.map((p) => p.trackId).sort()).toEqual(MATCHED.filter((id) => id !== '90000004'));
    store.save();
    store.close();
    clock.t += 60_000;
    await reconcile(auto, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual(['90000009']);

    // Without an adopt section there is nothing to do.
    const none = await openStore(nodeFsPort, path.join(root, '.cratesync/state.db'));
    expect(
      await autoAdopt({ ...desired, adopt: undefined }, catalog, none, {
        fs: nodeFsPort,
        now: deps.now,
        log: deps.log,
      }),
    ).toBeUndefined();
    none.close();
  });

  it('with adopt: auto, plan previews the adoption and a plain reconcile adopts before planning', async () => {
    writeTree(root, libraryTree());
    const { desired, downloader, clock, deps } = setup('symlink', { adopt: { mode: 'auto' } });
    const preview = await planOnly(desired, deps);
    expect(preview.adopt).toMatchObject({ files: MATCHED.length, downloadsAvoided: MATCHED.length });
    expect(downloader.calls).toEqual([]);
    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('completed');
    expect(downloader.calls).toEqual(['90000009']);
    expect((await planOnly(desired, deps)).adopt).toBeUndefined();
  });

  it('replaces a real file cratesync downloaded with a better copy found later, and nothing is lost', async () => {
    fs.writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify({
        playlists: [{ id: 'p1', name: 'Mix', items: ['7'] }],
        tracks: { '7': { title: 'Tides', artists: ['Ben Ito'], durationSeconds: 10 } },
      }),
    );
    const { desired, downloader, clock, deps } = setup();
    // The synth downloader writes a real MP3 for the first reconcile.
    const { createSynthDownloader } = await import('../../src/downloaders/synth.ts');
    const synthDeps = { ...deps, downloader: createSynthDownloader(nodeFsPort) };
    await reconcile(desired, synthDeps, { retryDelayMs: 0 });
    const mp3Path = 'Playlists/Mix/Ben Ito - Tides.mp3';
    expect(fs.existsSync(path.join(root, mp3Path))).toBe(true);

    writeTree(root, { 'Incoming/tides.flac': flac(10, { TITLE: 'Tides', ARTIST: 'Ben Ito' }) });
    clock.t += 60_000;
    const report = await runAdoption(desired, deps);
    expect(report.placed).toEqual([
      { from: 'Incoming/tides.flac', to: 'Playlists/Mix/Ben Ito - Tides.flac', trackId: '7' },
    ]);
    expect(report.downloadsAvoided).toBe(0);
    expect(report.trash.map((t) => t.from)).toEqual([mp3Path]);
    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('completed');
    expect(downloader.calls).toEqual([]);
    expect(fs.existsSync(path.join(root, mp3Path))).toBe(false);
    expect(listTree(path.join(root, '.cratesync/trash')).size).toBeGreaterThan(0);
  });
});

describe('links that already exist', () => {
  const twoPlaylists = {
    playlists: [
      { id: 'p-deep', name: 'Deep House', items: ['90000001'] },
      { id: 'p-warm', name: 'Warmup', items: ['90000001'] },
    ],
    tracks: { '90000001': TRACKS['90000001'] },
  };

  it("turns the user's symlinks to an adopted file into the track's links, or trashes them", async () => {
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(twoPlaylists));
    writeTree(root, { 'Downloads/lumen.mp3': lumen });
    fs.mkdirSync(path.join(root, 'Playlists/Warmup'), { recursive: true });
    fs.mkdirSync(path.join(root, 'Favourites'), { recursive: true });
    fs.symlinkSync('../../Downloads/lumen.mp3', path.join(root, 'Playlists/Warmup/Ava Stone - Lumen.mp3'));
    fs.symlinkSync('../Downloads/lumen.mp3', path.join(root, 'Favourites/lumen.mp3'));
    const { desired, downloader, clock, deps } = setup();
    const report = await runAdoption(desired, deps);
    expect(report.placed).toEqual([
      { from: 'Downloads/lumen.mp3', to: 'Playlists/Deep House/Ava Stone - Lumen.mp3', trackId: '90000001' },
    ]);
    expect(report.kept).toEqual([
      {
        from: 'Playlists/Warmup/Ava Stone - Lumen.mp3',
        to: 'Playlists/Warmup/Ava Stone - Lumen.mp3',
        kind: 'symlink',
      },
    ]);
    expect(report.trash.map((t) => t.from)).toEqual(['Favourites/lumen.mp3']);
    expect(report.bytesFreed).toBe(0);

    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('completed');
    expect(downloader.calls).toEqual([]);
    const link = path.join(root, 'Playlists/Warmup/Ava Stone - Lumen.mp3');
    expect(fs.readlinkSync(link)).toBe('../Deep House/Ava Stone - Lumen.mp3');
    expect(fs.readFileSync(link).equals(lumen)).toBe(true);
    expect((await reconcile(desired, deps, { retryDelayMs: 0, full: true })).firstPass.actions).toEqual([]);
  });

  it("leaves alone the user's symlink to a file that stays where it is", async () => {
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(twoPlaylists));
    writeTree(root, { 'Playlists/Deep House/Ava Stone - Lumen.mp3': lumen });
    fs.mkdirSync(path.join(root, 'Favourites'), { recursive: true });
    fs.symlinkSync('../Playlists/Deep House/Ava Stone - Lumen.mp3', path.join(root, 'Favourites/lumen.mp3'));
    const { desired, deps } = setup();
    const report = await runAdoption(desired, deps);
    expect(report.placed.map((p) => [p.from, p.to])).toEqual([
      ['Playlists/Deep House/Ava Stone - Lumen.mp3', 'Playlists/Deep House/Ava Stone - Lumen.mp3'],
    ]);
    expect(report.trash).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'Favourites/lumen.mp3')).equals(lumen)).toBe(true);
  });

  it('leaves the real file in the playlist folder it is in when that playlist holds the track', async () => {
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(twoPlaylists));
    writeTree(root, { 'Downloads/lumen.mp3': lumen, 'Playlists/Warmup/01. Ava Stone - Lumen.mp3': lumen });
    const { desired, downloader, clock, deps } = setup();
    const report = await runAdoption(desired, deps);
    expect(report.placed).toEqual([
      {
        from: 'Playlists/Warmup/01. Ava Stone - Lumen.mp3',
        to: 'Playlists/Warmup/Ava Stone - Lumen.mp3',
        trackId: '90000001',
      },
    ]);
    expect(report.trash.map((t) => t.from)).toEqual(['Downloads/lumen.mp3']);
    clock.t += 60_000;
    await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual([]);
    expect(fs.readlinkSync(path.join(root, 'Playlists/Deep House/Ava Stone - Lumen.mp3'))).toBe(
      '../Warmup/Ava Stone - Lumen.mp3',
    );
  });

  it('keeps hard links of the real file in hardlink mode, and frees no bytes for them in symlink mode', async () => {
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(twoPlaylists));
    writeTree(root, { 'Playlists/Deep House/01. Ava Stone - Lumen.mp3': lumen });
    fs.mkdirSync(path.join(root, 'Playlists/Warmup'), { recursive: true });
    fs.linkSync(
      path.join(root, 'Playlists/Deep House/01. Ava Stone - Lumen.mp3'),
      path.join(root, 'Playlists/Warmup/01. Ava Stone - Lumen.mp3'),
    );
    const symlinked = setup('symlink');
    const dry = await runAdoption(symlinked.desired, symlinked.deps, { dryRun: true });
    expect(dry.trash.map((t) => t.from)).toEqual(['Playlists/Warmup/01. Ava Stone - Lumen.mp3']);
    expect(dry.bytesFreed).toBe(0);

    const { desired, downloader, clock, deps } = setup('hardlink');
    const report = await runAdoption(desired, deps);
    expect(report.kept).toEqual([
      {
        from: 'Playlists/Warmup/01. Ava Stone - Lumen.mp3',
        to: 'Playlists/Warmup/Ava Stone - Lumen.mp3',
        kind: 'hardlink',
      },
    ]);
    expect(report.trash).toEqual([]);
    clock.t += 60_000;
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual([]);
    expect(run.outcomes.filter((o) => o.status === 'applied' && o.action.type !== 'writeFile')).toEqual([]);
    const a = fs.statSync(path.join(root, 'Playlists/Deep House/Ava Stone - Lumen.mp3'));
    const b = fs.statSync(path.join(root, 'Playlists/Warmup/Ava Stone - Lumen.mp3'));
    expect(a.ino).toBe(b.ino);
    expect((await reconcile(desired, deps, { retryDelayMs: 0, full: true })).firstPass.actions).toEqual([]);
  });
});

describe('moves', () => {
  it('swaps two files that each sit where the other belongs, through the parking folder', async () => {
    const tracks = {
      a1: { title: 'Alpha', artists: ['Ay'], durationSeconds: 100 },
      b2: { title: 'Beta', artists: ['Bee'], durationSeconds: 100 },
    };
    fs.writeFileSync(
      path.join(dir, 'catalog.json'),
      JSON.stringify({ playlists: [{ id: 'p', name: 'Mix', items: ['a1', 'b2'] }], tracks }),
    );
    const alpha = synth({ id: 'a1', ...tracks.a1 });
    const beta = synth({ id: 'b2', ...tracks.b2 });
    writeTree(root, { 'Playlists/Mix/Bee - Beta.mp3': alpha, 'Playlists/Mix/Ay - Alpha.mp3': beta });
    const { desired, downloader, clock, deps } = setup();
    const report = await runAdoption(desired, deps);
    expect(report.placed).toHaveLength(2);
    expect(report.skipped).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'Playlists/Mix/Ay - Alpha.mp3')).equals(alpha)).toBe(true);
    expect(fs.readFileSync(path.join(root, 'Playlists/Mix/Bee - Beta.mp3')).equals(beta)).toBe(true);
    expect(fs.readdirSync(path.join(root, '.cratesync/adopt-parking'))).toEqual([]);
    clock.t += 60_000;
    await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(downloader.calls).toEqual([]);
  });
});

describe('adoptWithCatalog', () => {
  it('leaves a track alone when a file it does not own is where its real file belongs', async () => {
    fs.writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(CATALOG));
    writeTree(root, {
      'Downloads/lumen.mp3': lumen,
      // Something else already carries the name Lumen's real file gets.
      'Playlists/Deep House/Ava Stone - Lumen.mp3': memo,
    });
    const { desired, deps } = setup();
    const catalog = await deps.source.observe(new AbortController().signal);
    const store = await openStore(nodeFsPort, path.join(root, '.cratesync/state.db'));
    const report = await adoptWithCatalog(desired, catalog, store, {
      fs: nodeFsPort,
      now: deps.now,
      log: deps.log,
    });
    expect(report.blocked).toMatchObject([{ trackId: '90000001', path: 'Downloads/lumen.mp3' }]);
    expect(report.placed).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'Downloads/lumen.mp3')).equals(lumen)).toBe(true);
    expect(store.loadView().owned.size).toBe(0);
    store.close();
  });
});
