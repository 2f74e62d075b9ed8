// The library.yaml trigger: one watch on the folder that holds the file (not deeper, and no other file in
// it), reporting only changes of that file's *content*. Editors save in many ways (in place, write a temp
// file and rename it over, touch without change); each shows up as one or more events, and the content hash
// decides whether anything happened. A removed file is a change too (the next run finds it invalid).

import { createHash } from 'node:crypto';
import path from 'node:path';
import { watchFolder } from '../io/file-watch.ts';
import type { Fs } from '../io/fs.ts';

export interface ConfigTrigger {
  ready: Promise<void>;
  /** Reads the file now and reports a change if its content differs from the last seen; returns whether. */
  check(): boolean;
  close(): Promise<void>;
}

export function contentHash(fs: Fs, file: string): string {
  try {
    return createHash('sha256')
      .update(fs.readFileSync(file) as Buffer)
      .digest('hex');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `unreadable:${code ?? (err as Error).message}`;
  }
}

export function startConfigTrigger(opts: {
  file: string;
  fs: Fs;
  onChange: () => void;
  onError?: (err: unknown) => void;
}): ConfigTrigger {
  const file = path.resolve(opts.file);
  let last = contentHash(opts.fs, file);
  let scheduled = false;

  const check = (): boolean => {
    const now = contentHash(opts.fs, file);
    if (now === last) return false;
    last = now;
    opts.onChange();
    return true;
  };

  const watch = watchFolder({
    dir: path.dirname(file),
    depth: 0,
    keepFile: file,
    onChange: (changed) => {
      if (changed !== file || scheduled) return;
      // One read for a burst of events from the same save.
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        check();
      });
    },
    onError: opts.onError,
  });

  return { ready: watch.ready, check, close: () => watch.close() };
}
