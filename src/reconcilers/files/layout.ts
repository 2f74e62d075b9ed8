// The desired layout on disk, as a pure function of library.yaml, the catalogue and the state DB:
// one folder per mirrored playlist, one file name per track, and which playlist holds the real file.
//
// Stability rules (so that a source-side reorder or an unrelated addition never moves a file):
// - names are sticky: a folder or file keeps the name it had while that name is still valid for it;
// - the primary is sticky: a track keeps its real file in the playlist that holds it now, while the track
//   is still in that playlist; otherwise the first playlist by `layout.primary` takes it.

import path from 'node:path';
import { checkChildren, evaluateChildren, toBaseInput } from '../../desired/filters/index.ts';
import { configError } from '../../desired/positions.ts';
import type { Catalog, DesiredState, SourcePlaylist, StateView, Track } from '../../types.ts';
import { allocateNames, renderFilename, sanitizeComponent } from './names.ts';
import { selectPlaylists } from './select.ts';

export interface LaidOutPlaylist {
  id: string;
  name: string;
  /** Root-relative folder, e.g. `Playlists/Deep House`. */
  folder: string;
  /** Root-relative .m3u8 path, when playlist files are enabled. */
  playlistFile?: string;
  /** Track ids in source order, duplicates kept, unknown tracks dropped. */
  items: string[];
  source: SourcePlaylist;
}

export interface LaidOutTrack {
  track: Track;
  /** File name with extension, or undefined while the extension is unknown (not downloaded yet). */
  fileName?: string;
  /** Playlist ids holding the track, in priority order; the first is the primary. */
  playlists: string[];
}

export interface Layout {
  playlists: LaidOutPlaylist[];
  playlistsById: Map<string, LaidOutPlaylist>;
  tracks: Map<string, LaidOutTrack>;
  /** Playlist items whose track the catalogue does not describe. */
  unknownItems: { playlistId: string; trackId: string }[];
  /** Explicitly listed playlist ids the source did not return. */
  missingIds: string[];
}

/** Root-relative path of a track's file inside a playlist's folder. */
export function entryPath(layout: Layout, playlistId: string, trackId: string): string | undefined {
  const name = layout.tracks.get(trackId)?.fileName;
  const folder = layout.playlistsById.get(playlistId)?.folder;
  return name === undefined || folder === undefined ? undefined : `${folder}/${name}`;
}

export function primaryPath(layout: Layout, trackId: string): string | undefined {
  const t = layout.tracks.get(trackId);
  return t?.playlists[0] === undefined ? undefined : entryPath(layout, t.playlists[0], trackId);
}

export function computeLayout(
  desired: DesiredState,
  catalog: Catalog,
  state: StateView,
  downloaderExtension: string | undefined,
  /** Epoch ms, for child filters on relative dates; the layout stays a pure function of its inputs. */
  now = 0,
): Layout {
  const pushed = new Set([...state.remote.values()].map((r) => r.playlistId));
  const { selected, missingIds } = selectPlaylists(desired.playlists, catalog, pushed);
  const children = evaluatedChildren(desired, selected, catalog, now);
  const base = desired.layout.playlists;

  // Folder names: sanitized local names, made unique (case-insensitively), sticky to last run's folder.
  // 250 bytes leaves room for the ".m3u8" beside the folder. Children share the namespace with the bases.
  const folderNames = allocateNames(
    [...selected, ...children].map(({ playlist, localName }) => ({
      key: playlist.id,
      stem: sanitizeComponent(localName, 250),
      previous: previousName(state.playlists.get(playlist.id)?.folder, base),
    })),
    { maxBytes: 250, ext: () => '' },
  );

  const playlists: LaidOutPlaylist[] = [];
  const unknownItems: Layout['unknownItems'] = [];
  const held = heldBefore(selected, state);
  for (const { playlist, localName } of [...selected, ...children]) {
    const folderName = folderNames.get(playlist.id)!;
    // A playlist read only in part keeps what it held before too: nothing of it moves or goes.
    const listed = isShortRead(playlist)
      ? [...playlist.items, ...(held.get(playlist.id) ?? [])]
      : playlist.items;
    const items = listed.filter((id) => {
      if (catalog.tracks.has(id)) return true;
      unknownItems.push({ playlistId: playlist.id, trackId: id });
      return false;
    });
    playlists.push({
      id: playlist.id,
      name: localName,
      folder: `${base}/${folderName}`,
      playlistFile: desired.layout.playlistFiles === 'm3u8' ? `${base}/${folderName}.m3u8` : undefined,
      items,
      source: playlist,
    });
  }
  const playlistsById = new Map(playlists.map((p) => [p.id, p]));

  // Which playlists hold each track, in priority order. Only base playlists can hold the real file: a child
  // is a view of them and never causes a second copy, so children come after every base.
  const bases = playlists.slice(0, selected.length);
  const order =
    desired.layout.primary === 'alphabetical'
      ? [...bases].sort((a, b) => compareKeys(a.folder, b.folder) || compareKeys(a.id, b.id))
      : bases;
  const holders = new Map<string, string[]>();
  for (const p of order) {
    for (const id of p.items) {
      const list = holders.get(id);
      if (!list) holders.set(id, [p.id]);
      else if (list[list.length - 1] !== p.id && !list.includes(p.id)) list.push(p.id);
    }
  }
  for (const p of playlists.slice(selected.length)) {
    p.items = p.items.filter((id) => holders.has(id));
    for (const id of new Set(p.items)) holders.get(id)!.push(p.id);
  }
  const isBase = new Set(bases.map((p) => p.id));

  // Sticky primary: the playlist whose folder holds the track's real file today keeps it.
  const playlistByFolder = new Map(playlists.map((p) => [p.folder, p.id]));
  for (const [id, p] of state.playlists) if (p.folder !== undefined) playlistByFolder.set(p.folder, id);
  const trackIds = [...holders.keys()].sort(compareKeys);
  const tracks = new Map<string, LaidOutTrack>();
  const extOf = new Map<string, string | undefined>();
  for (const id of trackIds) {
    const list = holders.get(id)!;
    const filePath = state.tracks.get(id)?.filePath;
    const current = filePath === undefined ? undefined : playlistByFolder.get(path.posix.dirname(filePath));
    if (current !== undefined && list[0] !== current && isBase.has(current) && list.includes(current)) {
      list.splice(list.indexOf(current), 1);
      list.unshift(current);
    }
    extOf.set(id, extensionOf(filePath) ?? downloaderExtension);
    tracks.set(id, { track: catalog.tracks.get(id)!, playlists: list });
  }

  // File names: unique across the library (one name per track everywhere), sticky to last run's name.
  const fileNames = allocateNames(
    trackIds.map((id) => ({
      key: id,
      stem: sanitizeComponent(renderFilename(desired.layout.filename, catalog.tracks.get(id)!)),
      previous: basenameOf(state.tracks.get(id)?.filePath),
    })),
    { maxBytes: 255, ext: (id) => extOf.get(id) ?? '' },
  );
  for (const id of trackIds) {
    if (extOf.get(id) !== undefined) tracks.get(id)!.fileName = fileNames.get(id);
  }

  return { playlists, playlistsById, tracks, unknownItems, missingIds };
}

