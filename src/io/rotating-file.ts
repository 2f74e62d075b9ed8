// An append-only log file that rotates by size: `cratesync.log` is written until the next line would take it
// past `maxBytes`; then `.{N-1}` → `.N`, …, `.1` → `.2`, the live file → `.1`, and a fresh live file is
// started. The oldest (`.N`) is overwritten, so the folder never holds more than N + 1 files.
//
// Writes are synchronous appends, one call per line: a line is on disk (in the page cache) when write()
// returns, a crash never loses what was logged before it, and lines are never torn or reordered. A log line
// is small and the controller writes a few per second at most, so blocking the event loop for one write(2)
// costs nothing worth an asynchronous buffer. There is one writer per library (the lock), so rotation needs
// no coordination between processes.
//
// A log must never break the program that writes it: a failing write or rotation (disk full, folder
// removed) is handed to `onError` once and the line is dropped; later writes try again.

import * as fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOG_FILE = 'cratesync.log';
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

export interface RotatingFileOptions {
  /** The folder; created (with parents) when missing. */
  dir: string;
  /** Default `cratesync.log`. */
  name?: string;
  /** The live file's size limit in bytes. Default 10 MiB. A single line longer than this still goes whole
   * into a file of its own. */
  maxBytes?: number;
  /** How many rotated files (`.1` … `.N`) to keep besides the live one. Default 5; 0 keeps none. */
  maxFiles?: number;
  /** Mode of new files. Default 0o600: a log says what is in the user's library. */
  mode?: number;
  /** A write or rotation failed; the line it carried is lost. Called once until a write succeeds again. */
  onError?: (err: unknown) => void;
}

export interface RotatingFile {
  /** The live file's path. */
  readonly path: string;
  /** Appends `chunk` (one or more whole lines); rotates first when it would pass the limit. */
  write(chunk: string): void;
  /** fsync the live file: what was written survives a power cut. */
  flush(): void;
  /** Flush and close; later writes are ignored. Idempotent. */
  close(): void;
}

export function openRotatingFile(opts: RotatingFileOptions): RotatingFile {
  const name = opts.name ?? DEFAULT_LOG_FILE;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const mode = opts.mode ?? 0o600;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new RangeError('maxBytes must be a positive integer');
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 0)
    throw new RangeError('maxFiles must be an integer of 0 or more');
  if (name === '' || name !== path.basename(name)) throw new RangeError(`not a file name: ${name}`);

  const live = path.join(opts.dir, name);
  const rotated = (i: number) => `${live}.${i}`;
  let fd: number | undefined;
  let size = 0;
  let closed = false;
  let failing = false;

  const open = (): number => {
    fs.mkdirSync(opts.dir, { recursive: true });
    const opened = fs.openSync(live, 'a', mode);
    try {
      size = fs.fstatSync(opened).size;
    } catch (err) {
      fs.closeSync(opened);
      throw err;
    }
    fd = opened;
    return opened;
  };

  const closeFd = (): void => {
    if (fd === undefined) return;
    const old = fd;
    fd = undefined;
    fs.closeSync(old);
  };

  const rotate = (): void => {
    closeFd();
    if (maxFiles === 0) {
      unlinkIfPresent(live);
    } else {
      for (let i = maxFiles - 1; i >= 1; i--) renameIfPresent(rotated(i), rotated(i + 1));
      renameIfPresent(live, rotated(1));
    }
    size = 0;
  };

  const report = (err: unknown): void => {
    if (failing) return;
    failing = true;
    opts.onError?.(err);
  };

  // Open now, so a folder that cannot be created shows at start-up rather than on the first line.
  open();

  const write = (chunk: string): void => {
    if (closed || chunk === '') return;
    const data = Buffer.from(chunk, 'utf8');
    try {
      if (fd === undefined) open();
      if (size > 0 && size + data.length > maxBytes) {
        rotate();
        open();
      }
      writeAll(fd!, data);
      size += data.length;
      failing = false;
    } catch (err) {
      // Drop the descriptor: the next write reopens, which also recovers from a removed folder.
      try {
        closeFd();
      } catch {
        fd = undefined;
      }
      report(err);
    }
  };

  const flush = (): void => {
    if (closed || fd === undefined) return;
    try {
      fs.fsyncSync(fd);
    } catch (err) {
      report(err);
    }
  };

  const close = (): void => {
    if (closed) return;
    flush();
    closed = true;
    try {
      closeFd();
    } catch (err) {
      report(err);
    }
  };

  return { path: live, write, flush, close };
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}

function renameIfPresent(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function unlinkIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
