// The dashboard in headless Chromium against the real status API (in-process, 127.0.0.1, a free port) and a
// fake ApiPort: the playlists and children are shown with their state, "Reconcile now" starts a run whose
// live progress appears, and the run then shows as finished in the recent runs. Chromium is Debian's
// (test/helpers/browser.ts); a missing browser fails these tests rather than skipping them.

import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ApiPort,
  ApiStatus,
  PlaylistStatus,
  ProgressEvent,
  RunInfo,
  RunInProgress,
} from '../../src/api/port.ts';
import { type ApiServer, startApiServer } from '../../src/api/routes.ts';
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

const TEST_TIMEOUT_MS = 120_000;

const PLAYLISTS: PlaylistStatus[] = [
  { name: 'Deep House', kind: 'base', sourceId: 'p1', syncState: 'in_sync', health: 'healthy', tracks: 42 },
  {
    name: 'Techno <Peak>',
    kind: 'base',
    sourceId: 'p2',
    syncState: 'needs_download',
    health: 'progressing',
    tracks: 17,
  },
  {
    name: 'Warmup 120-124',
    kind: 'child',
    syncState: 'needs_update',
    health: 'degraded',
    reason: '3 tracks failed to download: timeout',
    tracks: 9,
  },
];

interface FakeWatcher extends ApiPort {
  runsRequested: number;
  /** Hold the next run after its first progress events until release() is called. */
  holdNextRun(): { release(): void };
}

/** A watcher that converged twice before; a requested run reports progress and finishes shortly after. */
function fakeWatcher(): FakeWatcher {
  const listeners = new Set<(e: ProgressEvent) => void>();
  const recentRuns: RunInfo[] = [
    {
      id: 2,
      status: 'completed',
      trigger: 'poll',
      startedAt: '2026-01-02T10:15:00.000Z',
      finishedAt: '2026-01-02T10:15:04.000Z',
      actionsApplied: 0,
      actionsFailed: 0,
    },
    {
      id: 1,
      status: 'failed',
      trigger: 'start',
      startedAt: '2026-01-02T10:00:00.000Z',
      finishedAt: '2026-01-02T10:00:09.000Z',
      error: 'TIDAL: 503 Service Unavailable',
    },
  ];
  let run: RunInProgress | undefined;
  let nextId = 3;
  let gate: Promise<void> | undefined;

  const emit = (event: ProgressEvent): void => {
    if (run) run.progress = event;
    for (const l of listeners) l(event);
  };
  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  const perform = async (id: number, held: Promise<void> | undefined): Promise<void> => {
    emit({ phase: 'observe', done: 0, total: 0, eventId: id });
    await pause(50);
    emit({ phase: 'download', done: 1, total: 3, message: 'Artist - Song', eventId: id });
    await held;
    for (const done of [2, 3]) {
      await pause(50);
      emit({ phase: 'download', done, total: 3, eventId: id });
    }
    // Record the run before announcing "done": the page refreshes its status when it hears it.
    recentRuns.unshift({
      id,
      status: 'completed',
      trigger: 'api',
      startedAt: run!.startedAt,
      finishedAt: new Date().toISOString(),
      actionsApplied: 3,
      actionsFailed: 0,
    });
    run = undefined;
    emit({ phase: 'done', done: 3, total: 3, eventId: id });
  };

  const fake: FakeWatcher = {
    runsRequested: 0,
    holdNextRun() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return { release };
    },
    status: (): ApiStatus => ({
      loop: run
        ? { state: 'reconciling', reason: 'requested from the API', since: run.startedAt }
        : { state: 'idle', reason: 'converged', nextRunAt: new Date(Date.now() + 15 * 60_000).toISOString() },
      run: run && { ...run },
      lastRun: recentRuns[0],
      recentRuns: recentRuns.slice(0, 10),
      playlists: PLAYLISTS,
      dedupe: { sharedTracks: 5, links: 12, bytesSaved: 96_000_000 },
    }),
    plan: async () => ({ actions: [], skipped: [], summary: {} }),
    requestRun: async () => {
      fake.runsRequested++;
      if (run?.eventId !== undefined) return { eventId: run.eventId };
      const id = nextId++;
      run = { eventId: id, trigger: 'api', startedAt: new Date().toISOString() };
      const held = gate;
      gate = undefined;
      void perform(id, held);
      return { eventId: id };
    },
    syncEvents: (limit) => recentRuns.slice(0, limit).map((r) => ({ ...r })),
    syncEvent: (id) => {
      const r = recentRuns.find((x) => x.id === id);
      return r && { ...r };
    },
    playlist: (name) => {
      const p = PLAYLISTS.find((x) => x.name === name);
      return p && { ...p };
    },
    suspend: () => {},
    resume: () => {},
    onProgress: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return fake;
}

