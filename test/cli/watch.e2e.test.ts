// `cratesync watch` as a real process (bin/cratesync.js) on a temporary library with a file catalogue and a
// slow command downloader: it converges, follows a library.yaml edit, restores a file deleted by hand
// (watch.disk), serves `cratesync reconcile`, survives a SIGKILL in the middle of a run (the next start
// marks that run failed and finishes the work), and exits 0 on SIGTERM, removing watch.json, the token and
// the lock. A `reconcile` facing a watcher it cannot reach refuses, naming the pid and the address.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentMp3 } from '../../src/downloaders/mp3-silence.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import { eventually } from '../helpers/watch.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/cratesync.js');
const fake = path.join(repo, 'test/helpers/fake-downloader.mjs');
const FRAMES_PER_SECOND = 44_100 / 1152;

let dir: string;
let lib: string;
let root: string;
const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(...args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exited };
}

async function run(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = start(...args);
  const { code } = await p.exited;
  return { code, out: p.out(), err: p.err() };
}

const cs = (...parts: string[]) => path.join(root, '.cratesync', ...parts);

interface Info {
  pid: number;
  url: string;
}
const watchInfo = (): Info | undefined => {
  try {
    return JSON.parse(fs.readFileSync(cs('watch.json'), 'utf8')) as Info;
  } catch {
    return undefined;
  }
};

async function get<T>(url: string, p: string): Promise<T> {
  const res = await fetch(new URL(p, url));
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

interface Status {
  loop: { state: string; reason: string };
  lastRun?: { id: number; status: string };
  run?: { eventId?: number; progress?: { phase: string; done: number; total: number } };
}

/** Waits until the watcher's run is downloading, with some downloads done and some still to do. */
async function midDownloads(info: Info): Promise<void> {
  await eventually(
    async () => {
      const p = (await get<Status>(info.url, '/api/status')).run?.progress;
      return p?.phase === 'download' && p.done >= 1 && p.done <= p.total - 4;
    },
    { timeoutMs: 30_000, intervalMs: 25, what: 'a run in the middle of its downloads' },
  );
}

/** The watcher of `proc` is up, idle, and its last run completed at least `runs` runs. */
async function settled(proc: Proc, what: string, minRunId = 1): Promise<Info> {
  return eventually(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`the watcher exited: ${proc.err()}`);
      const info = watchInfo();
      if (!info || info.pid !== proc.child.pid) return undefined;
      const s = await get<Status>(info.url, '/api/status');
      const ok = s.loop.state === 'idle' && s.lastRun?.status === 'completed' && s.lastRun.id >= minRunId;
      return ok ? info : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what },
  );
}

async function lastRunId(info: Info): Promise<number> {
  return (await get<Status>(info.url, '/api/status')).lastRun?.id ?? 0;
}

const files = (folder: string): string[] => {
  const d = path.join(root, 'Playlists', folder);
  return fs.existsSync(d) ? fs.readdirSync(d).sort() : [];
};

const realFiles = (folder: string): string[] =>
  files(folder).filter((f) => !fs.lstatSync(path.join(root, 'Playlists', folder, f)).isSymbolicLink());

function track(id: string) {
  return { title: `Song ${id}`, artists: [`Artist ${id}`], durationSeconds: 30 };
}

function libraryYaml(opts: { extra?: string; deepAs?: string } = {}): string {
  return `version: 1
source: { provider: file, file: { path: ./catalog.json } }
root: ./music
playlists:
  - id: p-a
${opts.deepAs ? `    as: ${opts.deepAs}\n` : ''}  - id: p-b
${opts.extra ?? ''}download:
  tool: command
  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(fake)}, delayed, "{dir}", "{url}", ${JSON.stringify(path.join(dir, 'fixture.mp3'))}, "250"]
  concurrency: 2
  retries: 0
watch: { interval: 1h, debounce: 200ms, disk: true, http: "127.0.0.1:0" }
`;
}

beforeAll(() => {
  dir = makeTempDir('cratesync-watch-e2e-');
  lib = path.join(dir, 'library.yaml');
  root = path.join(dir, 'music');
  fs.writeFileSync(path.join(dir, 'fixture.mp3'), silentMp3(Math.round(30 * FRAMES_PER_SECOND)));
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const all = [...ids('a', 4), ...ids('b', 2), ...ids('c', 14)];
  fs.writeFileSync(
    path.join(dir, 'catalog.json'),
    JSON.stringify({
      playlists: [
        { id: 'p-a', name: 'Alpha', items: ids('a', 4) },
        { id: 'p-b', name: 'Bravo', items: ['a1', ...ids('b', 2)] },
        { id: 'p-c', name: 'Charlie', items: ids('c', 14) },
      ],
      tracks: Object.fromEntries(all.map((id) => [id, track(id)])),
    }),
  );
  fs.writeFileSync(lib, libraryYaml());
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeTempDir(dir);
});

