// The dashboard in headless Chromium against the REAL `cratesync watch` process (bin/cratesync.js) on a small
// demo library in a temporary folder: the page lists the base playlists and the child playlist of
// library.yaml with their state, "Reconcile now" starts a new run (which also restores a file deleted by
// hand, so the run is real work), the run shows as completed in the recent runs, the page records no errors,
// and the watcher exits 0 on SIGTERM. Chromium is Debian's (test/helpers/browser.ts); a missing browser
// fails this test rather than skipping it.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openPage,
  playlistNames,
  playlistRow,
  runIds,
  runRow,
  sharedChromium,
  type TestPage,
  waitForDashboard,
} from '../helpers/browser.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import { demoLibraryYaml, eventually } from '../helpers/watch.ts';

const TEST_TIMEOUT_MS = 120_000;
/** For the watcher to start (tsx may compile the sources first) and for a run to finish, on a busy machine. */
const WATCHER_TIMEOUT_MS = 60_000;

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/cratesync.js');

// The demo source with three playlists always names them after the first fixed demo playlists
// (src/sources/demo/awkward.ts); the child is defined in library.yaml below.
const CHILD = 'Warm-up Picks';
const CHILD_LIMIT = 5;
const BASES = ['Deep House', 'Peak Time Techno', 'Warm-up 118-122'];
const CHILDREN_YAML = `children:
  - name: ${CHILD}
    from: [Deep House, Warm-up 118-122]
    limit: ${CHILD_LIMIT}
`;

