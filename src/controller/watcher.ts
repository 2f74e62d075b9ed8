// `cratesync watch` as a library: everything the watching controller is, wired together. It takes the
// library's lock for its whole life, starts the control loop (machine.ts) whose runs are the very reconcile
// of the one-shot command, the triggers (library.yaml content changes, or new commits of library.yaml on
// GitHub; the playlist folders with `watch.disk`), and the status API with its token; it writes
// `.cratesync/watch.json` so other commands can find it. stop() undoes all of it in order: triggers, the
// loop (the run in flight is aborted and settles after its action in flight), the API, watch.json and the
// token, the lock.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { type ApiPort, apiError, type ConfigSourceStatus } from '../api/port.ts';
import { type ApiServer, startApiServer } from '../api/routes.ts';
import { TOKEN_FILE, writeApiToken } from '../api/token.ts';
import { loadDesiredState, loadDesiredStateFromText } from '../desired/load.ts';
import { normalizeWatch } from '../desired/normalize.ts';
import { describeConfigError } from '../errors.ts';
import { runDescription } from '../gitops/commit-status.ts';
import { oneLine } from '../gitops/errors.ts';
import { gitHubRevision } from '../gitops/library.ts';
import { localGitRevision } from '../gitops/local-git.ts';
import { createGitHubSource, type GitHubSource, type GitHubWatchOptions } from '../gitops/watch-source.ts';
import type { Fs } from '../io/fs.ts';
import { nodeFsPort } from '../io/fs.ts';
import { nodeProcessPort, type ProcessPort } from '../io/process.ts';
import { createStateReader } from '../state/state-reader.ts';
import type { DesiredState, Downloader, Logger, Source, WatchConfig } from '../types.ts';
import { type ConfigTrigger, startConfigTrigger } from './config-trigger.ts';
import { createDownloader, createSource } from './deps.ts';
import { createDiskTrigger } from './disk-trigger.ts';
import { acquireLock } from './lock.ts';
import type { RunArgs, RunResult, ValidateResult, WatchInput, WatchStatus } from './machine.ts';
import { planJson } from './plan-json.ts';
import { createProgressHub } from './progress-hub.ts';
import { type Deps, paths, planOnly, reconcile } from './reconcile.ts';
import { createRunTracker } from './run-tracker.ts';
import { createWatchApi } from './watch-api.ts';
import { removeWatchInfo, type WatchInfo, writeWatchInfo } from './watch-info.ts';
import { startWatchLoop, type TraceRecord, type WatchLoop } from './watch-loop.ts';

export interface WatcherOptions {
  /** library.yaml (relative to the working folder or absolute); unused with `github`. */
  file?: string;
  /**
   * Follow library.yaml on GitHub instead of a local file: new commits are applied once each, the runs
   * post commit statuses, and a GitHub that cannot be read leaves the library in force (see
   * src/gitops/watch-source.ts).
   */
  github?: GitHubWatchOptions;
  /** Watch settings that win over library.yaml's `watch:` (a bootstrap file's). */
  watch?: Partial<WatchConfig>;
  /** Told the library root as soon as library.yaml is loaded (before the lock), e.g. to open the log there. */
  onRoot?: (root: string) => void;
  log: Logger;
  fs?: Fs;
  proc?: ProcessPort;
  now?: () => number;
  /** Override `watch.http` (the CLI's --http / --host / --port). */
  host?: string;
  port?: number;
  /** Every transition of the loop (`--trace`). */
  trace?: (record: TraceRecord) => void;
  /** Builds the source and downloader for a library.yaml; default: what library.yaml says. */
  ports?: (desired: DesiredState) => { source: Source; downloader: Downloader };
  /** How long after a run ends changes on disk may still be its own (they are checked after). Default 1000 ms. */
  diskGraceMs?: number;
  /** Loop settings library.yaml does not have (tests): jitter, backoff, randomness. */
  loop?: Pick<WatchInput, 'jitter' | 'backoff' | 'random'>;
  /** Delay before an in-run download retry (tests: 0). */
  retryDelayMs?: number;
}

