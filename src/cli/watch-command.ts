// `cratesync watch`: start the watching controller and keep it running until SIGINT or SIGTERM. The first
// signal stops it cleanly (the run in flight finishes its action in flight and is recorded, state is saved,
// the lock released, the API closed) within 10 s; a second signal exits at once.
// library.yaml comes from `-f FILE`, from GitHub with `--from github:OWNER/REPO/PATH@REF --root DIR`, or
// from GitHub as a bootstrap file given with `-f` says (`source.git`, `root`; see src/gitops/bootstrap.ts).

import path from 'node:path';
import type { ConfigSourceStatus } from '../api/port.ts';
import { readApiToken } from '../api/token.ts';
import { createLogger, type FileLogger, logDir } from '../controller/logger.ts';
import type { TraceRecord } from '../controller/watch-loop.ts';
import { startWatcher, type WatcherOptions } from '../controller/watcher.ts';
import { parseDuration, parseHostPort } from '../desired/normalize.ts';
import { ConfigError } from '../errors.ts';
import { nodeFsPort } from '../io/fs.ts';
import type { Logger } from '../types.ts';
import { bold, stderrLogger } from './output.ts';
import { type GlobalFlags, loadLibrary } from './runtime.ts';

export interface WatchFlags extends GlobalFlags {
  trace?: string;
  http?: string;
  host?: string;
  port?: string;
  /** library.yaml on GitHub instead of -f. */
  from?: string;
  root?: string;
  /** Time between reads of the ref on GitHub, e.g. 30s (default 1m). */
  gitInterval?: string;
  dashboardUrl?: string;
  /** A logger to use instead of stderr (the structured log, once it is wired). */
  log?: Logger;
}

/** Where library.yaml comes from: the GitHub side of the watcher's options, or nothing for a local file. */
async function gitHubSource(
  flags: WatchFlags,
): Promise<Pick<WatcherOptions, 'github' | 'watch'> | undefined> {
  const bootstrapFile =
    flags.from === undefined && (await import('../gitops/bootstrap.ts')).isBootstrapText(readOr(flags.file));
  if (flags.from === undefined && !bootstrapFile) {
    for (const [flag, value] of [
      ['--root', flags.root],
      ['--git-interval', flags.gitInterval],
      ['--dashboard-url', flags.dashboardUrl],
    ] as const)
      if (value !== undefined)
        throw new ConfigError(`${flag} goes with --from github:... (or a bootstrap file with source.git)`);
    return undefined;
  }
  const { gitHubClientFromEnv } = await import('../gitops/client.ts');
  const { parseGitHubSpec } = await import('../gitops/spec.ts');
  let gitIntervalMs: number | undefined;
  if (flags.gitInterval !== undefined) {
    gitIntervalMs = parseDuration(flags.gitInterval);
    if (gitIntervalMs === undefined || gitIntervalMs < 1000)
      throw new ConfigError(
        `--git-interval ${JSON.stringify(flags.gitInterval)}: expected a duration of at least 1s, such as 30s or 2m`,
      );
  }
  const dashboardUrl = checkUrl(flags.dashboardUrl ?? process.env.CRATESYNC_DASHBOARD_URL);
  if (flags.from !== undefined) {
    const spec = parseGitHubSpec(flags.from);
    if (flags.root === undefined || flags.root.trim() === '')
      throw new ConfigError(
        `--from ${flags.from} needs --root DIR: the local folder that the fetched library.yaml's relative paths (root, source.file.path, ...) are resolved against`,
      );
    return {
      github: {
        client: gitHubClientFromEnv(),
        spec,
        rootDir: path.resolve(flags.root),
        ...(gitIntervalMs !== undefined ? { intervalMs: gitIntervalMs } : {}),
        ...(dashboardUrl ? { dashboardUrl } : {}),
      },
    };
  }
  // A bootstrap file: the flags win over what it says.
  if (flags.root !== undefined)
    throw new ConfigError(`--root: ${flags.file} is a bootstrap file; its root: says where the library goes`);
  const b = (await import('../gitops/bootstrap.ts')).loadBootstrap(flags.file, nodeFsPort);
  const interval = gitIntervalMs ?? b.gitIntervalMs;
  const link = flags.dashboardUrl !== undefined ? dashboardUrl : (b.dashboardUrl ?? dashboardUrl);
  return {
    github: {
      client: gitHubClientFromEnv(),
      spec: b.spec,
      rootDir: b.rootDir,
      ...(interval !== undefined ? { intervalMs: interval } : {}),
      ...(link ? { dashboardUrl: link } : {}),
    },
    watch: b.watch,
  };
}

