// The scan: every audio file under the root, with its tags. The walk is synchronous (readdir with file
// types, lstat only for audio files: DESIGN §9); tags are read with bounded concurrency, and only for files
// the cache does not know at their current size and mtime, so a second scan of an unchanged library reads
// no file at all. `.cratesync/` and hidden entries (`.Trash-1000`, macOS `._` files) are never looked at.

import { createHash } from 'node:crypto';
import path from 'node:path';
import pLimit from 'p-limit';
import type { TagReader } from '../io/audio-tags.ts';
import type { Fs } from '../io/fs.ts';
import type { ScanCacheEntry, Store } from '../state/store.ts';
import type { ProgressSink } from '../types.ts';
import { toFileMeta } from './tags.ts';
import type { FileMeta, ScannedFile } from './types.ts';

export const AUDIO_EXTENSIONS = new Set([
  'mp3',
  'flac',
  'm4a',
  'mp4',
  'aac',
  'wav',
  'aif',
  'aiff',
  'ogg',
  'oga',
  'opus',
]);

export function isAudioName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && AUDIO_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Where adoption parks a file while two files swap places. Not under staging, which start-up recovery
 * empties; the walk looks here too, so a file left parked by a crash is found (and placed) next time.
 */
export const PARKING = '.cratesync/adopt-parking';

/** A file found by the walk, before its tags are read. */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  nlink: number;
}

export interface Walked {
  files: FoundFile[];
  /** Symlinks with an audio name: `target` as stored. */
  symlinks: { path: string; target: string }[];
  /** Every other entry with an audio name (folders, sockets): they occupy a path. */
  others: string[];
}

/**
 * Walks the whole root for entries with an audio name: not `.cratesync/` (but its parking folder), not
 * hidden entries.
 */
export function walkAudio(fs: Fs, root: string): Walked {
  const out: Walked = { files: [], symlinks: [], others: [] };
  const stack = [PARKING, ''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const abs = rel === '' ? root : `${root}/${rel}`;
    let entries: { name: string; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true }) as unknown as typeof entries;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') continue;
      throw err;
    }
    for (const e of entries) {
      const name = String(e.name);
      if (name.startsWith('.')) continue;
      const child = rel === '' ? name : `${rel}/${name}`;
      if (e.isDirectory()) {
        stack.push(child);
        if (isAudioName(name)) out.others.push(child);
        continue;
      }
      if (!isAudioName(name)) continue;
      if (e.isSymbolicLink()) {
        out.symlinks.push({ path: child, target: String(fs.readlinkSync(`${root}/${child}`)) });
      } else if (e.isFile()) {
        const st = fs.lstatSync(`${root}/${child}`);
        out.files.push({
          path: child,
          size: Number(st.size),
          mtimeMs: Number(st.mtimeMs),
          ino: Number(st.ino),
          nlink: Number(st.nlink),
        });
      } else {
        out.others.push(child);
      }
    }
  }
  out.files.sort((a, b) => cmp(a.path, b.path));
  out.symlinks.sort((a, b) => cmp(a.path, b.path));
  return out;
}

export interface ScanStats {
  /** Files whose tags were read this time. */
  read: number;
  /** Files answered from the cache without reading them. */
  cached: number;
  unreadable: number;
  /** Files hashed this time (only same-size files are hashed, to find byte-identical copies). */
  hashed: number;
}

/**
 * The tag cache of the state DB, loaded once. Lookups hit only while a file keeps its size and mtime;
 * writes are collected and stored by flush().
 */
export class ScanCache {
  readonly stats: ScanStats = { read: 0, cached: 0, unreadable: 0, hashed: 0 };
  private readonly entries: Map<string, ScanCacheEntry>;
  private readonly dirty = new Map<string, ScanCacheEntry>();

