import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import type { DesiredState } from '../../src/types.ts';
import {
  catalogOf,
  desiredFor,
  fakeDownloader,
  mutableSource,
  testDeps,
  track,
} from '../helpers/builders.ts';
import { checkLibrary } from '../helpers/invariants.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
let root: string;
beforeEach(() => {
  root = makeTempDir();
});
afterEach(() => removeTempDir(root));

async function converge(desired: DesiredState, deps: ReturnType<typeof testDeps>) {
  const result = await reconcile(desired, deps, { retryDelayMs: 0 });
  const again = await planOnly(desired, deps);
  return { result, again };
}

describe('reconcile', () => {
  it('mirrors playlists with one real file per track, relative links and m3u8 files, then plans nothing', async () => {
    const catalog = catalogOf({
      'Deep House': ['t1', 't2', 't3'],
      Minimal: ['t2', 't4'],
      Disco: ['t3', 't2', 't5'],
    });
    const src = mutableSource(catalog);
    const dl = fakeDownloader(realFs);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, dl);
    const { result, again } = await converge(desired, deps);

    expect(result.status).toBe('completed');
    expect(dl.calls.sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
    expect(fs.lstatSync(`${root}/Playlists/Minimal/Artist t2 - Song t2.mp3`).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(`${root}/Playlists/Minimal/Artist t2 - Song t2.mp3`)).toBe(
      '../Deep House/Artist t2 - Song t2.mp3',
    );
    expect(fs.readFileSync(`${root}/Playlists/Disco.m3u8`, 'utf8')).toBe(
      [
        '#EXTM3U',
        '#PLAYLIST:Disco',
        '#EXTINF:203,Artist t3 - Song t3',
        'Disco/Artist t3 - Song t3.mp3',
        '#EXTINF:202,Artist t2 - Song t2',
        'Disco/Artist t2 - Song t2.mp3',
        '#EXTINF:205,Artist t5 - Song t5',
        'Disco/Artist t5 - Song t5.mp3',
        '',
      ].join('\n'),
    );
    expect(again.actions).toEqual([]);
    expect(result.summary.downloads).toBe(5);
    expect(result.summary.linksCreated).toBe(3);
  });

  it('renaming a playlist at the source moves its files without downloading again', async () => {
    const src = mutableSource(catalogOf({ 'Deep House': ['t1', 't2'], Minimal: ['t2'] }));
    const dl = fakeDownloader(realFs);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, dl);
    await converge(desired, deps);
    const renamed = catalogOf({ 'Deeper House#p-Deep House': ['t1', 't2'], Minimal: ['t2'] });
    src.set(renamed);
    const { result, again } = await converge(desired, deps);
    expect(dl.calls.length).toBe(2);
    expect(result.summary.moves).toBe(2);
    expect(fs.existsSync(`${root}/Playlists/Deep House`)).toBe(false);
    expect(fs.readlinkSync(`${root}/Playlists/Minimal/Artist t2 - Song t2.mp3`)).toBe(
      '../Deeper House/Artist t2 - Song t2.mp3',
    );
    expect(checkLibrary(realFs, desired, renamed).problems).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it('a track leaving its primary playlist moves to the next playlist and every link follows', async () => {
    const src = mutableSource(catalogOf({ A: ['t1'], B: ['t1'], C: ['t1'] }));
    const dl = fakeDownloader(realFs);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, dl);
    await converge(desired, deps);
    expect(fs.lstatSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`).isFile()).toBe(true);
    const next = catalogOf({ A: [], B: ['t1'], C: ['t1'] });
    src.set(next);
    const { again } = await converge(desired, deps);
    expect(dl.calls).toEqual(['t1']);
    expect(fs.lstatSync(`${root}/Playlists/B/Artist t1 - Song t1.mp3`).isFile()).toBe(true);
    expect(fs.readlinkSync(`${root}/Playlists/C/Artist t1 - Song t1.mp3`)).toBe(
      '../B/Artist t1 - Song t1.mp3',
    );
    expect(fs.existsSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`)).toBe(false);
    expect(checkLibrary(realFs, desired, next).problems).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it('a reorder at the source changes no file, only the playlist file', async () => {
    const src = mutableSource(catalogOf({ A: ['t1', 't2', 't3'], B: ['t3', 't1'] }));
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await converge(desired, deps);
    src.set(catalogOf({ B: ['t1', 't3'], A: ['t3', 't2', 't1'] }));
    const pass = await planOnly(desired, deps);
    expect(pass.actions.map((a) => a.type)).toEqual(['writeFile', 'writeFile']);
  });

  it('re-creates a broken or deleted link and a deleted real file', async () => {
    const catalog = catalogOf({ A: ['t1', 't2'], B: ['t1'] });
    const src = mutableSource(catalog);
    const dl = fakeDownloader(realFs);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, dl);
    await converge(desired, deps);
    fs.unlinkSync(`${root}/Playlists/B/Artist t1 - Song t1.mp3`);
    fs.unlinkSync(`${root}/Playlists/A/Artist t2 - Song t2.mp3`);
    const { again } = await converge(desired, deps);
    expect(dl.calls.sort()).toEqual(['t1', 't2', 't2']);
    expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it('a failed download is recorded, does not stop the others, and is retried with backoff', async () => {
    const catalog = catalogOf({ A: ['t1', 't2', 't3'] });
    const src = mutableSource(catalog);
    const clock = { t: Date.UTC(2026, 0, 1) };
    const failIds = new Set(['t2']);
    const dl = fakeDownloader(realFs, { failIds });
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, dl, clock);
    const first = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(first.status).toBe('failed');
    expect(first.summary.failed).toBe(1);
    expect(first.summary.errors[0]).toContain('simulated failure for t2');
    expect(checkLibrary(realFs, desired, catalog, { unavailable: new Set(['t2']) }).problems).toEqual([]);

    // Within the backoff window the track is held back, not retried.
    const held = await planOnly(desired, deps);
    expect(held.actions).toEqual([]);
    expect(held.plans[0]!.skipped.map((s) => s.code)).toEqual(['backoff']);

    failIds.clear();
    clock.t += 6 * 60_000;
    const { result, again } = await converge(desired, deps);
    expect(result.status).toBe('completed');
    expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it('a full disk stops the run with a clear message, holds no track back, and the next run finishes', async () => {
    const catalog = catalogOf({ A: ['t1', 't2', 't3', 't4'] });
    const src = mutableSource(catalog);
    let diskFull = true;
    const fake = fakeDownloader(realFs);
    const downloader = {
      ...fake,
      async download(t: Parameters<typeof fake.download>[0], dir: string, signal: AbortSignal) {
        if (diskFull && t.id === 't2')
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return fake.download(t, dir, signal);
      },
    };
    const desired = desiredFor(root, { download: { tool: 'synth', output: '', concurrency: 1, retries: 3 } });
    const deps = testDeps(realFs, src.source, downloader);
    const run = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(run.status).toBe('failed');
    expect(run.error).toContain('the disk is full');
    expect(run.outcomes.some((o) => o.status === 'skipped' && o.error?.includes('disk is full'))).toBe(true);
    // Not a failure of the track: nothing waits for a retry.
    const held = await planOnly(desired, deps);
    expect(held.plans[0]!.skipped.filter((k) => k.code === 'backoff')).toEqual([]);
    diskFull = false;
    const { result, again } = await converge(desired, deps);
    expect(result.status).toBe('completed');
    expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it('never touches a file the user put into a playlist folder, even with prune.mode delete and the playlist removed', async () => {
    const src = mutableSource(catalogOf({ A: ['t1'], B: ['t2'] }));
    const desired = desiredFor(root, { prune: { mode: 'delete', maxDeletions: 100 } });
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await converge(desired, deps);
    fs.writeFileSync(`${root}/Playlists/A/my own edit.wav`, 'mine');
    fs.writeFileSync(`${root}/Playlists/B/notes.txt`, 'mine too');
    await converge(desired, deps);
    expect(fs.readFileSync(`${root}/Playlists/A/my own edit.wav`, 'utf8')).toBe('mine');
    src.set(catalogOf({ B: ['t2'] }));
    const { again } = await converge(desired, deps);
    expect(fs.readFileSync(`${root}/Playlists/A/my own edit.wav`, 'utf8')).toBe('mine');
    expect(fs.readFileSync(`${root}/Playlists/B/notes.txt`, 'utf8')).toBe('mine too');
    expect(fs.existsSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`)).toBe(false);
    expect(again.actions).toEqual([]);
    expect(
      again.plans[0]!.skipped.some((s) => s.code === 'foreign' && s.path === 'Playlists/A/my own edit.wav'),
    ).toBe(true);
  });

  it('a foreign file where a track belongs is reported and left alone', async () => {
    fs.mkdirSync(`${root}/Playlists/A`, { recursive: true });
    fs.writeFileSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`, 'user file');
    const src = mutableSource(catalogOf({ A: ['t1', 't2'] }));
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    const { result } = await converge(desired, deps);
    expect(fs.readFileSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`, 'utf8')).toBe('user file');
    expect(result.summary.held.foreign).toBe(1);
  });

  it('prune.mode trash keeps the relative path; off removes nothing; maxDeletions caps a run', async () => {
    const src = mutableSource(catalogOf({ A: ['t1', 't2', 't3'], B: ['t4'] }));
    const dl = fakeDownloader(realFs);
    let desired = desiredFor(root, { prune: { mode: 'off', maxDeletions: 100 } });
    const deps = testDeps(realFs, src.source, dl);
    await converge(desired, deps);
    src.set(catalogOf({ B: ['t4'] }));
    let run = await converge(desired, deps);
    expect(fs.existsSync(`${root}/Playlists/A/Artist t1 - Song t1.mp3`)).toBe(true);
    expect(run.result.summary.held['prune-off']).toBeGreaterThan(0);

    desired = desiredFor(root, { prune: { mode: 'trash', maxDeletions: 2 } });
    run = await converge(desired, deps);
    expect(run.result.summary.held['deletion-cap']).toBeGreaterThan(0);
    run = await converge(desired, deps);
    expect(run.again.actions).toEqual([]);
    expect(fs.existsSync(`${root}/Playlists/A`)).toBe(false);
    const trashed = fs.readdirSync(`${root}/.cratesync/trash`, { recursive: true }) as string[];
    expect(trashed.some((p) => p.endsWith('Playlists/A/Artist t1 - Song t1.mp3'))).toBe(true);
    expect(trashed.some((p) => p.endsWith('Playlists/A.m3u8'))).toBe(true);
  });

  it('an empty listing stops every removal; a short playlist keeps what it held', async () => {
    const src = mutableSource(catalogOf({ A: ['t1', 't2'], B: ['t3'] }));
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    await converge(desired, deps);
    src.set({ playlists: [], tracks: new Map() });
    const pass = await planOnly(desired, deps);
    expect(pass.actions.filter((a) => a.type === 'remove' || a.type === 'move')).toEqual([]);
    expect(pass.unsafe).toContain('empty');

    // A playlist read only in part keeps everything it held; the others change as usual.
    const short = catalogOf({ A: ['t1'], B: ['t4'] }, [track('t2')]);
    short.playlists[0]!.expectedItems = 2;
    src.set(short);
    const run = await reconcile(desired, deps);
    expect(run.firstPass.unsafe).toBeUndefined();
    expect(fs.existsSync(`${root}/Playlists/A/Artist t2 - Song t2.mp3`)).toBe(true);
    expect(fs.readFileSync(`${root}/Playlists/A.m3u8`, 'utf8')).toContain('Song t2');
    expect(fs.existsSync(`${root}/Playlists/B/Artist t3 - Song t3.mp3`)).toBe(false);
    expect(fs.existsSync(`${root}/Playlists/B/Artist t4 - Song t4.mp3`)).toBe(true);
    expect(run.summary.held['unsafe-source']).toBe(1);

    src.fail();
    await expect(reconcile(desired, deps)).rejects.toThrow('source unavailable');
    expect(fs.existsSync(`${root}/Playlists/A/Artist t2 - Song t2.mp3`)).toBe(true);
  });

  it('works in hardlink and copy modes', async () => {
    for (const links of ['hardlink', 'copy'] as const) {
      const dir = `${root}/${links}`;
      const catalog = catalogOf({ A: ['t1', 't2'], B: ['t2', 't3'], C: ['t2'] });
      const desired = desiredFor(dir, { layout: { links } });
      const deps = testDeps(realFs, mutableSource(catalog).source, fakeDownloader(realFs));
      const { again } = await converge(desired, deps);
      expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
      expect(again.actions).toEqual([]);
      const a = fs.statSync(`${dir}/Playlists/A/Artist t2 - Song t2.mp3`);
      const b = fs.statSync(`${dir}/Playlists/B/Artist t2 - Song t2.mp3`);
      expect(a.ino === b.ino).toBe(links === 'hardlink');
    }
  });

  it('in hardlink and copy modes a lost real file is rebuilt from a whole copy, not downloaded again', async () => {
    for (const links of ['hardlink', 'copy'] as const) {
      const dir = `${root}/${links}`;
      const catalog = catalogOf({ A: ['t1'], B: ['t1'], C: ['t1'] });
      const dl = fakeDownloader(realFs);
      const desired = desiredFor(dir, { layout: { links } });
      const deps = testDeps(realFs, mutableSource(catalog).source, dl);
      await converge(desired, deps);
      fs.unlinkSync(`${dir}/Playlists/A/Artist t1 - Song t1.mp3`);
      const { result, again } = await converge(desired, deps);
      expect(dl.calls).toEqual(['t1']);
      expect(result.summary.moves).toBe(1);
      expect(checkLibrary(realFs, desired, catalog).problems).toEqual([]);
      expect(again.actions).toEqual([]);
    }
  });

  it('hostile names land inside the root with stable, valid names', async () => {
    const hostile = [
      track('h1', '../../etc/passwd', ['..']),
      track('h2', 'a/b\\c:d*e?f"g<h>i|j', ['CON']),
      track('h3', 'ctrl\u0000\u0007\u001fchars', ['NUL']),
      track('h4', 'x'.repeat(300), ['y'.repeat(40)]),
      track('h5', '🎧🔥 Émoji', ['Beyonce\u0301']),
      track('h6', 'Same Name', ['Artist']),
      track('h7', 'same name', ['artist']),
    ];
    const catalog = catalogOf(
      {
        '../..': ['h1', 'h2'],
        CON: ['h3', 'h4'],
        'Dup#d1': ['h5', 'h6'],
        'Dup#d2': ['h7', 'h1'],
        'dup#d3': ['h6'],
      },
      hostile,
    );
    const src = mutableSource(catalog);
    const desired = desiredFor(root);
    const deps = testDeps(realFs, src.source, fakeDownloader(realFs));
    const { again } = await converge(desired, deps);
    expect(again.actions).toEqual([]);
    const folders = (fs.readdirSync(`${root}/Playlists`) as string[]).sort();
    expect(folders).toEqual(
      [
        '.._',
        '.._.m3u8',
        'CON_',
        'CON_.m3u8',
        'Dup',
        'Dup (2)',
        'Dup (2).m3u8',
        'Dup.m3u8',
        'dup (3)',
        'dup (3).m3u8',
      ].sort(),
    );
    for (const f of folders) {
      if (f.endsWith('.m3u8')) continue;
      for (const name of fs.readdirSync(`${root}/Playlists/${f}`) as string[]) {
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
        expect(name).toBe(name.normalize('NFC'));
        expect(name).not.toMatch(/[/\\:*?"<>|\u0000-\u001f]/);
      }
    }
    expect(fs.existsSync(`${root}/../etc`)).toBe(false);
    const names = fs.readdirSync(`${root}/Playlists/Dup`) as string[];
    expect(names.map((n) => n.toLowerCase()).length).toBe(new Set(names.map((n) => n.toLowerCase())).size);
  });
});