export interface Watcher {
  /** The dashboard, e.g. http://127.0.0.1:7465/. */
  url: string;
  host: string;
  port: number;
  token: string;
  /** Absolute library.yaml (or `github:OWNER/REPO/PATH@REF`) and library root. */
  file: string;
  root: string;
  /** Where library.yaml comes from and how reading it goes (GitHub errors, the commit in force). */
  config(): ConfigSourceStatus;
  loop: WatchLoop;
  api: ApiPort;
  /** Resolves once the loop has stopped, whoever stopped it. */
  stopped: Promise<void>;
  /** Stops everything and releases the lock; safe to call more than once. */
  stop(): Promise<void>;
}

interface Active {
  desired: DesiredState;
  deps: Deps;
  /** Hash of the library.yaml text the ports were built from. */
  hash: string;
  /** The GitHub commit the library comes from. */
  sha?: string;
}

export const DEFAULT_DISK_GRACE_MS = 1000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export { describeConfigError };

/** The settings the loop and the server run with: library.yaml's, under the overrides. */
function watchSettings(desired: DesiredState, overrides: Partial<WatchConfig> = {}): WatchConfig {
  return { ...(desired.watch ?? normalizeWatch({})), ...overrides };
}

const hashText = (text: string) => createHash('sha256').update(text).digest('hex');

