// `.cratesync/watch.json`: how other commands find a running watcher ({ pid, url, startedAt, ... }). The
// lock says *that* a watcher holds the library; this file says where its API listens. It is written when
// the API is up and removed when the watcher exits; one left by a killed watcher is recognised by its pid.

import path from 'node:path';
import type { ConfigSourceStatus } from '../api/port.ts';
import type { Fs } from '../io/fs.ts';

export const WATCH_INFO_FILE = 'watch.json';

export interface WatchInfo {
  pid: number;
  /** The dashboard, e.g. http://127.0.0.1:7465/; the API is under /api/. */
  url: string;
  startedAt: string;
  host: string;
  port: number;
  /** The library.yaml the watcher follows: its path, or `github:OWNER/REPO/PATH@REF`. */
  file: string;
  /** From GitHub: the commit in force, a refused commit, and why GitHub cannot be read, kept up to date. */
  source?: ConfigSourceStatus;
}

export function writeWatchInfo(fs: Fs, dir: string, info: WatchInfo): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, WATCH_INFO_FILE);
  const tmp = `${file}.${info.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

export function readWatchInfo(fs: Fs, dir: string): WatchInfo | undefined {
  try {
    const data = JSON.parse(String(fs.readFileSync(path.join(dir, WATCH_INFO_FILE), 'utf8'))) as WatchInfo;
    return typeof data.pid === 'number' && typeof data.url === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file only when it is this watcher's (a newer watcher may have replaced it). */
export function removeWatchInfo(fs: Fs, dir: string, pid: number): void {
  if (readWatchInfo(fs, dir)?.pid !== pid) return;
  fs.rmSync(path.join(dir, WATCH_INFO_FILE), { force: true });
}
