// The disk trigger of `watch.disk: true`: the playlist folder ({root}/{layout.playlists}) and each playlist
// folder in it are watched, one watch per folder (never one per file). A change there (a file or link
// deleted or replaced by hand, a playlist file edited) asks for a run once the folder has been quiet for
// `debounceMs`.
//
// The watcher's own runs write into the same folders, and those writes are not drift. Events while a run
// is in flight are ignored. Events that arrive within `graceMs` after a run may be the run's own, delivered
// late, or a person's: they are not trusted either way, but once the grace is over the folders are compared
// with a stamp taken when the run ended (the time and identity of the playlist folder, of every folder in
// it and of every playlist file); only a difference asks for a run. So a file deleted by hand a moment after
// a run is still restored.

import path from 'node:path';
import { type FolderWatch, watchFolder } from '../io/file-watch.ts';
import type { Fs } from '../io/fs.ts';

export interface DiskTrigger {
  /** Watches `dir` (or nothing when undefined). Restarts the watch when the folder was replaced or
   * appeared; cheap to call after every run. */
  update(dir: string | undefined): Promise<void>;
  /** The watcher's run starts writing: events are its own until runEnded(). */
  runStarted(): void;
  /** The run is over: stamp the folders, and distrust events for the grace period. */
  runEnded(): void;
  /** The folder currently watched. */
  watching(): string | undefined;
  close(): Promise<void>;
}

export interface DiskTriggerOptions {
  fs: Fs;
  debounceMs: number;
  /** How long after a run events may still be the run's own. */
  graceMs: number;
  now?: () => number;
  /** The folder changed: ask for a run. */
  onDrift: (file: string) => void;
  onError?: (err: unknown) => void;
}

export function createDiskTrigger(opts: DiskTriggerOptions): DiskTrigger {
  const now = opts.now ?? Date.now;
  let current: { dir: string; ino: number; watch: FolderWatch } | undefined;
  let running = false;
  let graceUntil = 0;
  /** The folder update() was last asked to watch (its watch may still be starting). */
  let wanted: string | undefined;
  /** What the folder looked like when the last run ended (or when its watch started). */
  let stamp: { dir: string; value: string } | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let graceCheck: ReturnType<typeof setTimeout> | undefined;
  let lastFile = '';
  let closed = false;
  // update() calls run one after the other, so two of them never start two watches.
  let chain: Promise<void> = Promise.resolve();

  const identity = (dir: string): number | undefined => {
    try {
      const st = opts.fs.statSync(dir);
      return st.isDirectory() ? st.ino : undefined;
    } catch {
      return undefined;
    }
  };

  /** The playlist folder's own time, and that of each entry in it (folders and playlist files). */
  const takeStamp = (dir: string): string => {
    try {
      const parts = [`.:${statKey(opts.fs, dir)}`];
      const names = (opts.fs.readdirSync(dir) as string[]).sort();
      for (const name of names) parts.push(`${name}:${statKey(opts.fs, path.join(dir, name))}`);
      return parts.join('\n');
    } catch {
      return 'unreadable';
    }
  };

  const drift = (file: string) => {
    lastFile = file;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      if (!closed && !running) opts.onDrift(lastFile);
    }, opts.debounceMs);
  };

  const onChange = (file: string) => {
    if (!current || running || closed) return;
    if (file !== current.dir && !file.startsWith(`${current.dir}${path.sep}`)) return;
    const wait = graceUntil - now();
    if (wait <= 0) {
      drift(file);
      return;
    }
    // Maybe the run's own write, maybe not: look again once the grace is over.
    if (graceCheck !== undefined) return;
    graceCheck = setTimeout(() => {
      graceCheck = undefined;
      if (closed || running || !current || stamp?.dir !== current.dir) return;
      if (takeStamp(current.dir) !== stamp.value) drift(file);
    }, wait + 10);
  };

  const stop = async () => {
    clearTimeout(debounce);
    debounce = undefined;
    const old = current;
    current = undefined;
    await old?.watch.close();
  };

  const apply = async (dir: string | undefined) => {
    if (closed) return;
    const ino = dir === undefined ? undefined : identity(dir);
    if (current && current.dir === dir && current.ino === ino) return;
    await stop();
    // A folder that does not exist yet is watched once a run has created it.
    if (dir === undefined || ino === undefined || closed) return;
    // A change while the watch is starting would be missed: compare with how the folder looked before.
    const before = stamp?.dir === dir ? stamp.value : takeStamp(dir);
    const watch = watchFolder({ dir, depth: 1, onChange, onError: opts.onError });
    current = { dir, ino, watch };
    await watch.ready;
    if (closed || running) return;
    const after = takeStamp(dir);
    stamp = { dir, value: after };
    if (after !== before) drift(dir);
  };

  return {
    update(dir) {
      wanted = dir;
      chain = chain.then(() => apply(dir)).catch((err) => opts.onError?.(err));
      return chain;
    },
    runStarted() {
      running = true;
      clearTimeout(debounce);
      debounce = undefined;
      clearTimeout(graceCheck);
      graceCheck = undefined;
    },
    runEnded() {
      running = false;
      graceUntil = now() + opts.graceMs;
      const dir = current?.dir ?? wanted;
      stamp = dir === undefined ? undefined : { dir, value: takeStamp(dir) };
    },
    watching: () => current?.dir,
    async close() {
      closed = true;
      clearTimeout(graceCheck);
      await chain;
      await stop();
    },
  };
}

function statKey(fs: Fs, p: string): string {
  try {
    const st = fs.lstatSync(p);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return 'gone';
  }
}
