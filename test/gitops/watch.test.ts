// `cratesync watch` following library.yaml on GitHub, in-process against the fake GitHub API on 127.0.0.1
// and a real temporary library with the demo source: each new commit is applied by one run and only one
// (its sync_events row carries the sha; unchanged polls are 304s and start nothing), its commit status goes
// pending → success; an invalid file at a new commit gets `failure`, parks the loop in `invalid` and
// applies nothing until a fixed commit; a GitHub that cannot be read (500s, dropped connections, no server,
// a rate limit) never stops the loop from reconciling the library in force, and says so in the status.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiStatus, ConfigSourceStatus } from '../../src/api/port.ts';
import { readWatchInfo } from '../../src/controller/watch-info.ts';
import type { TraceRecord } from '../../src/controller/watch-loop.ts';
import { startWatcher, type Watcher, type WatcherOptions } from '../../src/controller/watcher.ts';
import { ConfigError } from '../../src/errors.ts';
import { createGitHubClient } from '../../src/gitops/client.ts';
import { parseGitHubSpec } from '../../src/gitops/spec.ts';
import type { Logger } from '../../src/types.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import {
  apiClient,
  demoLibraryYaml,
  eventually,
  libraryPicture,
  playlistFolders,
  realFiles,
} from '../helpers/watch.ts';

const SOURCE = 'github:me/crates/config/library.yaml@main';
const spec = parseGitHubSpec(SOURCE);
const DASHBOARD = 'https://music-box.example/cratesync/';
const FILE = 'config/library.yaml';

let fake: FakeGitHub;
let dir: string;
let root: string;
let watcher: Watcher | undefined;
let logs: string[];
let trace: TraceRecord[];

const log: Logger = {
  info: (m) => logs.push(`info: ${m}`),
  warn: (m) => logs.push(`warn: ${m}`),
  error: (m) => logs.push(`error: ${m}`),
};

/** library.yaml for the demo source with `playlists` playlists; the loop's own poll is an hour away. */
const lib = (playlists: number, extra = '') =>
  demoLibraryYaml({ playlists, interval: '1h', debounce: '50ms', disk: false, extra });

const push = (text: string) => fake.commit('me', 'crates', { [FILE]: text });

