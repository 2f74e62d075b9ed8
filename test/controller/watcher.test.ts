// The watching controller in-process, on a real temporary library with the demo source: it converges on
// start and after library.yaml edits, ignores saves that change nothing and its own writes, parks an invalid
// library.yaml in `invalid` without applying anything, restores what was deleted by hand (watch.disk), obeys
// suspend/resume through the API, answers POST /api/reconcile with the run's sync event as soon as it has
// begun, and cleans up on stop.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileThroughWatcher, watcherLock } from '../../src/cli/delegate.ts';
import { createDownloader, createSource } from '../../src/controller/deps.ts';
import { readLock } from '../../src/controller/lock.ts';
import type { TraceRecord } from '../../src/controller/watch-loop.ts';
import { startWatcher, type Watcher, type WatcherOptions } from '../../src/controller/watcher.ts';
import { LockedError } from '../../src/errors.ts';
import { nodeFsPort } from '../../src/io/fs.ts';
import type { DesiredState, Logger } from '../../src/types.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import {
  apiClient,
  type DemoLibrary,
  demoLibraryYaml,
  eventually,
  gate,
  libraryPicture,
  links,
  playlistFolders,
  realFiles,
  sleep,
} from '../helpers/watch.ts';

const GRACE_MS = 300;

let dir: string;
let file: string;
let root: string;
let watcher: Watcher | undefined;
let logs: string[];
let trace: TraceRecord[];

const log: Logger = {
  info: (m) => logs.push(`info: ${m}`),
  warn: (m) => logs.push(`warn: ${m}`),
  error: (m) => logs.push(`error: ${m}`),
};

function writeLibrary(o: DemoLibrary = {}): void {
  fs.writeFileSync(file, demoLibraryYaml(o));
}

async function start(extra: Partial<WatcherOptions> = {}): Promise<Watcher> {
  watcher = await startWatcher({
    file,
    log,
    diskGraceMs: GRACE_MS,
    retryDelayMs: 0,
    loop: { jitter: 0 },
    trace: (r) => trace.push(r),
    ...extra,
  });
  return watcher;
}

const state = (w: Watcher) => w.loop.snapshot().state;
const idle = (w: Watcher, what = 'the loop to be idle') =>
  eventually(() => state(w) === 'idle', { what: `${what} (state ${state(w)})` });

async function events(
  w: Watcher,
): Promise<{ id: number; status: string; trigger: string; error?: string }[]> {
  return (await w.api.syncEvents(100)) as { id: number; status: string; trigger: string; error?: string }[];
}

beforeEach(() => {
  dir = makeTempDir('cratesync-watcher-');
  file = path.join(dir, 'library.yaml');
  root = path.join(dir, 'music');
  logs = [];
  trace = [];
  writeLibrary();
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  removeTempDir(dir);
});

