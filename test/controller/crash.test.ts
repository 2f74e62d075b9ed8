// Crash safety: SIGKILL the reconcile process at random moments, in the first run and in a run that
// renames, removes and moves; the next reconcile must converge with no lost or duplicated file and no
// partial file outside staging.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planOnly } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import type { Catalog, LinkMode, Track } from '../../src/types.ts';
import { desiredFor, fakeDownloader, mutableSource, testDeps } from '../helpers/builders.ts';
import { checkLibrary } from '../helpers/invariants.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const realFs = fs as unknown as Fs;
const base = makeTempDir('cratesync-crash-');
// CRATESYNC_KEEP_CRASH_DIRS=1 keeps the trial folders for a post-mortem.
afterAll(() => {
  if (!process.env.CRATESYNC_KEEP_CRASH_DIRS) removeTempDir(base);
});
const child = path.resolve(import.meta.dirname, '../helpers/crash-child.ts');

const tracks: Track[] = Array.from({ length: 60 }, (_, i) => ({
  id: `t${i}`,
  title: `Track ${i}`,
  artists: [`Artist ${i % 7}`],
  durationSeconds: 200,
}));
const before: Catalog['playlists'] = Array.from({ length: 6 }, (_, p) => ({
  id: `p${p}`,
  name: `List ${p}`,
  items: tracks.filter((_, i) => (i + p) % 3 === 0 || i % 6 === p).map((t) => t.id),
}));
const after: Catalog['playlists'] = before
  .filter((p) => p.id !== 'p5')
  .map((p) =>
    p.id === 'p0' ? { ...p, name: 'Renamed List' } : p.id === 'p1' ? { ...p, items: p.items.slice(5) } : p,
  );

function writeCatalog(file: string, playlists: Catalog['playlists']): Catalog {
  fs.writeFileSync(file, JSON.stringify({ playlists, tracks }));
  return { playlists, tracks: new Map(tracks.map((t) => [t.id, t])) };
}

/** Runs the child; kills it `killAfterMs` after it reports start (never when undefined). */
function runChild(root: string, catalogFile: string, links: LinkMode, killAfterMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, root, catalogFile, links], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && out.startsWith('started'))
        setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(out);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

function partialFilesOutsideStaging(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (p === `${root}/.cratesync`) continue;
      if (e.isDirectory()) walk(p);
      else if (/tmp/.test(e.name)) found.push(p);
      else if (
        e.isFile() &&
        !fs.readFileSync(p, 'utf8').includes('cratesync-test-audio') &&
        !e.name.endsWith('.m3u8')
      )
        found.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return found;
}

const TRIALS = Number(process.env.CRATESYNC_CRASH_TRIALS ?? 24);

describe('crash safety', () => {
  it(`converges after SIGKILL at random moments (${TRIALS} trials)`, async () => {
    let interrupted = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const links: LinkMode = (['symlink', 'hardlink', 'copy'] as const)[trial % 3]!;
      const root = `${base}/t${trial}`;
      const catalogFile = `${base}/catalog-${trial}.json`;
      writeCatalog(catalogFile, before);
      // Kill during the first run, finish it, then kill a run that renames, removes and moves.
      const firstKill = Math.floor(Math.random() * 400);
      if (!(await runChild(root, catalogFile, links, firstKill)).includes('completed')) interrupted++;
      if (trial % 2 === 1) {
        await runChild(root, catalogFile, links);
        writeCatalog(catalogFile, after);
        if (
          !(await runChild(root, catalogFile, links, Math.floor(Math.random() * 150))).includes('completed')
        )
          interrupted++;
      }
      const final = await runChild(root, catalogFile, links);
      expect(final).toContain('completed');
      expect(final, `trial ${trial} (${links}): the final run must converge`).toContain('"remaining":0');

      const catalog: Catalog = JSON.parse(fs.readFileSync(catalogFile, 'utf8'));
      const c: Catalog = { playlists: catalog.playlists, tracks: new Map(tracks.map((t) => [t.id, t])) };
      const desired = desiredFor(root, { layout: { links } });
      expect(checkLibrary(realFs, desired, c).problems, `trial ${trial} (${links}) ${final}`).toEqual([]);
      expect(partialFilesOutsideStaging(root)).toEqual([]);
      const again = await planOnly(
        desired,
        testDeps(realFs, mutableSource(c).source, fakeDownloader(realFs)),
      );
      expect(again.actions, `trial ${trial}`).toEqual([]);
      fs.rmSync(root, { recursive: true, force: true });
    }
    // The kills must really land mid-run for the test to mean anything.
    expect(interrupted).toBeGreaterThanOrEqual(TRIALS / 3);
  }, 600_000);
});