async function start(extra: Partial<WatcherOptions> = {}): Promise<Watcher> {
  watcher = await startWatcher({
    github: {
      client: createGitHubClient({ baseUrl: fake.url, token: 'tok-123', timeoutMs: 2000 }),
      spec,
      rootDir: dir,
      intervalMs: 100,
      dashboardUrl: DASHBOARD,
      startRetryMs: 50,
    },
    log,
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

interface EventRow {
  id: number;
  status: string;
  trigger: string;
  configSource?: string;
  configCommit?: string;
}
const events = async (w: Watcher) => (await w.api.syncEvents(100)) as unknown as EventRow[];
const statusesOf = (sha: string) => fake.statuses.filter((s) => s.sha === sha);
const states = (sha: string) => statusesOf(sha).map((s) => s.state);
const commitPolls = (status?: number) =>
  fake.count(
    (r) => r.path.startsWith('/repos/me/crates/commits/') && (status === undefined || r.status === status),
  );
const configChanges = () => trace.filter((r) => r.event.type === 'CONFIG_CHANGED').length;
const apiStatus = async (w: Watcher) => (await apiClient(w.url, w.token).get<ApiStatus>('/api/status')).body;
const configOf = async (w: Watcher): Promise<ConfigSourceStatus> => (await apiStatus(w)).config!;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.token = 'tok-123';
  dir = makeTempDir('cratesync-gitwatch-');
  root = path.join(dir, 'music');
  logs = [];
  trace = [];
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await fake.close();
  removeTempDir(dir);
});

describe('cratesync watch --from github:...', () => {
  it('applies each new commit once and only once, records its sha and posts pending → success', async () => {
    const sha1 = push(lib(3));
    const w = await start();
    expect(w.file).toBe(SOURCE);
    expect(w.root).toBe(root);
    await idle(w);
    expect(playlistFolders(root)).toHaveLength(3);
    await eventually(() => states(sha1).join() === 'pending,success', { what: `statuses of ${sha1}` });
    expect(statusesOf(sha1)[1]).toMatchObject({
      context: 'cratesync/reconcile',
      target_url: DASHBOARD,
      description: expect.stringMatching(/^applied: .*\(3 playlists, \d+ tracks\)$/),
    });

    const sha2 = push(lib(4));
    await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the new commit to be applied',
    });
    await eventually(() => states(sha2).join() === 'pending,success', { what: `statuses of ${sha2}` });
    expect((await events(w)).map((e) => [e.trigger, e.status, e.configSource, e.configCommit])).toEqual([
      ['config', 'completed', SOURCE, sha2],
      ['start', 'completed', SOURCE, sha1],
    ]);
    expect(configChanges()).toBe(1);

    // The ref has not moved: every poll is one conditional request answered 304, and nothing runs.
    const polled = commitPolls(304);
    await eventually(() => commitPolls(304) >= polled + 5, { what: 'five more 304s' });
    expect(fake.log.filter((r) => r.path.includes('/contents/')).length).toBe(2);
    expect((await events(w)).length).toBe(2);
    expect(configChanges()).toBe(1);
    expect(states(sha1).join()).toBe('pending,success');
    expect(states(sha2).join()).toBe('pending,success');

    // A commit that leaves the file alone is still a new commit: one run, one pair of statuses.
    const sha3 = fake.commit('me', 'crates', { 'README.md': 'my crates\n' });
    await eventually(() => states(sha3).join() === 'pending,success', { what: `statuses of ${sha3}` });
    await idle(w);
    expect(statusesOf(sha3)[1]!.description).toMatch(/^in sync, nothing to change \(4 playlists/);
    expect((await events(w))[0]).toMatchObject({ trigger: 'config', configCommit: sha3 });
    expect(configChanges()).toBe(2);

    // Later runs of the same commit (a request here) record it, and post nothing new while it stays green.
    const api = apiClient(w.url, w.token);
    const { body } = await api.post<{ syncEventId: number }>('/api/reconcile');
    await eventually(
      async () => (await api.get(`/api/sync-events/${body.syncEventId}`)).body.status === 'completed',
    );
    expect((await events(w))[0]).toMatchObject({ id: body.syncEventId, trigger: 'api', configCommit: sha3 });
    expect(states(sha3).join()).toBe('pending,success');

    const config = await configOf(w);
    expect(config).toMatchObject({ source: SOURCE, commit: sha3 });
    expect(config.error).toBeUndefined();
    expect(config.checkedAt).toBeDefined();
    const status = await apiStatus(w);
    expect(status.recentRuns[0]).toMatchObject({ commit: sha3 });
    expect(readWatchInfo(fs, path.join(root, '.cratesync'))).toMatchObject({
      file: SOURCE,
      source: { source: SOURCE, commit: sha3 },
    });
  });

  it('an invalid file at a new commit: failure status, invalid with FILE:LINE:COL, nothing applied; a fix applies', async () => {
    const good = push(lib(3));
    const w = await start();
    await idle(w);
    await eventually(() => states(good).join() === 'pending,success');
    const before = libraryPicture(root);

    // Asks for a fourth playlist too, which must not be applied from an invalid file.
    const bad = push(lib(4, 'bogus: 1\n'));
    await eventually(() => state(w) === 'invalid', { what: 'the invalid state' });
    const reason = w.loop.snapshot().reason;
    expect(reason).toContain(`me/crates/config/library.yaml@${bad.slice(0, 7)}:11:1: `);
    expect(reason).toContain('bogus');
    await eventually(() => states(bad).length === 1);
    expect(statusesOf(bad)[0]).toMatchObject({
      state: 'failure',
      target_url: DASHBOARD,
      description: expect.stringMatching(/^invalid config\/library\.yaml:11:1: .*bogus/),
    });
    expect(logs.some((l) => l.startsWith('error: ') && l.includes(bad.slice(0, 7)))).toBe(true);

    const config = await configOf(w);
    expect(config).toMatchObject({ commit: good, rejected: { commit: bad } });
    expect(config.error).toBeUndefined(); // GitHub itself is fine
    const api = apiClient(w.url, w.token);
    expect((await api.post('/api/reconcile')).status).toBe(409);
    expect((await api.get('/api/plan')).status).toBe(409);

    // Polled again and again (304s): still one failure, no run, nothing on disk.
    const polled = commitPolls(304);
    await eventually(() => commitPolls(304) >= polled + 5, { what: 'five more 304s' });
    expect(states(bad)).toEqual(['failure']);
    expect(libraryPicture(root)).toEqual(before);
    expect((await events(w)).length).toBe(1);
    expect(state(w)).toBe('invalid');

    const fixed = push(lib(4));
    await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the fixed commit to be applied',
    });
    await eventually(() => states(fixed).join() === 'pending,success');
    expect((await events(w))[0]).toMatchObject({
      trigger: 'config',
      status: 'completed',
      configCommit: fixed,
    });
    expect((await configOf(w)).rejected).toBeUndefined();
  });

  it('a commit that moves root is refused: the watcher holds the lock of its library', async () => {
    push(lib(3));
    const w = await start();
    await idle(w);
    const moved = push(lib(3).replace('root: ./music', 'root: ./elsewhere'));
    await eventually(() => state(w) === 'invalid', { what: 'the invalid state' });
    expect(w.loop.snapshot().reason).toMatch(/root is now .*elsewhere.*restart cratesync watch/);
    await eventually(() => states(moved).join() === 'failure');
    expect(fs.existsSync(path.join(dir, 'elsewhere'))).toBe(false);
  });

  it('GitHub answering 500, dropping connections or gone: the loop keeps the library in force and says why', async () => {
    const sha1 = push(lib(3));
    const w = await start();
    await idle(w);
    const api = apiClient(w.url, w.token);

    fake.fail({ kind: 'status', status: 500, message: 'boom' }, 10_000, /commits/);
    const failing = await eventually(async () => (await configOf(w)).error, { what: 'the GitHub error' });
    expect(failing).toMatchObject({ kind: 'server' });
    expect(failing.message).toMatch(
      new RegExp(`GitHub answered 500 .*boom.*keeping me/crates/config/library\\.yaml@${sha1.slice(0, 7)}`),
    );
    expect(state(w)).toBe('idle');
    expect((await apiStatus(w)).loop.state).toBe('idle');
    expect(readWatchInfo(fs, path.join(root, '.cratesync'))?.source?.error?.kind).toBe('server');

    // The library in force is still reconciled: a file deleted by hand comes back on request.
    const real = realFiles(root)[0]!;
    fs.rmSync(path.join(root, real));
    const { body } = await api.post<{ syncEventId: number }>('/api/reconcile');
    await eventually(
      async () => (await api.get(`/api/sync-events/${body.syncEventId}`)).body.status === 'completed',
    );
    expect(fs.existsSync(path.join(root, real))).toBe(true);
    expect((await events(w))[0]).toMatchObject({ id: body.syncEventId, configCommit: sha1 });
    expect((await api.get('/api/plan')).status).toBe(200);
    // Said once in the log, not once a poll.
    expect(logs.filter((l) => l.startsWith('warn: ') && l.includes('GitHub answered 500')).length).toBe(1);

    fake.clearFaults();
    await eventually(async () => (await configOf(w)).error === undefined, { what: 'GitHub to be back' });
    expect(readWatchInfo(fs, path.join(root, '.cratesync'))?.source?.error).toBeUndefined();

    fake.fail({ kind: 'drop' }, 10_000, /commits/);
    await eventually(async () => (await configOf(w)).error?.kind === 'network', { what: 'a network error' });
    fake.clearFaults();
    await eventually(async () => (await configOf(w)).error === undefined);

    // No server at all; meanwhile a commit is pushed, and applied once GitHub answers again.
    await fake.offline();
    const gone = await eventually(async () => (await configOf(w)).error, { what: 'the connection error' });
    expect(gone.message).toMatch(/^cannot reach GitHub at http:\/\/127\.0\.0\.1:\d+: /);
    expect(state(w)).toBe('idle');
    const sha2 = push(lib(4));
    await fake.online();
    await eventually(() => playlistFolders(root).length === 4 && state(w) === 'idle', {
      what: 'the commit pushed while GitHub was away',
    });
    expect((await events(w))[0]).toMatchObject({ trigger: 'config', configCommit: sha2 });
    await eventually(async () => (await configOf(w)).error === undefined);
  });

  it('a rate-limit 403 shows when the limit resets, and the next read waits for it', async () => {
    push(lib(3));
    const w = await start();
    await idle(w);
    const resetEpochSeconds = Math.ceil(Date.now() / 1000) + 2;
    fake.fail({ kind: 'rate-limit', resetEpochSeconds }, 10_000, /commits/);
    const limited = await eventually(async () => (await configOf(w)).error, { what: 'the rate limit' });
    expect(limited).toMatchObject({
      kind: 'rate-limited',
      resetAt: new Date(resetEpochSeconds * 1000).toISOString(),
    });
    expect(limited.message).toContain('GitHub API rate limit exceeded (5000 requests an hour)');
    expect(limited.message).toContain(
      `it resets at ${new Date(resetEpochSeconds * 1000).toISOString().replace('.000Z', 'Z')}`,
    );
    const config = await configOf(w);
    expect(Date.parse(config.nextCheckAt!)).toBeGreaterThanOrEqual(resetEpochSeconds * 1000);
    expect(state(w)).toBe('idle');
    // One refused read, not one every 100 ms.
    expect(fake.count((r) => r.status === 403)).toBe(1);

    fake.clearFaults();
    await eventually(async () => (await configOf(w)).error === undefined, {
      what: 'the read after the reset',
      timeoutMs: 15_000,
    });
    expect(fake.count((r) => r.status === 403)).toBe(1);
    expect(state(w)).toBe('idle');
  });

  it('at start: waits for a GitHub that cannot be reached yet; refuses a 404 and an invalid file', async () => {
    const sha = push(lib(3));
    fake.fail({ kind: 'status', status: 502, message: 'bad gateway' }, 2, /commits/);
    const w = await start();
    await idle(w);
    expect(logs.filter((l) => l.includes('trying again in'))).toHaveLength(2);
    expect((await events(w))[0]).toMatchObject({ trigger: 'start', configCommit: sha });
    await w.stop();
    watcher = undefined;

    const missing = startWatcher({
      github: {
        client: createGitHubClient({ baseUrl: fake.url, token: 'tok-123' }),
        spec: parseGitHubSpec('github:me/crates/nope.yaml@main'),
        rootDir: dir,
      },
      log,
    });
    await expect(missing).rejects.toThrow(/nope\.yaml in me\/crates at [0-9a-f]{7} not found \(404\)/);

    const bad = push(lib(3, 'bogus: 1\n'));
    const invalid = start().catch((e: unknown) => e);
    const err = (await invalid) as ConfigError;
    watcher = undefined;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`me/crates/config/library.yaml@${bad.slice(0, 7)}:11:1:`);
    // Nothing was locked or started.
    expect(fs.existsSync(path.join(root, '.cratesync/lock'))).toBe(false);
  });
});