const chromium = sharedChromium();
let watcher: FakeWatcher;
let server: ApiServer;
let token: string;
let tab: TestPage | undefined;

beforeEach(async () => {
  watcher = fakeWatcher();
  token = randomBytes(16).toString('hex');
  server = await startApiServer({
    api: watcher,
    token,
    port: 0,
    host: '127.0.0.1',
    // Short heartbeats keep the event stream visibly alive even on a slow machine.
    heartbeatMs: 2_000,
  });
});

afterEach(async () => {
  await tab?.close();
  tab = undefined;
  await server.close();
});

afterAll(async () => {
  await chromium.close();
});

async function openDashboard(): Promise<TestPage> {
  const browser = await chromium.get();
  // As `cratesync watch` prints it: the token in the fragment.
  tab = await openPage(browser, `${server.url}#token=${token}`);
  await waitForDashboard(tab.page);
  return tab;
}

describe('dashboard in headless Chromium', () => {
  it(
    'shows every playlist and child with its sync state, health and reason, and the recent runs',
    async () => {
      const { page, problems } = await openDashboard();

      await playlistRow(page, 'Warmup 120-124').waitFor();
      expect(await playlistNames(page)).toEqual(PLAYLISTS.map((p) => p.name));

      const warmup = playlistRow(page, 'Warmup 120-124');
      expect(await warmup.getAttribute('data-kind')).toBe('child');
      expect(await warmup.getByTestId('playlist-sync').textContent()).toBe('needs_update');
      expect(await warmup.getByTestId('playlist-health').textContent()).toBe('degraded');
      expect(await warmup.getByTestId('playlist-reason').textContent()).toBe(
        '3 tracks failed to download: timeout',
      );
      // A name that looks like markup is shown as text.
      expect(await playlistRow(page, 'Techno <Peak>').getByTestId('playlist-name').textContent()).toBe(
        'Techno <Peak>',
      );

      expect(await page.getByTestId('loop-state').textContent()).toBe('idle');
      expect(await runIds(page)).toEqual([2, 1]);
      expect(await runRow(page, 1, 'failed').getByTestId('run-errors').textContent()).toContain(
        'TIDAL: 503 Service Unavailable',
      );
      expect(await page.getByTestId('dedupe-savings').textContent()).toContain('12 links');
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Reconcile now starts a run, shows its live progress, then lists it as finished',
    async () => {
      const { page, problems } = await openDashboard();
      await runRow(page, 2).waitFor();
      const hold = watcher.holdNextRun();

      await page.getByTestId('reconcile-now').click();

      await page.getByTestId('action-result').filter({ hasText: 'run requested (sync event #3)' }).waitFor();
      expect(watcher.runsRequested).toBe(1);
      // While the fake holds the run, the page shows it in progress with its live progress.
      await page.getByTestId('run-current').waitFor({ state: 'visible' });
      await page
        .getByTestId('run-phase')
        .filter({ hasText: /^download$/ })
        .waitFor();
      await page.getByTestId('run-count').filter({ hasText: '1 / 3' }).waitFor();
      expect(await page.getByTestId('run-title').textContent()).toContain('run #3');
      expect(await page.getByTestId('loop-state').textContent()).toBe('reconciling');

      hold.release();

      await runRow(page, 3, 'completed').waitFor();
      await page.getByTestId('run-idle').waitFor({ state: 'visible' });
      expect(await page.getByTestId('run-current').isHidden()).toBe(true);
      expect(await runIds(page)).toEqual([3, 2, 1]);
      expect(await runRow(page, 3).getByTestId('run-status').textContent()).toBe('completed');
      await page
        .getByTestId('loop-state')
        .filter({ hasText: /^idle$/ })
        .waitFor();
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
