// `npm run bench` (part): the watcher over a large demo library. Reconciles 100,000 tracks / 1,000 playlists
// once, starts `cratesync watch` on it, then measures (1) its idle CPU and memory over 60 s, read from
// /proc, and (2) the time from a library.yaml save to the start of the run it triggers, read from the
// watcher's own --trace lines (the save's time vs the transition into `reconciling`). Prints figures; never
// passes or fails. Scale with CRATESYNC_BENCH_TRACKS / CRATESYNC_BENCH_PLAYLISTS / CRATESYNC_BENCH_IDLE_S.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tracks = Number(process.env.CRATESYNC_BENCH_TRACKS ?? 100_000);
const playlists = Number(process.env.CRATESYNC_BENCH_PLAYLISTS ?? 1_000);
const idleSeconds = Number(process.env.CRATESYNC_BENCH_IDLE_S ?? 60);
const dir = fs.mkdtempSync(path.join(process.env.CRATESYNC_BENCH_DIR ?? os.tmpdir(), 'cratesync-watch-'));
const library = path.join(dir, 'library.yaml');
const trace = path.join(dir, 'trace.jsonl');
const yaml = (maxDeletions: number) =>
  [
    'version: 1',
    'source:',
    '  provider: demo',
    `  demo: { seed: 42, playlists: ${playlists}, tracks: ${tracks} }`,
    'root: ./music',
    'playlists:',
    '  - select: all',
    `prune: { mode: trash, maxDeletions: ${maxDeletions} }`,
    'download: { tool: synth, concurrency: 8, retries: 0 }',
    'watch: { debounce: 500ms, interval: 15m }',
    '',
  ].join('\n');
fs.writeFileSync(library, yaml(1000));

const repo = path.dirname(import.meta.dirname);
const cli = path.join(repo, 'bin/cratesync.js');
execFileSync(process.execPath, [path.join(repo, 'scripts/build.mjs')], { stdio: 'inherit' });

const row = (label: string, value: string) => console.log(`${label.padEnd(48)} ${value}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ticks = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, and its current and peak resident memory in MB. */
function sample(pid: number): { cpu: number; rssMb: number; peakMb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpu, rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

function traceRecords(): { at: string; from: string | null; to: string }[] {
  if (!fs.existsSync(trace)) return [];
  return fs
    .readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const isIdle = (to: string) => to === 'idle' || to.startsWith('idle');

console.log(
  `cratesync watch benchmark: ${tracks.toLocaleString('en')} tracks, ${playlists} playlists, in ${dir}`,
);
const t0 = performance.now();
const initial = spawnSync(process.execPath, [cli, 'reconcile', '-f', library, '--json', '--no-progress'], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
if (initial.status !== 0) throw new Error(`initial reconcile failed: ${initial.stderr}`);
row('initial reconcile (to set the library up)', `${((performance.now() - t0) / 1000).toFixed(1)} s`);

const watcher = spawn(process.execPath, [cli, 'watch', '-f', library, '--port', '0', '--trace', trace], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
watcher.stderr.on('data', (d: Buffer) => {
  stderr += d.toString();
});
try {
  // The watcher runs once on start (the converged shortcut here), then waits.
  await until(
    'the first run to end',
    () =>
      traceRecords().some((r, i, all) => i > 0 && all[i - 1]!.to.startsWith('reconciling') && isIdle(r.to)),
    600_000,
  );
  const before = sample(watcher.pid!);
  await sleep(idleSeconds * 1000);
  const after = sample(watcher.pid!);
  const cpu = after.cpu - before.cpu;
  row(
    `idle watcher over ${idleSeconds} s: CPU time`,
    `${cpu.toFixed(2)} s (${((cpu / idleSeconds) * 100).toFixed(2)} % of a core)`,
  );
  row(
    'idle watcher: resident memory (now / peak)',
    `${after.rssMb.toFixed(0)} MB / ${after.peakMb.toFixed(0)} MB`,
  );

  // A real change (not just a save): the run it triggers re-plans the whole library.
  const seen = traceRecords().length;
  const saved = Date.now();
  fs.writeFileSync(library, yaml(1001));
  await until(
    'the triggered run to start',
    () =>
      traceRecords()
        .slice(seen)
        .some((r) => r.to.startsWith('reconciling')),
    120_000,
  );
  const started = traceRecords()
    .slice(seen)
    .find((r) => r.to.startsWith('reconciling'))!;
  row('library.yaml save → run starts (debounce 500 ms)', `${Date.parse(started.at) - saved} ms`);
  await until(
    'the triggered run to end',
    () =>
      traceRecords()
        .slice(seen)
        .some((r, i, all) => i > 0 && all[i - 1]!.to.startsWith('reconciling') && isIdle(r.to)),
    600_000,
  );
  const ended = traceRecords()
    .slice(seen)
    .filter((r) => isIdle(r.to))
    .at(-1)!;
  row(
    '  …and that run (a full re-plan) ends after',
    `${((Date.parse(ended.at) - saved) / 1000).toFixed(1)} s`,
  );
  row('watcher peak resident memory', `${sample(watcher.pid!).peakMb.toFixed(0)} MB`);
} catch (err) {
  console.error(`${(err as Error).message}\n${stderr}`);
  process.exitCode = 1;
} finally {
  const exited = new Promise((r) => watcher.once('exit', r));
  const stopAt = Date.now();
  watcher.kill('SIGTERM');
  await exited;
  row('SIGTERM → exit', `${Date.now() - stopAt} ms`);
  if (!process.env.CRATESYNC_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}
