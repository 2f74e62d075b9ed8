// Plain-data builders for tests: a DesiredState without a YAML file, catalogues from a compact spec, and
// in-memory source and downloader ports.

import path from 'node:path';
import type { Deps } from '../../src/controller/reconcile.ts';
import { DEFAULTS } from '../../src/desired/normalize.ts';
import type { Fs } from '../../src/io/fs.ts';
import type { Catalog, DesiredState, Downloader, Logger, SourcePlaylist, Track } from '../../src/types.ts';

export function desiredFor(
  root: string,
  patch: Partial<Omit<DesiredState, 'layout'>> & { layout?: Partial<DesiredState['layout']> } = {},
): DesiredState {
  const { layout, ...rest } = patch;
  return {
    file: path.join(root, 'library.yaml'),
    root,
    source: { provider: 'demo', demo: { seed: 1, playlists: 3, tracks: 10 } },
    // The loader's own defaults, with a prune cap and retries that do not get in a test's way.
    layout: { ...DEFAULTS.layout, ...layout },
    playlists: [{ kind: 'select', select: 'all', exclude: [] }],
    children: [],
    prune: { ...DEFAULTS.prune, maxDeletions: 10_000 },
    download: { ...DEFAULTS.download, retries: 0 },
    ...rest,
  };
}

export function track(id: string, title = `Song ${id}`, artists = [`Artist ${id}`]): Track {
  return { id, title, artists, durationSeconds: 200 + Number.parseInt(id.replace(/\D/g, '') || '0', 10) };
}

/** `{ 'Deep House': ['t1', 't2'] }` → a catalogue; playlist ids are `p-<name>` unless given as `name#id`. */
export function catalogOf(spec: Record<string, string[]>, tracks: Track[] = []): Catalog {
  const byId = new Map(tracks.map((t) => [t.id, t]));
  const playlists: SourcePlaylist[] = Object.entries(spec).map(([key, items]) => {
    const [name, id] = key.includes('#') ? key.split('#') : [key, `p-${key}`];
    for (const i of items) if (!byId.has(i)) byId.set(i, track(i));
    return { id: id!, name: name!, items: [...items] };
  });
  return { playlists, tracks: byId };
}

export function cloneCatalog(c: Catalog): Catalog {
  return { playlists: c.playlists.map((p) => ({ ...p, items: [...p.items] })), tracks: new Map(c.tracks) };
}

/** A source whose catalogue the test swaps between runs; with `fingerprint`, it offers one (shortcut). */
export function mutableSource(
  initial: Catalog,
  opts: { fingerprint?: boolean } = {},
): {
  source: Deps['source'];
  set(c: Catalog): void;
  fail(err?: Error): void;
} {
  let current = initial;
  let failure: Error | undefined;
  const source: Deps['source'] = {
    provider: 'test',
    observe: async () => {
      if (failure) throw failure;
      return cloneCatalog(current);
    },
  };
  if (opts.fingerprint) {
    source.fingerprint = async () =>
      JSON.stringify({ p: current.playlists, t: [...current.tracks.values()] });
  }
  return {
    source,
    set: (c) => {
      current = c;
      failure = undefined;
    },
    fail: (err = new Error('source unavailable')) => {
      failure = err;
    },
  };
}
/** Content that names its track, so checks can tell which track a file holds. */
export function fakeAudio(id: string): string {
  return `cratesync-test-audio ${id}\n${'.'.repeat(64)}\n`;
}

export function fakeDownloader(
  fs: Fs,
  opts: { failIds?: Set<string>; extension?: string | null } = {},
): Downloader & { calls: string[] } {
  const calls: string[] = [];
  const ext = opts.extension === undefined ? 'mp3' : opts.extension;
  return {
    name: 'fake',
    extension: ext ?? undefined,
    calls,
    async download(t, dir) {
      calls.push(t.id);
      if (opts.failIds?.has(t.id)) throw new Error(`simulated failure for ${t.id}`);
      const file = `${dir}/${t.id.replace(/[^A-Za-z0-9]/g, '_')}.${ext ?? 'flac'}`;
      fs.writeFileSync(file, fakeAudio(t.id));
      return { path: file };
    },
  };
}

export const silentLog: Logger = { info() {}, warn() {}, error() {} };

export function testDeps(
  fs: Fs,
  source: Deps['source'],
  downloader: Downloader,
  clock = { t: Date.UTC(2026, 0, 1) },
): Deps {
  return {
    fs,
    source,
    downloader,
    now: () => clock.t,
    log: silentLog,
    proc: { pid: process.pid, hostname: 'test-host', isAlive: (pid) => pid === process.pid },
  };
}