/** `github:me/crates/library.yaml@main at 1a2b3c4`. */
function shownSource(c: ConfigSourceStatus): string {
  return `${c.source}${c.commit ? ` at ${c.commit.slice(0, 7)}` : ''}`;
}

function readOr(file: string): string {
  try {
    return String(nodeFsPort.readFileSync(path.resolve(file), 'utf8'));
  } catch {
    return '';
  }
}

function checkUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  if (!/^https?:\/\/\S+$/.test(url.trim()))
    throw new ConfigError(`--dashboard-url ${JSON.stringify(url)}: expected an http(s) URL`);
  return url.trim();
}

/**
 * The watcher logs as JSON lines to `<root>/.cratesync/logs/` (rotated by size) and echoes to stderr. A
 * library.yaml that does not load yet leaves the stderr logger: the watcher refuses to start anyway.
 */
function structuredLog(flags: WatchFlags): FileLogger | undefined {
  let root: string;
  try {
    root = loadLibrary(flags).root;
  } catch {
    return undefined;
  }
  return createLogger({ dir: logDir(root), console: stderrLogger(false) });
}

/** How long a clean stop may take before the process gives up on it. */
export const STOP_DEADLINE_MS = 9_500;

export async function runWatch(flags: WatchFlags): Promise<number> {
  const github = await gitHubSource(flags);
  // From GitHub the library root is known once library.yaml is read: the log goes to stderr until then.
  let fileLog = flags.log || github ? undefined : structuredLog(flags);
  const console = stderrLogger(false);
  let target: Logger = flags.log ?? fileLog ?? console;
  const log: Logger = {
    info: (m, f) => target.info(m, f),
    warn: (m, f) => target.warn(m, f),
    error: (m, f) => target.error(m, f),
  };
  const onRoot = (root: string) => {
    if (flags.log || fileLog) return;
    fileLog = createLogger({ dir: logDir(root), console });
    target = fileLog;
  };
  const http = flags.http === undefined ? undefined : parseHostPort(flags.http);
  if (flags.http !== undefined && (!http || http.port > 65535))
    throw new Error(`--http: expected ADDRESS:PORT such as 127.0.0.1:7465, got "${flags.http}"`);
  const port = flags.port === undefined ? http?.port : Number(flags.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new Error(`--port: expected a port number from 0 to 65535, got "${flags.port}"`);
  const host = flags.host ?? http?.host;
  const traceFile = flags.trace === undefined ? undefined : path.resolve(flags.trace);
  const trace = traceFile
    ? (record: TraceRecord) => {
        try {
          nodeFsPort.appendFileSync(traceFile, `${JSON.stringify(record)}\n`);
        } catch (err) {
          log.warn(`--trace: cannot write ${traceFile}: ${(err as Error).message}`);
        }
      }
    : undefined;

  const watcher = await startWatcher({
    ...(github ?? { file: flags.file }),
    log,
    onRoot,
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(trace ? { trace } : {}),
  });
  const rel = (p: string) => {
    const r = path.relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') ? p : r;
  };
  process.stdout.write(
    [
      `${bold('cratesync watch')}: following ${github ? shownSource(watcher.config()) : rel(watcher.file)} → ${rel(watcher.root)} (pid ${process.pid})`,
      // The link carries the API token (in the fragment, never sent over the wire) only on a terminal: a
      // service's stdout usually ends up in a log.
      `  dashboard  ${watcher.url}${process.stdout.isTTY ? `#token=${readApiToken(nodeFsPort, path.join(watcher.root, '.cratesync')) ?? ''}` : ''}`,
      `  API token  ${rel(path.join(watcher.root, '.cratesync', 'api-token'))}${process.stdout.isTTY ? '' : ' (open the dashboard with #token=<it> to use its buttons)'}`,
      '  Ctrl-C (SIGINT) or SIGTERM stops it; `cratesync reconcile` asks it to run now.',
      '',
    ].join('\n'),
  );

  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        process.stderr.write(`\n${signal} again: exiting now\n`);
        // Whatever was committed is in the state DB and the journal; the next start recovers the rest.
        process.exit(130);
      }
      signalled = true;
      process.stderr.write(
        `\n${signal}: stopping after the action in flight (send it again to exit at once)…\n`,
      );
      const deadline = setTimeout(() => {
        process.stderr.write(`could not stop cleanly within ${STOP_DEADLINE_MS / 1000} s; exiting\n`);
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      watcher.stop().then(
        () => {
          clearTimeout(deadline);
          process.stderr.write('stopped\n');
          fileLog?.close();
          resolve(0);
        },
        (err) => {
          clearTimeout(deadline);
          process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // The loop ending by itself (it should not) ends the command too.
    watcher.stopped.then(() => {
      if (!signalled) watcher.stop().then(() => resolve(1));
    });
  });
}