interface Watcher {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface WatchInfo {
  pid: number;
  url: string;
}

interface Status {
  loop: { state: string };
  lastRun?: { id: number; status: string };
}

interface SyncEvent {
  id: number;
  status: string;
  trigger?: string;
  actionsApplied?: number;
}

const chromium = sharedChromium();
let dir: string | undefined;
let watcher: Watcher | undefined;
let tab: TestPage | undefined;

afterAll(async () => {
  await tab?.close().catch(() => {});
  await chromium.close();
  const c = watcher?.child;
  if (c && c.exitCode === null && c.signalCode === null) {
    c.kill('SIGKILL');
    await watcher!.exited;
  }
  if (dir) removeTempDir(dir);
});

function startWatcher(cwd: string, lib: string): Watcher {
  const child = spawn(process.execPath, [bin, 'watch', '-f', lib, '--port', '0'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

async function getJson<T>(url: string, p: string): Promise<T> {
  const res = await fetch(new URL(p, url));
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The watcher is up (its watch.json names it), idle, and its first run has completed. */
async function firstRunDone(w: Watcher, stateDir: string): Promise<WatchInfo> {
  return eventually(
    async () => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) {
        throw new Error(`the watcher exited: ${w.err()}`);
      }
      const info = JSON.parse(fs.readFileSync(path.join(stateDir, 'watch.json'), 'utf8')) as WatchInfo;
      if (info.pid !== w.child.pid) return undefined;
      const s = await getJson<Status>(info.url, '/api/status');
      return s.loop.state === 'idle' && s.lastRun?.status === 'completed' ? info : undefined;
    },
    { timeoutMs: WATCHER_TIMEOUT_MS, intervalMs: 100, what: 'the watcher to finish its first run' },
  );
}

describe('dashboard of a real `cratesync watch` in headless Chromium', () => {
  it(
    'lists the playlists and the child with their state; Reconcile now runs and finishes; SIGTERM exits 0',
    async () => {
      // Chromium first: when it is missing, the test fails at once with the helper's message.
      const browser = await chromium.get();

      dir = makeTempDir('cratesync-browser-watch-');
      const lib = path.join(dir, 'library.yaml');
      const root = path.join(dir, 'music');
      const stateDir = path.join(root, '.cratesync');
      // No disk watching and an hour between polls: the only run after the first is the one the page asks for.
      fs.writeFileSync(lib, demoLibraryYaml({ playlists: 3, tracks: 24, disk: false, extra: CHILDREN_YAML }));

      watcher = startWatcher(dir, lib);
      const info = await firstRunDone(watcher, stateDir);
      // stdout is a pipe: its text may arrive a little after watch.json.
      await eventually(() => watcher!.out().includes(`dashboard  ${info.url}`), {
        timeoutMs: 10_000,
        what: `the dashboard address ${info.url} on stdout`,
      });

      // The watcher prints the link with the token only on a terminal; here stdout is a pipe.
      const token = fs.readFileSync(path.join(stateDir, 'api-token'), 'utf8').trim();
      tab = await openPage(browser, `${info.url}#token=${token}`);
      const { page, problems } = tab;
      await waitForDashboard(page);

      // Every base playlist and the child, sorted by name, each in sync and healthy after the first run.
      await playlistRow(page, CHILD).waitFor();
      expect(await playlistNames(page)).toEqual([...BASES, CHILD].sort());
      for (const name of BASES) {
        const row = playlistRow(page, name);
        expect(await row.getAttribute('data-kind'), name).toBe('base');
        expect(await row.getByTestId('playlist-sync').textContent(), name).toBe('in_sync');
        expect(await row.getByTestId('playlist-health').textContent(), name).toBe('healthy');
        expect(await row.getByTestId('playlist-reason').textContent(), name).toBe('');
      }
      const child = playlistRow(page, CHILD);
      expect(await child.getAttribute('data-kind')).toBe('child');
      expect(await child.getByTestId('playlist-kind').textContent()).toBe('child');
      expect(await child.getByTestId('playlist-sync').textContent()).toBe('in_sync');
      expect(await child.getByTestId('playlist-health').textContent()).toBe('healthy');
      expect(await child.locator('td.num').textContent()).toBe(String(CHILD_LIMIT));

      // The first run (at start) is listed as completed; the loop is idle.
      const before = await runIds(page);
      expect(before.length).toBeGreaterThan(0);
      const lastBefore = Math.max(...before);
      await runRow(page, lastBefore, 'completed').waitFor();
      await page
        .getByTestId('loop-state')
        .filter({ hasText: /^idle$/ })
        .waitFor();

      // A file deleted by hand: nothing watches the disk, so only the run the page starts brings it back.
      const deep = path.join(root, 'Playlists', 'Deep House');
      const victim = fs
        .readdirSync(deep)
        .sort()
        .find((f) => f.endsWith('.mp3') && !fs.lstatSync(path.join(deep, f)).isSymbolicLink());
      expect(victim).toBeDefined();
      fs.rmSync(path.join(deep, victim!));

      await page.getByTestId('reconcile-now').click();

      const result = page
        .getByTestId('action-result')
        .filter({ hasText: /run requested \(sync event #\d+\)/ });
      await result.waitFor();
      const runId = Number(/#(\d+)/.exec((await result.textContent()) ?? '')![1]);
      expect(runId).toBeGreaterThan(lastBefore);

      // The new run appears in the recent runs and reaches "completed"; the loop goes back to idle.
      await runRow(page, runId, 'completed').waitFor({ timeout: WATCHER_TIMEOUT_MS });
      await page
        .getByTestId('loop-state')
        .filter({ hasText: /^idle$/ })
        .waitFor({ timeout: WATCHER_TIMEOUT_MS });
      await page.getByTestId('run-idle').waitFor({ state: 'visible' });
      expect(await runRow(page, runId).getByTestId('run-status').textContent()).toBe('completed');
      expect(await runRow(page, runId).getByTestId('run-errors').textContent()).toBe('');
      const ids = await runIds(page);
      expect(ids[0]).toBe(runId);
      expect(ids).toEqual(expect.arrayContaining(before));
      expect(await playlistRow(page, 'Deep House').getByTestId('playlist-sync').textContent()).toBe(
        'in_sync',
      );

      // The watcher agrees: the run came from the API, did work, and the deleted file is back.
      const event = await getJson<SyncEvent>(info.url, `/api/sync-events/${runId}`);
      expect(event).toMatchObject({ id: runId, status: 'completed', trigger: 'api' });
      expect(event.actionsApplied).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(deep, victim!))).toBe(true);

      expect(problems).toEqual([]);
      // Close the page before stopping the watcher: its requests would fail once the server is gone.
      await tab.close();
      tab = undefined;

      watcher.child.kill('SIGTERM');
      const exit = await watcher.exited;
      expect(exit, watcher.err()).toEqual({ code: 0, signal: null });
      expect(fs.existsSync(path.join(stateDir, 'watch.json'))).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
