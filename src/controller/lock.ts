// One writer per library: `.cratesync/lock` holds JSON { pid, host, startedAt, command }. A lock left by a
// dead process on this host is stale and is taken over with a notice; a live one is refused.

import path from 'node:path';
import { LockedError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import type { ProcessPort } from '../io/process.ts';
import type { Logger } from '../types.ts';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command?: string;
}

export interface Lock {
  release(): void;
}

export function acquireLock(
  fs: Fs,
  file: string,
  proc: ProcessPort,
  opts: { now: () => number; log: Logger; command: string },
): Lock {
  const mine: LockInfo = {
    pid: proc.pid,
    host: proc.hostname,
    startedAt: new Date(opts.now()).toISOString(),
    command: opts.command,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o644 });
      return { release: () => releaseLock(fs, file, mine) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const held = readLock(fs, file);
    if (held && (held.host !== proc.hostname || proc.isAlive(held.pid)) && held.pid !== proc.pid) {
      throw new LockedError(
        `another cratesync (pid ${held.pid} on ${held.host}, running ${held.command ?? 'a command'} since ${held.startedAt}) ` +
          `is working on this library. Wait for it to finish; if it is not running any more, delete ${file}`,
      );
    }
    opts.log.warn(
      held
        ? `taking over a stale lock left by pid ${held.pid} (started ${held.startedAt}), which is no longer running`
        : `taking over an unreadable lock file ${file}`,
    );
    fs.unlinkSync(file);
  }
  throw new LockedError(`could not take the lock ${file}`);
}

export function readLock(fs: Fs, file: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(String(fs.readFileSync(file, 'utf8'))) as LockInfo;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function releaseLock(fs: Fs, file: string, mine: LockInfo): void {
  const held = readLock(fs, file);
  if (held?.pid === mine.pid && held.startedAt === mine.startedAt) fs.unlinkSync(file);
}