export async function startWatcher(opts: WatcherOptions): Promise<Watcher> {
  const fs = opts.fs ?? nodeFsPort;
  const proc = opts.proc ?? nodeProcessPort;
  const now = opts.now ?? Date.now;
  const { log } = opts;
  const gh: GitHubSource | undefined = opts.github
    ? createGitHubSource(opts.github, { log, now })
    : undefined;
  if (!gh && opts.file === undefined) throw new Error('startWatcher: a file or a GitHub source is needed');
  const file = gh ? gh.source : path.resolve(opts.file!);
  const buildPorts =
    opts.ports ??
    ((desired: DesiredState) => ({
      source: createSource(desired, fs),
      downloader: createDownloader(desired, fs),
    }));

  // Without a valid library.yaml at start there is no library to lock: refuse to start (ConfigError). From
  // GitHub, the first read waits while GitHub cannot be reached.
  const first = gh ? await gh.first() : undefined;
  const initial = first ? first.desired : loadDesiredState(file, fs);
  const root = initial.root;
  opts.onRoot?.(root);
  const p = paths(root);
  const settings: WatchConfig = watchSettings(initial, opts.watch);
  const graceMs = opts.diskGraceMs ?? DEFAULT_DISK_GRACE_MS;

  const lock = acquireLock(fs, p.lock, proc, { now, log, command: 'watch' });
  // What start-up did, undone from the highest stage down, both when start-up fails half-way and on stop():
  // the triggers first (nothing new starts), the loop (the run in flight settles), the API, watch.json and
  // the token, the lock last.
  const undo: { stage: Stage; what: string; fn: () => unknown }[] = [];
  const done = (stage: Stage, what: string, fn: () => unknown) => undo.push({ stage, what, fn });
  done(Stage.Lock, 'release the lock', () => lock.release());
  const unwind = async () => {
    const steps = undo.splice(0).sort((a, b) => b.stage - a.stage);
    for (const step of steps) {
      try {
        await step.fn();
      } catch (err) {
        log.warn(`could not ${step.what}: ${message(err)}`);
      }
    }
  };

  try {
    const hub = createProgressHub();
    const tracker = createRunTracker();
    const reader = createStateReader(fs, p.db);
    done(Stage.Files, 'close the state reader', () => reader.close());
    let loop: WatchLoop | undefined;
    let active: Active | undefined;
    let refreshInfo = () => {};

    const makeActive = (desired: DesiredState, hash: string, sha?: string): Active => {
      const ports = buildPorts(desired);
      return {
        desired,
        hash,
        ...(sha !== undefined ? { sha } : {}),
        deps: { fs, source: ports.source, downloader: ports.downloader, now, log, proc, progress: hub },
      };
    };
    active = first
      ? makeActive(initial, hashText(first.text), first.sha)
      : makeActive(initial, hashText(String(fs.readFileSync(file, 'utf8'))));

    const disk = createDiskTrigger({
      fs,
      debounceMs: settings.debounceMs,
      graceMs,
      now,
      onDrift: (changed) => {
        log.info(`changed on disk: ${path.relative(root, changed) || '.'}; reconciling`);
        void loop?.requestRun('disk');
      },
      onError: (err) => log.warn(`watching the playlist folders: ${message(err)}`),
    });
    done(Stage.Triggers, 'stop watching the playlist folders', () => disk.close());
    const diskDir = (desired: DesiredState) =>
      watchSettings(desired, opts.watch).disk ? path.join(desired.root, desired.layout.playlists) : undefined;
    const updateDisk = () => {
      if (active) void disk.update(diskDir(active.desired));
    };

    // From GitHub: the newest commit seen at the ref is the library.yaml to apply; the source has loaded it
    // (and refused one that moves the root) when it saw the commit.
    const validateCommit = (): ValidateResult => {
      const head = gh!.latest();
      if (head?.error !== undefined) return { ok: false, error: head.error };
      if (head?.desired && active?.sha !== head.sha) {
        try {
          const next = makeActive(head.desired, hashText(head.text), head.sha);
          noteRestartOnly(
            active ? watchSettings(active.desired, opts.watch) : settings,
            watchSettings(head.desired, opts.watch),
            log,
          );
          active = next;
          refreshInfo();
        } catch (err) {
          return { ok: false, error: describeConfigError(err) };
        }
      }
      updateDisk();
      return { ok: true };
    };

    const validate = async (): Promise<ValidateResult> => {
      if (gh) return validateCommit();
      let text: string;
      try {
        text = String(fs.readFileSync(file, 'utf8'));
      } catch {
        try {
          loadDesiredState(file, fs);
        } catch (err) {
          return { ok: false, error: describeConfigError(err) };
        }
        return { ok: false, error: `${file}: cannot read the file` };
      }
      let desired: DesiredState;
      try {
        desired = loadDesiredStateFromText(text, file);
      } catch (err) {
        return { ok: false, error: describeConfigError(err) };
      }
      if (desired.root !== root) {
        return {
          ok: false,
          error: `${file}: root is now ${desired.root}, but this watcher holds the lock of ${root}; restart cratesync watch to switch libraries`,
        };
      }
      const hash = hashText(text);
      if (active?.hash !== hash) {
        try {
          const next = makeActive(desired, hash);
          noteRestartOnly(
            active ? watchSettings(active.desired, opts.watch) : settings,
            watchSettings(desired, opts.watch),
            log,
          );
          active = next;
        } catch (err) {
          return { ok: false, error: describeConfigError(err) };
        }
      }
      updateDisk();
      return { ok: true };
    };

    const run = async ({ trigger, signal, onPhase }: RunArgs): Promise<RunResult> => {
      const current = active!;
      const runId = loop?.snapshot().runId ?? 0;
      const started = now();
      tracker.begin(runId, trigger, started);
      hub.begin();
      disk.runStarted();
      let eventId: number | undefined;
      let summary = 'failed';
      // From GitHub: the commit's status says how its run went (pending now, then success or failure).
      const sha = gh ? current.sha : undefined;
      if (sha !== undefined) gh?.runStarted(sha);
      const finished = (ok: boolean, description: string) => {
        // A run cancelled or stopped half-way says nothing about the commit: the run after it will.
        if (sha !== undefined && !signal.aborted) gh?.runFinished(sha, ok, description);
      };
      try {
        // Which revision of library.yaml the run applies: the GitHub commit, or HEAD of the git work tree
        // the file lives in.
        const revision =
          gh && sha !== undefined
            ? gitHubRevision(gh.spec, sha)
            : await localGitRevision(file).catch(() => undefined);
        const result = await reconcile(current.desired, current.deps, {
          lockHeld: true,
          trigger,
          signal,
          ...(revision ? { revision } : {}),
          ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
          onPhase: (phase) => {
            onPhase(phase);
            hub.phase(phase);
          },
          onEvent: (id) => {
            eventId = id;
            tracker.event(runId, id);
            hub.setEvent(id);
          },
        });
        // A run stopped in the middle of apply is not a success, whatever it recorded.
        const ok = result.status === 'completed' && !signal.aborted;
        const s = result.summary;
        summary = result.status;
        const error =
          result.error ?? (ok ? undefined : signal.aborted ? 'stopped' : `${s.failed} action(s) failed`);
        const took = ((now() - started) / 1000).toFixed(1);
        const line = `run #${result.eventId} (${trigger}) ${result.status} in ${took} s: ${s.downloads} downloaded, ${s.linksCreated} linked, ${s.relinks} re-linked, ${s.moves} moved, ${s.removed} removed, ${s.playlistFiles} playlist files${s.failed ? `, ${s.failed} failed` : ''}`;
        if (ok) log.info(line, { eventId: result.eventId, trigger });
        else log.warn(`${line}${error ? `: ${error}` : ''}`, { eventId: result.eventId, trigger });
        finished(ok, runDescription(ok ? 'completed' : 'failed', s, error));
        return { ok, eventId: result.eventId, ...(error !== undefined ? { error } : {}) };
      } catch (err) {
        const error = signal.aborted ? 'cancelled' : message(err);
        summary = signal.aborted ? 'cancelled' : 'failed';
        if (!signal.aborted) log.warn(`run (${trigger}) failed: ${error}`, { trigger });
        finished(false, `failed: ${oneLine(error)}`);
        return { ok: false, error, ...(eventId !== undefined ? { eventId } : {}) };
      } finally {
        disk.runEnded();
        tracker.end(runId, loop?.snapshot().state === 'reconciling.cancelling');
        hub.finish(summary);
        // The run may have created the playlist folder the disk trigger waits for.
        updateDisk();
      }
    };

    const configStatus = (): ConfigSourceStatus => (gh ? gh.status(active?.sha) : { source: file });

    const api = createWatchApi({
      loop: () => loop,
      config: configStatus,
      reader,
      tracker,
      hub,
      now,
      plan: async () => {
        const current = active;
        const configError = loop?.snapshot().configError;
        if (!current || configError) throw apiError(409, `invalid library.yaml: ${configError}`);
        const { progress: _progress, ...deps } = current.deps;
        return planJson(await planOnly(current.desired, deps)) as unknown as Record<string, unknown>;
      },
    });
    done(Stage.Api, 'close the API port', () => api.close());

    const token = writeApiToken(fs, p.dir);
    done(Stage.Files, 'remove the API token', () => fs.rmSync(path.join(p.dir, TOKEN_FILE), { force: true }));
    const host = opts.host ?? settings.http.host;
    const port = opts.port ?? settings.http.port;
    let server: ApiServer;
    try {
      server = await startApiServer({
        api,
        token,
        host,
        port,
        onError: (err) => log.error(`status API: ${message(err)}`),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'EADDRINUSE'
          ? 'the address is in use (another watcher? set watch.http in library.yaml or pass --http ADDRESS:PORT)'
          : message(err);
      throw new Error(`cannot start the status API on ${host}:${port}: ${why}`);
    }
    done(Stage.Api, 'close the status API', () => server.close());

    const startedAt = new Date(now()).toISOString();
    const info = (): WatchInfo => {
      const { checkedAt: _c, nextCheckAt: _n, ...source } = configStatus();
      return {
        pid: proc.pid,
        url: server.url,
        startedAt,
        host: server.host,
        port: server.port,
        file,
        ...(gh ? { source } : {}),
      };
    };
    let infoText = JSON.stringify(info());
    writeWatchInfo(fs, p.dir, info());
    done(Stage.Files, 'remove watch.json', () => removeWatchInfo(fs, p.dir, proc.pid));
    // From GitHub, watch.json also tells `cratesync status` the commit in force and how reading GitHub goes.
    refreshInfo = () => {
      const next = info();
      const text = JSON.stringify(next);
      if (text === infoText) return;
      infoText = text;
      try {
        writeWatchInfo(fs, p.dir, next);
      } catch (err) {
        log.warn(`could not update watch.json: ${message(err)}`);
      }
    };

    // The trigger starts before the loop: a save (or a commit) during the first run is not missed.
    let config: ConfigTrigger | undefined;
    if (gh) {
      done(Stage.Api, 'post the last commit statuses', () => gh.flush());
      gh.follow({
        root,
        onCommit: () => loop?.send({ type: 'CONFIG_CHANGED' }),
        onStatus: () => refreshInfo(),
      });
      done(Stage.Triggers, `stop polling ${file}`, () => gh.close());
    } else {
      const trigger = startConfigTrigger({
        file,
        fs,
        onChange: () => {
          log.info(`${path.basename(file)} changed`);
          loop?.send({ type: 'CONFIG_CHANGED' });
        },
        onError: (err) => log.warn(`watching ${file}: ${message(err)}`),
      });
      config = trigger;
      done(Stage.Triggers, `stop watching ${file}`, () => trigger.close());
      await trigger.ready;
    }

    loop = startWatchLoop(
      {
        validate,
        run,
        debounceMs: settings.debounceMs,
        pollMs: settings.intervalMs,
        now,
        runOnStart: true,
        ...opts.loop,
      },
      { ...(opts.trace ? { trace: opts.trace } : {}) },
    );
    const theLoop = loop;
    api.attach(theLoop);
    theLoop.subscribe(logStates(log));
    done(Stage.Loop, 'stop the control loop', () => theLoop.stop());
    // Read the text once more: a save between the first read and the trigger's start is caught here.
    config?.check();
    updateDisk();

    const stopped = new Promise<void>((resolve) => {
      if (theLoop.snapshot().state === 'stopped') resolve();
      const off = theLoop.subscribe((s) => {
        if (s.state === 'stopped') {
          off();
          resolve();
        }
      });
    });

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      host: server.host,
      port: server.port,
      token,
      file,
      root,
      config: configStatus,
      loop: theLoop,
      api,
      stopped,
      stop: () => {
        stopping ??= unwind();
        return stopping;
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}

const Stage = { Lock: 0, Files: 1, Api: 2, Loop: 3, Triggers: 4 } as const;
type Stage = (typeof Stage)[keyof typeof Stage];

/** Tells the log when the loop lands somewhere a person should know about (and why). */
function logStates(log: Logger): (s: WatchStatus) => void {
  let last = '';
  return (s) => {
    const top = s.state.split('.')[0]!;
    const key = `${top}\n${top === 'reconciling' || top === 'idle' || top === 'debouncing' ? '' : s.reason}`;
    if (key === last) return;
    last = key;
    if (top === 'invalid') log.error(`${s.reason}; nothing is applied until it is fixed`);
    else if (top === 'suspended' || top === 'backoff') log.warn(s.reason);
  };
}

/** Settings the running loop and server were built with; a change needs a restart. */
function noteRestartOnly(before: WatchConfig, after: WatchConfig, log: Logger): void {
  const changed: string[] = [];
  if (before.intervalMs !== after.intervalMs) changed.push('watch.interval');
  if (before.debounceMs !== after.debounceMs) changed.push('watch.debounce');
  if (before.http.host !== after.http.host || before.http.port !== after.http.port)
    changed.push('watch.http');
  if (changed.length > 0)
    log.warn(`${changed.join(', ')} changed: restart cratesync watch for it to take effect`);
}
