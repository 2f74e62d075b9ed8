// Running an external program (a downloader) as a child process. Owns the rules every such run follows:
// no shell (argv goes to the program as is), stdin closed so an interactive prompt fails instead of
// hanging, a time limit, cancellation, and no leftovers: the program runs in its own process group, and
// the whole group is killed on timeout, on abort, and once the program itself has exited (a finished
// download's stray children are orphans). Only the tails of stdout and stderr are kept.

import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** The complete environment; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** How long SIGTERM gets before SIGKILL, after a timeout or abort. */
  killGraceMs?: number;
  /** Bytes kept from the end of each of stdout and stderr. */
  tailBytes?: number;
}

export interface RunResult {
  /** Exit code, or null when a signal ended the program or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Why the program could not be started (e.g. "ENOENT"), when it could not. */
  spawnError?: string;
  stderrTail: string;
  stdoutTail: string;
}

const DEFAULT_GRACE_MS = 2000;
const DEFAULT_TAIL_BYTES = 4096;

/** Runs `argv` to its end; resolves for every outcome (non-zero exit, timeout, abort, spawn failure). */
export function runProcess(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  const tailBytes = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
  const stdout = tail(tailBytes);
  const stderr = tail(tailBytes);
  const result = (over: Partial<RunResult>): RunResult => ({
    code: null,
    signal: null,
    timedOut: false,
    aborted: false,
    stderrTail: stderr.text(),
    stdoutTail: stdout.text(),
    ...over,
  });

  if (file === undefined) return Promise.resolve(result({ spawnError: 'empty command' }));
  if (opts.signal?.aborted) return Promise.resolve(result({ aborted: true }));

  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so one kill reaches everything the program started.
      detached: true,
      windowsHide: true,
    });
    let timedOut = false;
    let aborted = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone. Elsewhere (Windows) there are no groups; kill the child.
        if (process.platform === 'win32') child.kill(sig);
      }
    };
    const stop = (): void => {
      killGroup('SIGTERM');
      graceTimer ??= setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? DEFAULT_GRACE_MS);
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (over: Partial<RunResult>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(result({ timedOut, aborted, ...over }));
    };

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Whatever is still running once the program has exited would hold our pipes open: end it.
    child.on('exit', () => killGroup('SIGKILL'));
    child.on('error', (err: NodeJS.ErrnoException) => finish({ spawnError: err.code ?? err.message }));
    child.on('close', (code, signal) => {
      killGroup('SIGKILL');
      finish({ code, signal });
    });
  });
}

/** The last `limit` bytes of a stream, without holding the rest. */
function tail(limit: number): { push(chunk: Buffer): void; text(): string } {
  let chunks: Buffer[] = [];
  let size = 0;
  const compact = (): void => {
    const all = Buffer.concat(chunks);
    chunks = [all.length > limit ? all.subarray(all.length - limit) : all];
    size = chunks[0]!.length;
  };
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > 2 * limit) compact();
    },
    text() {
      compact();
      return chunks[0]!.toString('utf8');
    },
  };
}
