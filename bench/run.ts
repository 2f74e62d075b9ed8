// `npm run bench`: reconcile the demo source at 100,000 tracks / 1,000 playlists (about 300,000 playlist
// entries) into a temp folder, then a no-op reconcile, next to `find` over the same tree. Prints figures;
// never passes or fails. Scale with CRATESYNC_BENCH_TRACKS / CRATESYNC_BENCH_PLAYLISTS.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tracks = Number(process.env.CRATESYNC_BENCH_TRACKS ?? 100_000);
const playlists = Number(process.env.CRATESYNC_BENCH_PLAYLISTS ?? 1_000);
const dir = fs.mkdtempSync(path.join(process.env.CRATESYNC_BENCH_DIR ?? os.tmpdir(), 'cratesync-bench-'));
const library = path.join(dir, 'library.yaml');
fs.writeFileSync(
  library,
  [
    'version: 1',
    'source:',
    '  provider: demo',
    `  demo: { seed: 42, playlists: ${playlists}, tracks: ${tracks} }`,
    'root: ./music',
    'playlists:',
    '  - select: all',
    'prune: { mode: trash, maxDeletions: 1000 }',
    'download: { tool: synth, concurrency: 8, retries: 0 }',
    '',
  ].join('\n'),
);
const repo = path.dirname(import.meta.dirname);
const cli = path.join(repo, 'bin/cratesync.js');
const rssHook = path.join(import.meta.dirname, 'report-rss.mjs');
// Measure what a user runs: the bundled CLI (built now, so it matches the sources).
execFileSync(process.execPath, [path.join(repo, 'scripts/build.mjs')], { stdio: 'inherit' });

interface RunFigures {
  processSeconds: number;
  seconds: number;
  maxRssMb: number;
  planned: number;
  entries: number;
  shortcut: boolean;
}

function reconcileOnce(extra: string[] = []): RunFigures {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', rssHook, cli, 'reconcile', '-f', library, '--json', '--no-progress', ...extra],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const processSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`reconcile failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as {
    seconds: number;
    summary: { planned: number; entries: number };
    shortcut?: boolean;
  };
  const rss = /CRATESYNC_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  return {
    processSeconds,
    seconds: out.seconds,
    maxRssMb: Number(rss?.[1] ?? 0) / 1024,
    planned: out.summary.planned,
    entries: out.summary.entries,
    shortcut: out.shortcut === true,
  };
}

function timeFind(root: string): number {
  const t0 = performance.now();
  execFileSync('sh', ['-c', `find "${root}" -printf '%p %s %T@ %l\\n' >/dev/null`]);
  return (performance.now() - t0) / 1000;
}

const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
console.log(
  `cratesync benchmark: ${tracks.toLocaleString('en')} tracks, ${playlists.toLocaleString('en')} playlists, in ${dir}`,
);
const first = reconcileOnce();
row('playlist entries', first.entries.toLocaleString('en'));
row('initial reconcile: actions planned', first.planned.toLocaleString('en'));
row('initial reconcile: wall time (process)', `${first.processSeconds.toFixed(2)} s`);
row('initial reconcile: wall time (in process)', `${first.seconds.toFixed(2)} s`);
row('initial reconcile: peak RSS', `${first.maxRssMb.toFixed(0)} MB`);
const dbSize = fs.statSync(path.join(dir, 'music/.cratesync/state.db')).size;
row('state.db size', `${(dbSize / 1024 / 1024).toFixed(1)} MB`);

const findSeconds = Math.min(timeFind(path.join(dir, 'music')), timeFind(path.join(dir, 'music')));
const noops = [reconcileOnce(), reconcileOnce()];
const noop = noops.reduce((a, b) => (a.processSeconds < b.processSeconds ? a : b));
row('no-op reconcile: actions planned', `${noop.planned}${noop.shortcut ? ' (converged shortcut)' : ''}`);
row('no-op reconcile: wall time (process)', `${noop.processSeconds.toFixed(2)} s`);
row('no-op reconcile: wall time (in process)', `${noop.seconds.toFixed(2)} s`);
row('no-op reconcile: peak RSS', `${noop.maxRssMb.toFixed(0)} MB`);
row("find ROOT -printf '%p %s %T@ %l\\n'", `${findSeconds.toFixed(2)} s`);
row('no-op / find (process wall time)', `${(noop.processSeconds / findSeconds).toFixed(1)}×  (target ≤ 3×)`);
const full = reconcileOnce(['--full']);
row('no-op reconcile --full: wall time (process)', `${full.processSeconds.toFixed(2)} s`);
row('no-op reconcile --full: peak RSS', `${full.maxRssMb.toFixed(0)} MB`);
row('no-op --full / find', `${(full.processSeconds / findSeconds).toFixed(1)}×`);
if (!process.env.CRATESYNC_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