describe('cratesync watch (real process)', () => {
  it('converges, follows edits, self-heals, serves reconcile, recovers from SIGKILL, exits 0 on SIGTERM', async () => {
    const trace = path.join(dir, 'trace.jsonl');
    const w1 = start('watch', '-f', lib, '--trace', trace);
    let info = await settled(w1, 'the first run');
    expect(w1.out()).toContain(`dashboard  ${info.url}`);
    expect(realFiles('Alpha')).toHaveLength(4);
    expect(files('Bravo')).toHaveLength(3);
    const lines = fs
      .readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ from: null, to: 'reconciling.running' });
    expect(lines.some((l) => l.to === 'idle')).toBe(true);

    // An edit of library.yaml: the playlist gets a local name, and its folder follows.
    let before = await lastRunId(info);
    fs.writeFileSync(lib, libraryYaml({ deepAs: 'Deep' }));
    await eventually(() => files('Alpha').length === 0 && realFiles('Deep').length === 4, {
      timeoutMs: 30_000,
      what: 'Alpha to become Deep',
    });
    info = await settled(w1, 'the edit to be applied', before + 1);

    // A file deleted by hand comes back.
    before = await lastRunId(info);
    const victim = realFiles('Deep')[0]!;
    fs.rmSync(path.join(root, 'Playlists/Deep', victim));
    await eventually(() => fs.existsSync(path.join(root, 'Playlists/Deep', victim)), {
      timeoutMs: 30_000,
      what: `${victim} to be restored`,
    });
    info = await settled(w1, 'the repair run', before + 1);

    // `cratesync reconcile` while the watcher holds the lock: the watcher runs it.
    before = await lastRunId(info);
    const delegated = await run('reconcile', '-f', lib);
    expect(delegated.err).toContain(`cratesync watch (pid ${w1.child.pid}) holds this library`);
    expect(delegated.out).toMatch(/Reconciled .* in [\d.]+ s/);
    expect(delegated.code).toBe(0);
    const asJson = await run('reconcile', '-f', lib, '--json');
    expect(asJson.code).toBe(0);
    const parsed = JSON.parse(asJson.out);
    expect(parsed).toMatchObject({ status: 'completed', watcher: { pid: w1.child.pid } });
    expect(parsed.syncEventId).toBeGreaterThan(before);
    const event = await get<{ trigger: string; status: string }>(
      info.url,
      `/api/sync-events/${parsed.syncEventId}`,
    );
    expect(event).toMatchObject({ trigger: 'api', status: 'completed' });

    // A long run (14 slow downloads) killed in the middle.
    fs.writeFileSync(lib, libraryYaml({ deepAs: 'Deep', extra: '  - id: p-c\n' }));
    await midDownloads(info);
    w1.child.kill('SIGKILL');
    expect((await w1.exited).signal).toBe('SIGKILL');
    const atKill = realFiles('Charlie').length;
    expect(atKill).toBeLessThan(14);
    expect(fs.existsSync(cs('lock'))).toBe(true);

    const w2 = start('watch', '-f', lib);
    info = await settled(w2, 'the restarted watcher to converge');
    expect(realFiles('Charlie')).toHaveLength(14);
    expect(w2.err()).toContain(`taking over a stale lock left by pid ${w1.child.pid}`);
    const events = await get<{ id: number; status: string; error?: string }[]>(
      info.url,
      '/api/sync-events?limit=50',
    );
    expect(events.some((e) => e.status === 'failed' && /interrupted/.test(e.error ?? ''))).toBe(true);
    expect(events.some((e) => e.status === 'in_progress')).toBe(false);

    // SIGTERM in the middle of a run: the run is aborted and recorded, exit 0 within 10 s, nothing left behind.
    // (Deleted by hand, the 14 files take 14 slow downloads to restore.)
    const runId = await lastRunId(info);
    for (const f of realFiles('Charlie')) fs.rmSync(path.join(root, 'Playlists/Charlie', f));
    await midDownloads(info);
    const t0 = Date.now();
    w2.child.kill('SIGTERM');
    const exit = await w2.exited;
    expect(exit, w2.err()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(realFiles('Charlie').length).toBeLessThan(14);
    for (const f of ['watch.json', 'lock', 'api-token']) expect(fs.existsSync(cs(f)), f).toBe(false);
    const status = await run('status', '-f', lib, '--json');
    const runs = JSON.parse(status.out).recentRuns as { id: number; status: string; error?: string }[];
    // The stopped run is on record and finished (not left in_progress for the next start to clean up).
    expect(runs[0]!.id).toBeGreaterThan(runId);
    expect(runs[0]!.status).not.toBe('in_progress');
    expect(w2.err()).toContain('SIGTERM: stopping');

    // With no watcher, reconcile runs by itself again and finishes the work.
    const alone = await run('reconcile', '-f', lib, '--json');
    expect(alone.err).not.toContain('cratesync watch');
    expect(alone.code).toBe(0);
    expect(JSON.parse(alone.out).summary.downloads).toBeGreaterThan(0);
    expect(realFiles('Charlie')).toHaveLength(14);
    expect((await run('plan', '-f', lib, '--detailed-exitcode')).code).toBe(0);
    // Usually about 20 s; a loaded machine gets room.
  }, 120_000);

  it('`reconcile` refuses when the watcher holding the lock cannot be reached, naming its pid and address', async () => {
    const other = makeTempDir('cratesync-watch-refuse-');
    try {
      const otherLib = path.join(other, 'library.yaml');
      fs.writeFileSync(otherLib, libraryYaml().replace('./catalog.json', path.join(dir, 'catalog.json')));
      const state = path.join(other, 'music/.cratesync');
      fs.mkdirSync(state, { recursive: true });
      // A live pid that is not a watcher's: this test process. Port 9 (discard) is not listening.
      const startedAt = new Date().toISOString();
      const url = 'http://127.0.0.1:9/';
      fs.writeFileSync(
        path.join(state, 'lock'),
        JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt, command: 'watch' }),
      );
      fs.writeFileSync(
        path.join(state, 'watch.json'),
        JSON.stringify({ pid: process.pid, url, startedAt, host: '127.0.0.1', port: 9, file: otherLib }),
      );
      fs.writeFileSync(path.join(state, 'api-token'), 'token\n', { mode: 0o600 });
      const r = await run('reconcile', '-f', otherLib);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`pid ${process.pid}`);
      expect(r.err).toContain(url);
      expect(r.err).toContain('cannot be reached');
      expect(fs.existsSync(path.join(other, 'music/Playlists'))).toBe(false);
    } finally {
      removeTempDir(other);
    }
  });
});
