// The small parts of the watcher on their own: the `watch:` settings, which sync event a run has (and which
// one took over a cancelled run), run progress for the event stream, playlist health, and the loop telling a
// requester which run took its request.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../src/api/port.ts';
import { createProgressHub } from '../../src/controller/progress-hub.ts';
import { createRunTracker } from '../../src/controller/run-tracker.ts';
import { playlistStatus } from '../../src/controller/watch-api.ts';
import { startWatchLoop } from '../../src/controller/watch-loop.ts';
import { loadDesiredStateFromText } from '../../src/desired/load.ts';
import { normalizeWatch, parseDuration, parseHostPort } from '../../src/desired/normalize.ts';
import { ConfigError, formatIssue } from '../../src/errors.ts';
import type { PlaylistHealthRow } from '../../src/state/watch-queries.ts';

const MINIMAL = `version: 1
source: { provider: demo }
root: ./music
playlists:
  - select: all
`;

describe('watch: settings', () => {
  it('parses durations and ADDRESS:PORT', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('15 m')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(parseHostPort('127.0.0.1:7465')).toEqual({ host: '127.0.0.1', port: 7465 });
    expect(parseHostPort('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseHostPort('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseHostPort('localhost')).toBeUndefined();
  });

  it('fills in the defaults (loopback, 15 min, 2 s, no disk watch)', () => {
    expect(normalizeWatch({})).toEqual({
      intervalMs: 900_000,
      debounceMs: 2000,
      disk: false,
      http: { host: '127.0.0.1', port: 7465 },
    });
    const d = loadDesiredStateFromText(
      `${MINIMAL}watch: { disk: true, http: "0.0.0.0:80" }\n`,
      '/l/library.yaml',
    );
    expect(d.watch).toEqual({
      intervalMs: 900_000,
      debounceMs: 2000,
      disk: true,
      http: { host: '0.0.0.0', port: 80 },
    });
    expect(loadDesiredStateFromText(MINIMAL, '/l/library.yaml').watch).toBeUndefined();
  });

  it('rejects a poll interval under a second and a port that does not exist, with FILE:LINE:COL', () => {
    const issues = (text: string) => {
      try {
        loadDesiredStateFromText(text, '/l/library.yaml');
        return [];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.issues.map(formatIssue);
      }
    };
    expect(issues(`${MINIMAL}watch:\n  interval: 500ms\n`)).toEqual([
      expect.stringMatching(/library\.yaml:7:13: watch\.interval: must be at least 1s/),
    ]);
    expect(issues(`${MINIMAL}watch: { http: "127.0.0.1:70000" }\n`)).toEqual([
      expect.stringMatching(/library\.yaml:6:16: watch\.http: port 70000 does not exist/),
    ]);
    expect(issues(`${MINIMAL}watch: { debounce: soon }\n`)[0]).toMatch(/library\.yaml:6:\d+: .*duration/);
  });
});

describe('run tracker', () => {
  it('tells a waiter the sync event as soon as the run has one, at once when it already has', () => {
    const t = createRunTracker();
    const seen: number[] = [];
    t.begin(1, 'api', 0);
    t.whenEvent(1, (id) => seen.push(id));
    expect(seen).toEqual([]);
    t.event(1, 41);
    expect(seen).toEqual([41]);
    t.whenEvent(1, (id) => seen.push(id * 10));
    expect(seen).toEqual([41, 410]);
    expect(t.current()).toMatchObject({ runId: 1, eventId: 41, trigger: 'api' });
    t.end(1, false);
    expect(t.current()).toBeUndefined();
  });

  it('points a cancelled run to the one that restarted it, not a stopped or finished one', () => {
    const t = createRunTracker();
    t.begin(1, 'poll', 0);
    t.event(1, 7);
    t.end(1, true);
    t.begin(2, 'config', 0);
    t.event(2, 8);
    t.end(2, false);
    t.begin(3, 'poll', 0);
    t.event(3, 9);
    expect(t.supersededBy(7)).toBe(8);
    expect(t.supersededBy(8)).toBeUndefined();
    // A request for a run that was cancelled while validating waits for the restart only.
    const seen: number[] = [];
    t.whenEvent(4, (id) => seen.push(id));
    t.begin(5, 'api', 0);
    t.event(5, 10);
    expect(seen).toEqual([]);
  });
});

