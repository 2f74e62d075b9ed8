// The controller's structured log: pino JSON lines in `{root}/.cratesync/logs/cratesync.log`, rotated by size
// (src/io/rotating-file.ts), optionally echoed to a console Logger such as the CLI's stderr one. It implements
// the project's `Logger`, so anything that takes `deps.log` can be handed it.
//
// One line looks like
//   {"level":"warn","time":"2026-01-02T10:00:00.000Z","pid":123,"hostname":"box","retry":1,"msg":"TIDAL ..."}
// `level` is the label (grep-able; pino-pretty reads it too), `time` is ISO 8601.
//
// Secrets never reach the file: fields named like a token, an Authorization header or a PKCE verifier are
// replaced by "[redacted]" at any of the first four levels of nesting (pino's `redact`); the console echo gets
// the same treatment at any depth.

import path from 'node:path';
import pino from 'pino';
import {
  DEFAULT_LOG_FILE,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  openRotatingFile,
} from '../io/rotating-file.ts';
import type { Logger } from '../types.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export const REDACTED = '[redacted]';

/** Field names whose values are never logged, wherever they appear in a log call's fields. */
export const SECRET_KEYS: readonly string[] = [
  'token',
  'apiToken',
  'accessToken',
  'refreshToken',
  'idToken',
  'access_token',
  'refresh_token',
  'id_token',
  'authorization',
  'Authorization',
  'proxyAuthorization',
  'code_verifier',
  'codeVerifier',
  'client_secret',
  'clientSecret',
  'password',
  'cookie',
  'Cookie',
];

/** pino's redact paths cannot say "at any depth"; four levels covers `{ request: { headers: { ... } } }`. */
const REDACT_DEPTH = 4;

export interface CreateLoggerOptions {
  /** The folder of the log files, normally `logDir(root)`; created when missing. */
  dir: string;
  /** Default info. Applies to the file and the echo alike. */
  level?: LogLevel;
  /** Where each line is also shown, in words (e.g. the CLI's stderr logger). */
  console?: Logger;
  /** Size limit of the live file. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the live one. Default 5. */
  maxFiles?: number;
  /** Default `cratesync.log`. */
  fileName?: string;
}

export interface FileLogger extends Logger {
  /** The live log file. */
  readonly file: string;
  /** Make what was logged durable (fsync). */
  flush(): void;
  /** Flush and close the file; later calls still reach the console echo but not the file. */
  close(): void;
}

/** Where a library's logs go. */
export function logDir(root: string): string {
  return path.join(root, '.cratesync', 'logs');
}

export function createLogger(opts: CreateLoggerOptions): FileLogger {
  const echo = opts.console;
  const file = openRotatingFile({
    dir: opts.dir,
    name: opts.fileName ?? DEFAULT_LOG_FILE,
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    maxFiles: opts.maxFiles ?? DEFAULT_MAX_FILES,
    // The file is a side channel: losing it must not stop a run, but someone should hear of it.
    onError: (err) => echo?.warn(`cannot write the log file: ${(err as Error).message ?? String(err)}`),
  });

  const log = pino(
    {
      level: opts.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: redactPaths(SECRET_KEYS, REDACT_DEPTH), censor: REDACTED },
    },
    { write: (line: string) => file.write(line) },
  );

  const emit =
    (level: 'info' | 'warn' | 'error') =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!log.isLevelEnabled(level)) return;
      if (fields === undefined) log[level](msg);
      else log[level](fields, msg);
      if (echo) {
        if (fields === undefined) echo[level](msg);
        else echo[level](msg, scrub(fields) as Record<string, unknown>);
      }
    };

  return {
    file: file.path,
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    flush: () => file.flush(),
    close: () => file.close(),
  };
}

function redactPaths(keys: readonly string[], depth: number): string[] {
  const paths: string[] = [];
  for (let d = 0; d < depth; d++) for (const k of keys) paths.push(`${'*.'.repeat(d)}${k}`);
  return paths;
}

const SECRET_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/** A copy of `value` with every secret-named property replaced, at any depth; cycles are cut. */
export function scrub(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_SET.has(k.toLowerCase()) ? REDACTED : scrub(v, seen);
  return out;
}