function previousName(folder: string | undefined, base: string): string | undefined {
  if (folder === undefined || path.posix.dirname(folder) !== base) return undefined;
  return path.posix.basename(folder);
}

/** Child playlists as laid-out sources: evaluated against the observed bases, after checking their names. */
function evaluatedChildren(
  desired: DesiredState,
  selected: readonly { playlist: SourcePlaylist; localName: string }[],
  catalog: Catalog,
  now: number,
): { playlist: SourcePlaylist; localName: string }[] {
  if (desired.children.length === 0) return [];
  const bases = selected.map(({ playlist, localName }) => toBaseInput(playlist, localName));
  // A child named like a base playlist, or taking from one the source did not return: a config error,
  // so a renamed source playlist stops the run instead of emptying the child.
  const issues = checkChildren(desired.children, bases);
  if (issues.length > 0) throw configError(issues);
  return evaluateChildren(desired.children, { bases, tracks: catalog.tracks, now }).map((c) => ({
    playlist: { id: childId(c.name), name: c.name, items: c.trackIds },
    localName: c.name,
  }));
}

/** Children live in the same playlists table as the bases, under an id no source uses. */
export function childId(name: string): string {
  return `child:${name}`;
}

/** Whether the source could not list this playlist completely this time. */
export function isShortRead(p: SourcePlaylist): boolean {
  return p.shortRead !== undefined || (p.expectedItems !== undefined && p.items.length < p.expectedItems);
}

/** Track ids each short-read playlist's folder held at the end of the last run (from the state DB). */
function heldBefore(
  selected: readonly { playlist: SourcePlaylist }[],
  state: StateView,
): Map<string, string[]> {
  const folders = new Map<string, string>();
  for (const { playlist } of selected) {
    const folder = state.playlists.get(playlist.id)?.folder;
    if (isShortRead(playlist) && folder !== undefined) folders.set(`${folder}/`, playlist.id);
  }
  const out = new Map<string, string[]>();
  if (folders.size === 0) return out;
  for (const e of state.owned.values()) {
    if (e.trackId === undefined || e.kind === 'staged') continue;
    const id = folders.get(e.path.slice(0, e.path.lastIndexOf('/') + 1));
    if (id === undefined) continue;
    const list = out.get(id) ?? [];
    list.push(e.trackId);
    out.set(id, list);
  }
  return out;
}

function basenameOf(filePath: string | undefined): string | undefined {
  return filePath === undefined ? undefined : path.posix.basename(filePath);
}

function extensionOf(filePath: string | undefined): string | undefined {
  if (filePath === undefined) return undefined;
  const ext = path.posix.extname(filePath);
  return ext === '' ? undefined : ext.slice(1);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
