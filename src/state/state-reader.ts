// The watcher's read-only view of the state DB, for the status API. The DB file is replaced atomically by
// every run that changes it, so a copy opened once stays valid until the file's identity (inode, time, size)
// changes; then the next read opens the new file. A copy nobody asked for in a while is closed, so an idle
// watcher over a large library does not keep a second copy of the DB in memory. Never writes.

import type { Fs } from '../io/fs.ts';
import { openStore, type Store } from './store.ts';

export interface StateReader {
  /** Runs `fn` on the current DB; undefined when there is no DB file yet. */
  read<T>(fn: (store: Store, version: string) => T): Promise<T | undefined>;
  close(): void;
}

interface Copy {
  version: string;
  store: Promise<Store>;
  users: number;
  replaced: boolean;
}

export function createStateReader(fs: Fs, file: string, opts: { idleMs?: number } = {}): StateReader {
  const idleMs = opts.idleMs ?? 10_000;
  let open: Copy | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const version = (): string | undefined => {
    try {
      const st = fs.statSync(file);
      return `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };

  const closeCopy = (copy: Copy) => {
    copy.store.then((s) => s.close()).catch(() => {});
  };

  /** The current copy is given up; it is closed as soon as nobody is reading it. */
  const retire = () => {
    const old = open;
    if (!old) return;
    open = undefined;
    old.replaced = true;
    if (old.users === 0) closeCopy(old);
  };

  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(retire, idleMs);
    idle.unref?.();
  };

  return {
    async read(fn) {
      const v = version();
      if (v === undefined) return undefined;
      if (open?.version !== v) {
        retire();
        const copy: Copy = { version: v, store: openStore(fs, file), users: 0, replaced: false };
        open = copy;
        // A failed open must not stick: the next read tries again.
        copy.store.catch(() => {
          if (open === copy) open = undefined;
        });
      }
      const copy = open!;
      copy.users++;
      try {
        return fn(await copy.store, copy.version);
      } finally {
        copy.users--;
        if (copy.replaced && copy.users === 0) closeCopy(copy);
        armIdle();
      }
    },
    close() {
      clearTimeout(idle);
      retire();
    },
  };
}