describe('cratesync watch (in-process)', () => {
  it('converges on start, follows an edit of library.yaml, and takes none of its own writes for drift', async () => {
    const w = await start();
    await idle(w);
    expect(playlistFolders(root)).toHaveLength(3);
    const first = await events(w);
    expect(first.map((e) => [e.trigger, e.status])).toEqual([['start', 'completed']]);

    // What other commands find: the lock, watch.json and the token (0600).
    expect(readLock(nodeFsPort, path.join(root, '.cratesync/lock'))).toMatchObject({
      pid: process.pid,
      command: 'watch',
    });
    const info = JSON.parse(fs.readFileSync(path.join(root, '.cratesync/watch.json'), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, url: w.url, file });
    expect(w.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const tokenFile = path.join(root, '.cratesync/api-token');
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(w.token);

    writeLibrary({ playlists: 4 });
    await eventually(async () => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the fourth playlist folder',
    });
    const after = await events(w);
    expect(after[0]).toMatchObject({ trigger: 'config', status: 'completed' });

    // The run wrote hundreds of entries into watched folders; none of them may come back as a trigger.
    await sleep(GRACE_MS * 3);
    expect(state(w)).toBe('idle');
    expect((await events(w)).map((e) => e.trigger)).toEqual(['config', 'start']);

    const api = apiClient(w.url, w.token);
    const plan = await api.get<{ actions: unknown[] }>('/api/plan');
    expect(plan.status).toBe(200);
    expect(plan.body.actions).toEqual([]);
    const status = await api.get<{
      loop: { state: string };
      playlists: { name: string; health: string; syncState: string }[];
      recentRuns: { id: number; status: string }[];
      dedupe: { links: number };
    }>('/api/status');
    expect(status.body.loop.state).toBe('idle');
    expect(status.body.playlists).toHaveLength(4);
    expect(status.body.playlists.every((p) => p.health === 'healthy' && p.syncState === 'in_sync')).toBe(
      true,
    );
    expect(status.body.recentRuns.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(status.body.dedupe.links).toBeGreaterThan(0);
  });

  it('ignores saves that do not change the content of library.yaml', async () => {
    const w = await start();
    await idle(w);
    const changes = () => trace.filter((r) => r.event.type === 'CONFIG_CHANGED').length;
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    // Replaced by a new file with the same text, as editors that save atomically do.
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
    await sleep(700);
    expect(changes()).toBe(0);
    expect((await events(w)).length).toBe(1);
    // A real change is seen (so the silence above means something).
    fs.appendFileSync(file, '# a comment\n');
    await eventually(() => changes() > 0, { what: 'CONFIG_CHANGED' });
  });

  it('an invalid library.yaml parks the loop in invalid with FILE:LINE:COL and applies nothing; fixing it runs', async () => {
    const w = await start();
    await idle(w);
    const before = libraryPicture(root);
    const runs = (await events(w)).length;
    // Also asks for a change (a fourth playlist) that must not be applied from an invalid file.
    writeLibrary({ playlists: 4, extra: 'prune: { mode: sometimes }\n' });
    await eventually(() => state(w) === 'invalid', { what: 'the invalid state' });
    const reason = w.loop.snapshot().reason;
    expect(reason).toMatch(/library\.yaml:\d+:\d+: /);
    expect(logs.some((l) => l.startsWith('error: invalid library.yaml'))).toBe(true);

    const api = apiClient(w.url, w.token);
    const refused = await api.post<{ error: string }>('/api/reconcile');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/invalid library\.yaml: .*library\.yaml:\d+:\d+/);
    expect((await api.get('/api/plan')).status).toBe(409);
    const status = await api.get<{ loop: { state: string; reason: string } }>('/api/status');
    expect(status.body.loop).toMatchObject({ state: 'invalid' });
    expect(status.body.loop.reason).toContain('library.yaml:');

    expect(libraryPicture(root)).toEqual(before);
    expect((await events(w)).length).toBe(runs);

    writeLibrary({ playlists: 4 });
    await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the fixed library.yaml to be applied',
    });
    expect((await events(w))[0]).toMatchObject({ trigger: 'config', status: 'completed' });
  });

  it('restores a file and a link deleted by hand (watch.disk: true), also right after a run', async () => {
    const w = await start();
    await idle(w);
    const before = libraryPicture(root);
    const real = realFiles(root)[0]!;
    const link = links(root).find((l) => !l.startsWith(path.dirname(real)))!;
    // Within the grace after the first run: checked against the folders' stamp once the grace is over.
    fs.rmSync(path.join(root, real));
    await eventually(() => fs.existsSync(path.join(root, real)), { what: `${real} to come back` });
    await idle(w);
    await sleep(GRACE_MS * 2);
    // Well after a run: an ordinary change.
    fs.rmSync(path.join(root, link));
    await eventually(() => fs.existsSync(path.join(root, link)), { what: `${link} to come back` });
    await idle(w);
    expect(libraryPicture(root)).toEqual(before);
    expect((await events(w)).map((e) => e.trigger)).toEqual(['disk', 'disk', 'start']);
  });

  it('does not watch the disk without watch.disk', async () => {
    writeLibrary({ disk: false });
    const w = await start();
    await idle(w);
    await sleep(GRACE_MS * 2);
    const real = realFiles(root)[0]!;
    fs.rmSync(path.join(root, real));
    await sleep(700);
    expect(fs.existsSync(path.join(root, real))).toBe(false);
    expect((await events(w)).length).toBe(1);
    // A request repairs it.
    const api = apiClient(w.url, w.token);
    const { body } = await api.post<{ syncEventId: number }>('/api/reconcile');
    await eventually(
      async () => (await api.get(`/api/sync-events/${body.syncEventId}`)).body.status === 'completed',
    );
    expect(fs.existsSync(path.join(root, real))).toBe(true);
  });

  it('suspends and resumes through the API', async () => {
    const w = await start();
    await idle(w);
    const api = apiClient(w.url, w.token);
    expect((await api.post('/api/suspend', {})).status).toBe(400);
    expect((await apiClient(w.url, 'wrong').post('/api/suspend', { reason: 'x' })).status).toBe(403);
    expect((await api.post('/api/suspend', { reason: 'gig tonight' })).status).toBe(200);
    expect(state(w)).toBe('suspended');
    const status = await api.get<{ loop: { state: string; reason: string } }>('/api/status');
    expect(status.body.loop).toMatchObject({ state: 'suspended' });
    expect(status.body.loop.reason).toContain('gig tonight');

    writeLibrary({ playlists: 4 });
    await eventually(() => trace.some((r) => r.event.type === 'CONFIG_CHANGED'), { what: 'the change' });
    await sleep(500);
    expect(playlistFolders(root)).toHaveLength(3);
    expect(state(w)).toBe('suspended');
    const refused = await api.post<{ error: string }>('/api/reconcile');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('suspended');

    expect((await api.post('/api/resume')).status).toBe(200);
    await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the held change to be applied after resume',
    });
  });

  describe('with a run held at the start of observe', () => {
    const held = gate();
    const ports = (desired: DesiredState) => {
      const source = createSource(desired, nodeFsPort);
      const fingerprint = source.fingerprint?.bind(source);
      return {
        source: {
          ...source,
          observe: source.observe.bind(source),
          async fingerprint(signal: AbortSignal) {
            await held.wait(signal);
            return (await fingerprint?.(signal)) ?? 'none';
          },
        },
        downloader: createDownloader(desired, nodeFsPort),
      };
    };
    afterEach(() => held.open());

    it('POST /api/reconcile answers as soon as the run has begun; status shows the run', async () => {
      const w = await start({ ports });
      await idle(w);
      held.close();
      const api = apiClient(w.url, w.token);
      const posted = await api.post<{ syncEventId: number; eventId: number }>('/api/reconcile');
      expect(posted.status).toBe(202);
      const id = posted.body.syncEventId;
      expect(id).toBeGreaterThan(1);
      await eventually(() => held.held === 1, { what: 'the run to reach the gate' });
      const event = await api.get<{ status: string; trigger: string }>(`/api/sync-events/${id}`);
      expect(event.body).toMatchObject({ status: 'in_progress', trigger: 'api' });
      const status = await api.get<{
        run?: { eventId: number; trigger: string; progress?: { phase: string } };
      }>('/api/status');
      expect(status.body.run).toMatchObject({ eventId: id, trigger: 'api', progress: { phase: 'observe' } });
      held.open();
      await eventually(async () => (await api.get(`/api/sync-events/${id}`)).body.status === 'completed', {
        what: `sync event ${id} to complete`,
      });
    });

    it('a requested run cancelled by a library.yaml change points to the run that took over', async () => {
      const w = await start({ ports });
      await idle(w);
      held.close();
      const api = apiClient(w.url, w.token);
      const id = (await api.post<{ syncEventId: number }>('/api/reconcile')).body.syncEventId;
      await eventually(() => held.held === 1, { what: 'the run to reach the gate' });
      writeLibrary({ playlists: 4 });
      const cancelled = await eventually(
        async () => {
          const e = (await api.get<{ status: string; supersededBy?: number }>(`/api/sync-events/${id}`)).body;
          return e.status === 'failed' && e.supersededBy !== undefined ? e : undefined;
        },
        { what: 'the cancelled run to point to its successor' },
      );
      expect(cancelled.supersededBy).toBeGreaterThan(id);
      held.open();
      await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle');
      const next = (
        await api.get<{ status: string; trigger: string }>(`/api/sync-events/${cancelled.supersededBy}`)
      ).body;
      expect(next).toMatchObject({ status: 'completed' });
    });

    it('stop() aborts the run in flight, records it, and removes the lock, watch.json and the token', async () => {
      const w = await start({ ports });
      await idle(w);
      held.close();
      const api = apiClient(w.url, w.token);
      const id = (await api.post<{ syncEventId: number }>('/api/reconcile')).body.syncEventId;
      await eventually(() => held.held === 1);
      await w.stop();
      watcher = undefined;
      expect(state(w)).toBe('stopped');
      for (const f of ['lock', 'watch.json', 'api-token'])
        expect(fs.existsSync(path.join(root, '.cratesync', f)), f).toBe(false);
      await expect(fetch(w.url)).rejects.toThrow();
      // The aborted run is on record, and a new watcher starts on the same library.
      const again = await start();
      await idle(again);
      const rows = await events(again);
      expect(rows.find((e) => e.id === id)).toMatchObject({ status: 'failed' });
      expect(rows[0]).toMatchObject({ trigger: 'start', status: 'completed' });
    });
  });

  it('refuses to start on a library another watcher holds, and on an invalid library.yaml', async () => {
    const w = await start();
    await idle(w);
    const second = startWatcher({
      file,
      log,
      proc: { pid: 1, hostname: os.hostname(), isAlive: () => true },
    });
    await expect(second).rejects.toThrow(LockedError);
    await expect(second).rejects.toThrow(new RegExp(`pid ${process.pid}.*running watch`));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, demoLibraryYaml().replace('root:', 'rooot:'));
    await expect(startWatcher({ file: bad, log })).rejects.toThrow(/root/);
  });

  it('`reconcile` delegates to a running watcher, and refuses clearly when it cannot reach it', async () => {
    const w = await start();
    await idle(w);
    // As another process (the CLI) sees it.
    const other = { pid: process.pid + 1, hostname: os.hostname(), isAlive: () => true };
    const lock = watcherLock(nodeFsPort, root, other);
    expect(lock).toMatchObject({ pid: process.pid, command: 'watch' });
    const real = realFiles(root)[0]!;
    fs.rmSync(path.join(root, real));
    const run = await reconcileThroughWatcher({ fs: nodeFsPort, root, lock: lock! });
    expect(fs.existsSync(path.join(root, real))).toBe(true);
    expect(run).toMatchObject({ status: 'completed', watcher: { pid: process.pid, url: w.url } });
    expect(run.summary?.downloads).toBeGreaterThanOrEqual(1);
    expect((await events(w))[0]).toMatchObject({ id: run.eventId, trigger: 'api' });

    // A watcher that holds the lock but does not answer.
    const url = w.url;
    await w.stop();
    watcher = undefined;
    fs.mkdirSync(path.join(root, '.cratesync'), { recursive: true });
    const startedAt = new Date().toISOString();
    fs.writeFileSync(
      path.join(root, '.cratesync/lock'),
      JSON.stringify({ pid: 4242, host: other.hostname, startedAt, command: 'watch' }),
    );
    fs.writeFileSync(
      path.join(root, '.cratesync/watch.json'),
      JSON.stringify({ pid: 4242, url, startedAt, host: '127.0.0.1', port: 1, file }),
    );
    fs.writeFileSync(path.join(root, '.cratesync/api-token'), 'stale\n');
    const stale = watcherLock(nodeFsPort, root, other)!;
    const refused = reconcileThroughWatcher({ fs: nodeFsPort, root, lock: stale });
    await expect(refused).rejects.toThrow(LockedError);
    await expect(refused).rejects.toThrow(new RegExp(`pid 4242.*${url.replace(/[.:/]/g, '\\$&')}`));
  });
});
