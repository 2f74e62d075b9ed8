// Helpers for tests of `cratesync watch`: polling with a deadline instead of fixed sleeps, a library.yaml for
// the demo source, the status API over HTTP, and a gate that holds a run where the test wants it.

import fs from 'node:fs';
import path from 'node:path';

/** Polls `fn` until it returns a truthy value (which is returned) or the deadline passes. */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out waiting for ${opts.what ?? 'a condition'} (last: ${detail})`);
    }
    await sleep(opts.intervalMs ?? 50);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DemoLibrary {
  playlists?: number;
  tracks?: number;
  seed?: number;
  disk?: boolean;
  debounce?: string;
  interval?: string;
  http?: string;
  /** Extra top-level YAML appended as is. */
  extra?: string;
}

export function demoLibraryYaml(o: DemoLibrary = {}): string {
  return `version: 1
source:
  provider: demo
  demo: { seed: ${o.seed ?? 5}, playlists: ${o.playlists ?? 3}, tracks: ${o.tracks ?? 24} }
root: ./music
playlists:
  - select: all
prune: { mode: trash, maxDeletions: 10000 }
download: { tool: synth, retries: 0 }
watch: { interval: ${o.interval ?? '1h'}, debounce: ${o.debounce ?? '100ms'}, disk: ${o.disk ?? true}, http: "${o.http ?? '127.0.0.1:0'}" }
${o.extra ?? ''}`;
}

/** Playlist folders under {root}/Playlists. */
export function playlistFolders(root: string): string[] {
  const dir = path.join(root, 'Playlists');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Every entry under the playlist folder, with what it is: a stable picture of the library on disk. */
export function libraryPicture(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out.push(`${path.relative(root, p)} -> ${fs.readlinkSync(p)}`);
      else out.push(`${path.relative(root, p)} ${fs.statSync(p).size}`);
    }
  };
  const dir = path.join(root, 'Playlists');
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** The real files (not links, not playlist files) in a playlist folder. */
export function realFiles(root: string): string[] {
  return libraryPicture(root)
    .filter((l) => !l.includes(' -> ') && !/\.m3u8 \d+$/.test(l))
    .map((l) => l.replace(/ \d+$/, ''));
}

export function links(root: string): string[] {
  return libraryPicture(root)
    .filter((l) => l.includes(' -> '))
    .map((l) => l.split(' -> ')[0]!);
}

export interface ApiClient {
  get<T = Record<string, unknown>>(p: string): Promise<{ status: number; body: T }>;
  post<T = Record<string, unknown>>(p: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function apiClient(url: string, token: string): ApiClient {
  const call = async <T>(method: string, p: string, body?: unknown) => {
    const res = await fetch(new URL(p, url), {
      method,
      headers:
        method === 'POST' ? { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } : {},
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return { get: (p) => call('GET', p), post: (p, body) => call('POST', p, body) };
}

/** Holds whoever calls wait() until open() (or until their signal aborts). */
export function gate(initiallyOpen = true) {
  let open = initiallyOpen;
  const waiters: (() => void)[] = [];
  let held = 0;
  return {
    get held() {
      return held;
    },
    close() {
      open = false;
    },
    open() {
      open = true;
      for (const w of waiters.splice(0)) w();
    },
    async wait(signal?: AbortSignal): Promise<void> {
      if (open) return;
      held++;
      try {
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), {
            once: true,
          });
        });
      } finally {
        held--;
      }
    },
  };
}
