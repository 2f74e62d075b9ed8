// Schema-valid library.yaml data → DesiredState: every default filled in, every path absolute, selectors
// in their tagged form. The defaults live here and only here (the schema's `default`s are editor hints).

import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DesiredState, DownloadConfig, PlaylistSelector, SourceConfig } from '../types.ts';
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
  watch?: Record<string, unknown>;
  adopt?: 'auto' | 'manual' | { mode?: 'auto' | 'manual'; pins?: Record<string, string> };
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
  if (raw.watch) state.watch = raw.watch;
  if (raw.adopt !== undefined) {
    state.adopt = typeof raw.adopt === 'string' ? { mode: raw.adopt } : { mode: 'manual', ...raw.adopt };
  }
  return state;
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
function resolveUserPath(base: string, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return resolve(base, path);
}
