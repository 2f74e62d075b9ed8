// `cratesync watch`: start the watching controller and keep it running until SIGINT or SIGTERM. The first
// signal stops it cleanly (the run in flight finishes its action in flight and is recorded, state is saved,
// the lock released, the API closed) within 10 s; a second signal exits at once.

import path from 'node:path';
import { createLogger, type FileLogger, logDir } from '../controller/logger.ts';
import type { TraceRecord } from '../controller/watch-loop.ts';
import { startWatcher } from '../controller/watcher.ts';
import { parseHostPort } from '../desired/normalize.ts';
import { nodeFsPort } from '../io/fs.ts';
import type { Logger } from '../types.ts';
import { bold, stderrLogger } from './output.ts';
import { type GlobalFlags, loadLibrary } from './runtime.ts';

export interface WatchFlags extends GlobalFlags {
  trace?: string;
  http?: string;
  host?: string;
  port?: string;
  /** A logger to use instead of stderr (the structured log, once it is wired). */
  log?: Logger;
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
  const fileLog = flags.log ? undefined : structuredLog(flags);
  const log = flags.log ?? fileLog ?? stderrLogger(false);
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
    file: flags.file,
    log,
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
      `${bold('cratesync watch')}: following ${rel(watcher.file)} → ${rel(watcher.root)} (pid ${process.pid})`,
      `  dashboard  ${watcher.url}`,
      `  API token  ${rel(path.join(watcher.root, '.cratesync', 'api-token'))}`,
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
