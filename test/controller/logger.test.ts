// The structured log on a real temporary folder: JSON lines with level/time/msg, size rotation that keeps N
// files, redaction of secrets in the file and in the console echo, and a log that never breaks its caller.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type FileLogger, logDir, REDACTED } from '../../src/controller/logger.ts';
import { openRotatingFile } from '../../src/io/rotating-file.ts';
import type { Logger } from '../../src/types.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

let root: string;
let dir: string;
const open: FileLogger[] = [];

beforeEach(() => {
  root = makeTempDir('cratesync-log-');
  dir = logDir(root);
});

afterEach(() => {
  for (const l of open.splice(0)) l.close();
  removeTempDir(root);
});

function logger(opts: Omit<Parameters<typeof createLogger>[0], 'dir'> = {}): FileLogger {
  const l = createLogger({ dir, ...opts });
  open.push(l);
  return l;
}

function lines(file: string): Record<string, unknown>[] {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function recorder(): Logger & { seen: [string, string, Record<string, unknown> | undefined][] } {
  const seen: [string, string, Record<string, unknown> | undefined][] = [];
  return {
    seen,
    info: (msg, fields) => seen.push(['info', msg, fields]),
    warn: (msg, fields) => seen.push(['warn', msg, fields]),
    error: (msg, fields) => seen.push(['error', msg, fields]),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and msg under .cratesync/logs', () => {
    const log = logger();
    expect(log.file).toBe(path.join(root, '.cratesync', 'logs', 'cratesync.log'));
    log.info('run started', { trigger: 'poll', eventId: 7 });
    log.warn('download failed', { track: 't1' });
    log.error('run failed', { err: new Error('source down') });
    log.close();

    const got = lines(log.file);
    expect(got).toHaveLength(3);
    expect(got.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'run started'],
      ['warn', 'download failed'],
      ['error', 'run failed'],
    ]);
    for (const l of got) {
      expect(typeof l.time).toBe('string');
      expect(new Date(l.time as string).toISOString()).toBe(l.time);
      expect(l.pid).toBe(process.pid);
    }
    expect(got[0]).toMatchObject({ trigger: 'poll', eventId: 7 });
    expect(got[2]!.err).toMatchObject({ type: 'Error', message: 'source down' });
    expect(typeof (got[2]!.err as { stack?: unknown }).stack).toBe('string');
  });

  it('keeps messages with quotes, newlines and Unicode on one valid line each', () => {
    const log = logger();
    log.info('line one\nline "two"\u0000 🎧', { name: 'Ünïcödé\r\n' });
    log.close();
    const [only] = lines(log.file);
    expect(only!.msg).toBe('line one\nline "two"\u0000 🎧');
    expect(only!.name).toBe('Ünïcödé\r\n');
  });

  it('appends to an existing log instead of truncating it', () => {
    const first = logger();
    first.info('first');
    first.close();
    const second = logger();
    second.info('second');
    second.close();
    expect(lines(second.file).map((l) => l.msg)).toEqual(['first', 'second']);
  });

  it('honours the level for the file and the echo', () => {
    const echo = recorder();
    const log = logger({ level: 'warn', console: echo });
    log.info('hidden');
    log.warn('shown');
    log.close();
    expect(lines(log.file).map((l) => l.msg)).toEqual(['shown']);
    expect(echo.seen.map(([lvl, msg]) => `${lvl}:${msg}`)).toEqual(['warn:shown']);
  });

  it('echoes each call to the console logger at the same level', () => {
    const echo = recorder();
    const log = logger({ console: echo });
    log.info('a');
    log.warn('b', { n: 1 });
    log.error('c');
    expect(echo.seen).toEqual([
      ['info', 'a', undefined],
      ['warn', 'b', { n: 1 }],
      ['error', 'c', undefined],
    ]);
  });

  it('never writes a token, an Authorization header or a PKCE verifier', () => {
    const secrets = {
      token: 'SECRET-token',
      accessToken: 'SECRET-access',
      refreshToken: 'SECRET-refresh',
      authorization: 'Bearer SECRET-auth',
      code_verifier: 'SECRET-verifier',
    };
    const echo = recorder();
    const log = logger({ console: echo });
    log.info('top level', { ...secrets, keep: 'visible' });
    log.info('nested', {
      auth: { accessToken: 'SECRET-a2', refresh_token: 'SECRET-r2', expiresIn: 3600 },
      request: { headers: { Authorization: 'Bearer SECRET-h', accept: 'application/json' } },
      pkce: [{ code_verifier: 'SECRET-v2' }],
    });
    log.close();

    const text = fs.readFileSync(log.file, 'utf8');
    expect(text).not.toContain('SECRET');
    const [top, nested] = lines(log.file);
    expect(top).toMatchObject({
      token: REDACTED,
      accessToken: REDACTED,
      refreshToken: REDACTED,
      authorization: REDACTED,
      code_verifier: REDACTED,
      keep: 'visible',
    });
    expect(nested).toMatchObject({
      auth: { accessToken: REDACTED, refresh_token: REDACTED, expiresIn: 3600 },
      request: { headers: { Authorization: REDACTED, accept: 'application/json' } },
      pkce: [{ code_verifier: REDACTED }],
    });
    expect(JSON.stringify(echo.seen)).not.toContain('SECRET');
    expect(echo.seen[0]![2]).toMatchObject({ token: REDACTED, keep: 'visible' });
  });

  it('does not change the caller’s fields while redacting', () => {
    const fields = { token: 'abc', nested: { accessToken: 'def' } };
    const log = logger({ console: recorder() });
    log.info('x', fields);
    expect(fields).toEqual({ token: 'abc', nested: { accessToken: 'def' } });
  });

  it('rotates at the size limit and keeps the configured number of files', () => {
    const log = logger({ maxBytes: 2000, maxFiles: 3 });
    const filler = 'x'.repeat(150);
    for (let i = 0; i < 200; i++) log.info(`line ${i}`, { filler });
    log.close();

    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual(['cratesync.log', 'cratesync.log.1', 'cratesync.log.2', 'cratesync.log.3']);
    const all: number[] = [];
    for (const name of ['cratesync.log.3', 'cratesync.log.2', 'cratesync.log.1', 'cratesync.log']) {
      const file = path.join(dir, name);
      const size = fs.statSync(file).size;
      expect(size).toBeLessThanOrEqual(2000);
      // A rotated file was full: the next line (under 300 bytes) did not fit.
      if (name !== 'cratesync.log') expect(size).toBeGreaterThan(2000 - 300);
      for (const l of lines(file)) all.push(Number((l.msg as string).split(' ')[1]));
    }
    // The newest lines survive, whole and in order, ending with the last one written.
    expect(all.at(-1)).toBe(199);
    expect(all).toEqual(all.map((_, i) => all[0]! + i));
    expect(all.length).toBeGreaterThan(20);
  });
});

