// Folder watching for `cratesync watch`, on chokidar. What is watched is always a folder (and, up to
// `depth`, its subfolders), never each file in it: the kernel reports a change of any entry to the watch
// on its folder, so one watch per folder sees every add, remove, rename and write inside it. Files are kept
// out of chokidar's own bookkeeping (it would otherwise open one watch per file) unless `keepFile` asks for
// a particular one. Every change is reported as the absolute path it concerns; what it means is the
// caller's business.

import path from 'node:path';
import { watch } from 'chokidar';

export interface FolderWatchOptions {
  /** The folder to watch; it must exist. */
  dir: string;
  /** 0: the folder itself; 1: also its direct subfolders (including ones created later). */
  depth: number;
  /** A file chokidar should also follow on its own (the config file); every other file is left out. */
  keepFile?: string;
  /** Called for every change, with the absolute path of the entry it concerns. */
  onChange(file: string): void;
  onError?(err: unknown): void;
}

export interface FolderWatch {
  /** Resolves once the initial scan is done and changes are being reported. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchFolder(opts: FolderWatchOptions): FolderWatch {
  const dir = path.resolve(opts.dir);
  const keep = opts.keepFile === undefined ? undefined : path.resolve(opts.keepFile);
  const watcher = watch(dir, {
    depth: opts.depth,
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    // Folders (up to depth) and the one kept file; a path seen without stats is decided once it has them.
    ignored: (p, stats) => {
      const abs = path.resolve(p);
      if (abs === dir || abs === keep) return false;
      if (opts.depth === 0) return true;
      return stats !== undefined && !stats.isDirectory();
    },
  });
  const report = (file: string) => {
    try {
      opts.onChange(file);
    } catch (err) {
      opts.onError?.(err);
    }
  };
  // Raw events come straight from the kernel's watch on a folder (or on the kept file) and name the entry.
  watcher.on('raw', (_event, evPath, details) => {
    const watched = path.resolve((details as { watchedPath?: string }).watchedPath ?? dir);
    if (watched === keep) report(keep);
    else report(evPath ? path.resolve(watched, evPath) : watched);
  });
  // chokidar's own events only for the kept file: for folders they come after a (throttled) re-scan, late
  // enough to blur which change caused them, and the raw events have already said everything.
  watcher.on('all', (_event, p) => {
    if (keep !== undefined && path.resolve(p) === keep) report(keep);
  });
  watcher.on('error', (err) => opts.onError?.(err));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  let closing: Promise<void> | undefined;
  return {
    ready,
    close: () => {
      closing ??= watcher.close();
      return closing;
    },
  };
}