describe('progress hub', () => {
  afterEach(() => vi.useRealTimers());

  it('publishes phases at once, ticks at most every tickMs, and a done event with the sync event', async () => {
    vi.useFakeTimers();
    const hub = createProgressHub({ tickMs: 100 });
    const events: ProgressEvent[] = [];
    const off = hub.subscribe((e) => events.push(e));
    hub.begin();
    hub.setEvent(12);
    hub.phase('observe');
    hub.start('Downloading', 50);
    for (let i = 0; i < 50; i++) hub.tick();
    expect(hub.current()).toMatchObject({ phase: 'download', done: 50, total: 50, eventId: 12 });
    const ticks = () => events.filter((e) => e.phase === 'download' && e.done > 0).length;
    expect(ticks()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(ticks()).toBe(1);
    hub.finish('completed');
    expect(events.at(-1)).toEqual({ phase: 'done', done: 50, total: 50, message: 'completed', eventId: 12 });
    expect(hub.current()).toBeUndefined();
    expect(events.map((e) => e.phase)).toEqual([
      'validate',
      'validate',
      'observe',
      'download',
      'download',
      'done',
    ]);
    off();
    hub.begin();
    expect(events).toHaveLength(6);
  });
});

describe('playlist health', () => {
  const row = (o: Partial<PlaylistHealthRow>): PlaylistHealthRow => ({
    sourceId: 'p1',
    name: 'Deep',
    syncStatus: 'in_sync',
    entries: 10,
    notInPlace: 0,
    failedDownloads: 0,
    ...o,
  });

  it('is healthy in sync, degraded with failed downloads (and says why), progressing while a run fixes it', () => {
    expect(playlistStatus(row({}), false)).toMatchObject({ health: 'healthy', kind: 'base', tracks: 10 });
    expect(
      playlistStatus(
        row({ syncStatus: 'needs_download', notInPlace: 3, failedDownloads: 3, firstError: 'timeout' }),
        true,
      ),
    ).toMatchObject({ health: 'degraded', reason: '3 tracks failed to download: timeout' });
    expect(playlistStatus(row({ syncStatus: 'needs_update', notInPlace: 2 }), true)).toMatchObject({
      health: 'progressing',
      reason: '2 of 10 tracks not in place (needs update)',
    });
    expect(playlistStatus(row({ syncStatus: 'needs_update', notInPlace: 2 }), false).health).toBe('degraded');
    expect(playlistStatus(row({ syncStatus: 'unknown' }), false).health).toBe('unknown');
    expect(playlistStatus(row({ sourceId: 'child:Warmup', name: 'Warmup' }), false)).toMatchObject({
      kind: 'child',
      sourceId: 'Warmup',
    });
  });
});

describe('watch loop: requestRun', () => {
  it('tells the requester which run took its request, again when a cancelled run restarts', async () => {
    let release: () => void = () => {};
    const started: number[] = [];
    const loop = startWatchLoop({
      runOnStart: false,
      validate: async () => ({ ok: true }),
      run: ({ signal, onPhase }) =>
        new Promise((resolve) => {
          onPhase('observe');
          signal.addEventListener('abort', () => resolve({ ok: false, error: 'cancelled' }));
          release = () => resolve({ ok: true, eventId: 5 });
        }),
    });
    const outcome = loop.requestRun('api', { onStart: (runId) => started.push(runId) });
    await vi.waitFor(() => expect(started).toEqual([1]));
    // Another request during observe cancels run 1; the first request now rides on run 2.
    const second = loop.requestRun('api');
    await vi.waitFor(() => expect(started).toEqual([1, 2]));
    release();
    expect(await outcome).toMatchObject({ ok: true, eventId: 5, runId: 2 });
    expect(await second).toMatchObject({ runId: 2 });
    await loop.stop();
  });
});