describe('openRotatingFile', () => {
  it('rotates before a write would pass the limit, never splitting a line', () => {
    const f = openRotatingFile({ dir, maxBytes: 10, maxFiles: 2 });
    f.write('aaaa\n'); // 5
    f.write('bbbb\n'); // 10: exactly at the limit, no rotation
    f.write('cc\n'); // would be 13: rotate first
    f.close();
    expect(fs.readFileSync(path.join(dir, 'cratesync.log'), 'utf8')).toBe('cc\n');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.1'), 'utf8')).toBe('aaaa\nbbbb\n');
  });

  it('shifts .1 → .2 … and drops the oldest beyond maxFiles', () => {
    const f = openRotatingFile({ dir, maxBytes: 4, maxFiles: 2 });
    for (const s of ['1111', '2222', '3333', '4444']) f.write(s);
    f.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['cratesync.log', 'cratesync.log.1', 'cratesync.log.2']);
    expect(fs.readFileSync(path.join(dir, 'cratesync.log'), 'utf8')).toBe('4444');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.1'), 'utf8')).toBe('3333');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.2'), 'utf8')).toBe('2222');
  });

  it('writes a line longer than the limit whole, in a file of its own', () => {
    const f = openRotatingFile({ dir, maxBytes: 8, maxFiles: 1 });
    f.write('ab\n');
    f.write('0123456789abcdef\n');
    f.write('cd\n');
    f.close();
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.1'), 'utf8')).toBe('0123456789abcdef\n');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log'), 'utf8')).toBe('cd\n');
  });

  it('counts the size of a file left by an earlier process', () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cratesync.log'), 'old-old\n');
    const f = openRotatingFile({ dir, maxBytes: 10 });
    f.write('new\n');
    f.close();
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.1'), 'utf8')).toBe('old-old\n');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log'), 'utf8')).toBe('new\n');
  });

  it('creates new files with mode 0600', () => {
    const f = openRotatingFile({ dir });
    f.write('x\n');
    f.close();
    expect(fs.statSync(f.path).mode & 0o777).toBe(0o600);
  });

  it('reports a failing rotation once, drops the line and recovers later', () => {
    const errors: unknown[] = [];
    const f = openRotatingFile({ dir, maxBytes: 4, maxFiles: 1, onError: (e) => errors.push(e) });
    f.write('one\n');
    // A non-empty folder where the rotated file should go: renaming the live file onto it fails.
    fs.mkdirSync(path.join(dir, 'cratesync.log.1', 'in-the-way'), { recursive: true });
    f.write('two\n');
    f.write('three\n');
    expect(errors).toHaveLength(1);
    fs.rmSync(path.join(dir, 'cratesync.log.1'), { recursive: true });
    f.write('four\n');
    f.write('five\n');
    f.close();
    expect(errors).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'cratesync.log.1'), 'utf8')).toBe('four\n');
    expect(fs.readFileSync(path.join(dir, 'cratesync.log'), 'utf8')).toBe('five\n');
  });

  it('refuses a folder it cannot create at start-up', () => {
    fs.writeFileSync(path.join(root, '.cratesync'), 'a file, not a folder');
    expect(() => openRotatingFile({ dir })).toThrow();
  });

  it('ignores writes after close', () => {
    const f = openRotatingFile({ dir });
    f.write('a\n');
    f.close();
    f.write('b\n');
    f.close();
    expect(fs.readFileSync(f.path, 'utf8')).toBe('a\n');
  });
});
