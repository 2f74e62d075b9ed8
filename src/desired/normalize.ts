// Schema-valid library.yaml data → DesiredState: every default filled in, every path absolute, selectors
// in their tagged form. The defaults live here and only here (the schema's `default`s are editor hints).

import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DesiredState, DownloadConfig, PlaylistSelector, SourceConfig, WatchConfig } from '../types.ts';
import type { ChildPlaylist, RawChild } from './filters/types.ts';

/** library.yaml as the schema admits it. */
export interface RawLibrary {
  version: 1;
  source: {
    provider: 'demo' | 'file' | 'tidal';
    demo?: { seed?: number; playlists?: number; tracks?: number };
    file?: { path: string };
    tidal?: { countryCode?: string; apiUrl?: string; authUrl?: string; metadataMaxAgeDays?: number };
  };
  root: string;
  layout?: Partial<DesiredState['layout']>;
  playlists: RawSelector[];
  children?: RawChild[];
  prune?: Partial<DesiredState['prune']>;
  download?: Partial<DownloadConfig>;
  exports?: { rekordbox?: { path?: string; folder?: string } };
  watch?: RawWatch;
  adopt?: 'auto' | 'manual' | { mode?: 'auto' | 'manual'; pins?: Record<string, string> };
}

export interface RawWatch {
  interval?: string;
  debounce?: string;
  disk?: boolean;
  http?: string;
}

export type RawSelector =
  | { id: string; as?: string }
  | { select: 'owned' | 'favorites' | 'all'; match?: string; exclude?: string[] };

export const DEFAULTS = {
  demo: { seed: 7, playlists: 12, tracks: 300 },
  layout: {
    playlists: 'Playlists',
    filename: '{artists} - {title}',
    links: 'symlink',
    primary: 'first-listed',
    playlistFiles: 'm3u8',
  } satisfies DesiredState['layout'],
  prune: { mode: 'trash', maxDeletions: 200 } satisfies DesiredState['prune'],
  download: { tool: 'synth', output: '{dir}/**/*', concurrency: 4, retries: 3 } satisfies DownloadConfig,
  watch: {
    interval: '15m',
    debounce: '2s',
    disk: false,
    http: '127.0.0.1:7465',
  } satisfies Required<RawWatch>,
} as const;

/**
 * `file` is the absolute path of library.yaml; relative paths inside it are relative to its folder.
 * `children` are raw.children compiled (filters/compile.ts), which needs the places in the text.
 */
export function normalize(raw: RawLibrary, file: string, children: ChildPlaylist[] = []): DesiredState {
  const base = dirname(file);
  const state: DesiredState = {
    file,
    root: resolveUserPath(base, raw.root),
    source: normalizeSource(raw.source, base),
    layout: { ...DEFAULTS.layout, ...raw.layout },
    playlists: raw.playlists.map(normalizeSelector),
    children,
    prune: { ...DEFAULTS.prune, ...raw.prune },
    download: { ...DEFAULTS.download, ...raw.download },
  };
  if (raw.exports) {
    state.exports = {};
    if (raw.exports.rekordbox) {
      state.exports.rekordbox = { path: 'rekordbox.xml', folder: 'cratesync', ...raw.exports.rekordbox };
    }
  }
  if (raw.watch) state.watch = normalizeWatch(raw.watch);
  if (raw.adopt !== undefined) {
    state.adopt = typeof raw.adopt === 'string' ? { mode: raw.adopt } : { mode: 'manual', ...raw.adopt };
  }
  return state;
}

/**
 * The `watch:` section with its defaults; `cratesync watch` uses `normalizeWatch({})` for a library.yaml
 * without one. The schema has checked the shapes and the semantic checks the ranges.
 */
export function normalizeWatch(raw: RawWatch): WatchConfig {
  const w = { ...DEFAULTS.watch, ...raw };
  return {
    intervalMs: parseDuration(w.interval) ?? 0,
    debounceMs: parseDuration(w.debounce) ?? 0,
    disk: w.disk,
    http: parseHostPort(w.http) ?? { host: '127.0.0.1', port: 7465 },
  };
}

/** `1h30m`, `2s`, `500ms`, `1.5s` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * unit[m[2]!]!;
    end = re.lastIndex;
  }
  return end > 0 && end === text.length ? Math.round(total) : undefined;
}

/** `127.0.0.1:7465`, `localhost:80`, `[::1]:7465` → host (without brackets) and port. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  return { host: (m[1] ?? m[2])!, port: Number(m[3]) };
}

function normalizeSource(source: RawLibrary['source'], base: string): SourceConfig {
  switch (source.provider) {
    case 'demo':
      return { provider: 'demo', demo: { ...DEFAULTS.demo, ...source.demo } };
    case 'file':
      // The semantic check has made sure the path is there.
      return { provider: 'file', file: { path: resolveUserPath(base, source.file?.path ?? '') } };
    case 'tidal':
      return { provider: 'tidal', tidal: { ...source.tidal } };
  }
}

function normalizeSelector(sel: RawSelector): PlaylistSelector {
  if ('id' in sel)
    return sel.as === undefined ? { kind: 'id', id: sel.id } : { kind: 'id', id: sel.id, as: sel.as };
  const out: PlaylistSelector = { kind: 'select', select: sel.select, exclude: sel.exclude ?? [] };
  if (sel.match !== undefined) out.match = sel.match;
  return out;
}

/** Relative to `base`; `~` and `~/...` mean the home folder, as they would in a shell. */
export function resolveUserPath(base: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return resolve(base, path);
}