  constructor(
    private readonly store: Pick<Store, 'loadScanCache' | 'putScanCache' | 'dropScanCache'>,
    private readonly fs: Fs,
    private readonly root: string,
    private readonly readTags: TagReader,
  ) {
    this.entries = store.loadScanCache();
  }

  private valid(f: FoundFile): ScanCacheEntry | undefined {
    const e = this.entries.get(f.path);
    return e && e.size === f.size && e.mtimeMs === f.mtimeMs ? e : undefined;
  }

  /** Reads the tags of every file the cache does not know, `concurrency` at a time. */
  async scan(
    files: readonly FoundFile[],
    opts: { concurrency?: number; progress?: ProgressSink; signal?: AbortSignal; owned?: boolean } = {},
  ): Promise<ScannedFile[]> {
    const limit = pLimit(Math.max(1, opts.concurrency ?? 8));
    const misses = files.filter((f) => this.valid(f) === undefined);
    opts.progress?.start('scan', misses.length);
    try {
      await Promise.all(
        misses.map((f) =>
          limit(async () => {
            opts.signal?.throwIfAborted();
            const meta = await this.readOne(f);
            const entry: ScanCacheEntry = {
              path: f.path,
              size: f.size,
              mtimeMs: f.mtimeMs,
              meta: JSON.stringify(meta),
            };
            this.entries.set(f.path, entry);
            this.dirty.set(f.path, entry);
            this.stats.read++;
            opts.progress?.tick();
          }),
        ),
      );
    } finally {
      opts.progress?.stop();
    }
    this.stats.cached += files.length - misses.length;
    return files.map((f) => {
      const meta = JSON.parse(this.valid(f)!.meta) as FileMeta;
      if (meta.error !== undefined && !opts.owned) this.stats.unreadable++;
      const out: ScannedFile = { ...f, meta };
      if (opts.owned) out.owned = true;
      return out;
    });
  }

  private async readOne(f: FoundFile): Promise<FileMeta> {
    try {
      return toFileMeta(await this.readTags(`${this.root}/${f.path}`, f.size));
    } catch (err) {
      return {
        artists: [],
        ids: [],
        lossless: false,
        error: firstLine((err as Error).message ?? String(err)),
      };
    }
  }

  /** The file's SHA-1, from the cache while it keeps its size and mtime. */
  async hash(f: FoundFile): Promise<string> {
    const e = this.valid(f);
    if (e?.hash !== undefined) return e.hash;
    const hash = await hashFile(this.fs, `${this.root}/${f.path}`, f.size);
    this.stats.hashed++;
    if (e) {
      const updated = { ...e, hash };
      this.entries.set(f.path, updated);
      this.dirty.set(f.path, updated);
    }
    return hash;
  }

  /** Stores what this scan learnt and forgets the entries of files that are no longer there. */
  flush(now: string, present?: ReadonlySet<string>): void {
    this.store.putScanCache([...this.dirty.values()], now);
    this.dirty.clear();
    if (present) {
      const gone = [...this.entries.keys()].filter((p) => !present.has(p));
      this.store.dropScanCache(gone);
      for (const p of gone) this.entries.delete(p);
    }
  }
}

/** Files up to this size are hashed from one read; larger ones are streamed. */
const HASH_WHOLE = 8 << 20;

export function hashFile(fs: Fs, abs: string, size = Number.POSITIVE_INFINITY): Promise<string> {
  if (size <= HASH_WHOLE) {
    return Promise.resolve(
      createHash('sha1')
        .update(fs.readFileSync(abs) as Buffer)
        .digest('hex'),
    );
  }
  return new Promise((resolve, reject) => {
    const h = createHash('sha1');
    const stream = fs.createReadStream(abs);
    stream.on('data', (chunk) => h.update(chunk as Buffer));
    stream.on('error', reject);
    stream.on('end', () => resolve(h.digest('hex')));
  });
}

/** `dir/name.ext` → `ext` in lower case. */
export function extensionOf(p: string): string {
  return path.posix.extname(p).slice(1).toLowerCase();
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
