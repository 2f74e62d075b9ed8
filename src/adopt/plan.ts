// The adoption plan: a pure function of library.yaml, the catalogue, the state DB, the files found and how
// they matched. Per matched track: which file becomes its one real file and where the layout wants it
// (the same layout the files planner computes, so the next reconcile finds it in place), which other
// copies stay as the track's copies or links (copy and hardlink modes, symlinks in symlink mode) and which
// go to the trash. Nothing is deleted. A track whose real file cannot get to its place (something that is
// not part of this adoption is in the way) is left alone entirely and reported as blocked.

import path from 'node:path';
import { childId, computeLayout, entryPath, type Layout, primaryPath } from '../reconcilers/files/layout.ts';
import { orderMoves } from '../reconcilers/files/plan.ts';
import type { Action, Catalog, DesiredState, LinkMode, StateView, TrackState } from '../types.ts';
import { choosePrimary } from './dedupe.ts';
import { PARKING, type Walked } from './scan.ts';
import type { Evidence, MatchResult, ScannedFile } from './types.ts';

type Move = Extract<Action, { type: 'move' }>;

export interface AdoptInput {
  desired: DesiredState;
  catalog: Catalog;
  state: StateView;
  /** Every entry with an audio name under the root, owned or not. */
  walked: Walked;
  /** Scanned foreign files, plus the owned real files of matched tracks (`owned: true`). */
  files: readonly ScannedFile[];
  /** Per foreign file, after identical copies shared their matches. */
  results: ReadonlyMap<string, MatchResult>;
  /** Groups of byte-identical files. */
  identical: readonly ScannedFile[][];
  downloaderExtension?: string;
  now: number;
  /** Root-relative trash folder of this run: `.cratesync/trash/<time>`. */
  trash: string;
  /** The layout of `state` as it is, when the caller has computed it already. */
  layout?: Layout;
}

export interface TrashStep {
  from: string;
  to: string;
  /** Bytes of the file (0 for a symlink). */
  bytes: number;
  /** A path the state DB owns (a replaced real file, a stale link in the way). */
  owned: boolean;
  type: 'file' | 'symlink';
  size?: number;
}

export interface KeepStep {
  from: string;
  to: string;
  kind: LinkMode;
  size?: number;
}

export interface PlannedTrack {
  trackId: string;
  evidence: Evidence;
  /** The real file: `from` → `to` (equal when it is in place already). */
  primary: { from: string; to: string; size: number; ino: number };
  /** The track's file was already cratesync's and stays: nothing to place. */
  incumbent: boolean;
  keep: KeepStep[];
  trash: TrashStep[];
  /** Every file matched to the track (the real file, copies and links). */
  files: string[];
  /** The track had no real file before: adopting it saves a download. */
  savesDownload: boolean;
}

export interface Blocked {
  trackId: string;
  path: string;
  dest: string;
  reason: string;
}

export interface AdoptPlan {
  tracks: PlannedTrack[];
  /** The real files' moves in an order where each destination is free when its move runs. */
  moves: Move[];
  blocked: Blocked[];
  /** Bytes the trash holds that no kept file shares (what emptying the trash frees). */
  bytesFreed: number;
  layout: Layout;
}

export function planAdoption(input: AdoptInput): AdoptPlan {
  const { desired, catalog, state, walked } = input;
  const mode = desired.layout.links;
  const layout0 =
    input.layout ?? computeLayout(desired, catalog, state, input.downloaderExtension, input.now);

  // ------------------------------------------------------------------ candidates per track
  const byTrack = new Map<string, { file: ScannedFile; evidence: Evidence }[]>();
  for (const f of input.files) {
    if (f.owned) continue;
    const r = input.results.get(f.path);
    if (r?.kind !== 'matched' || !layout0.tracks.has(r.trackId)) continue;
    const list = byTrack.get(r.trackId) ?? [];
    list.push({ file: f, evidence: r.evidence });
    byTrack.set(r.trackId, list);
  }
  const ownedFiles = new Map(input.files.filter((f) => f.owned).map((f) => [f.path, f]));
  const identicalOf = new Map<string, number>();
  input.identical.forEach((g, i) => {
    for (const f of g) identicalOf.set(f.path, i);
  });

  // The chosen real file of every track, and the state the layout would see once it is ours.
  const chosen = new Map<string, { file: ScannedFile; evidence: Evidence; incumbent?: ScannedFile }>();
  const tracks2 = new Map<string, TrackState>(state.tracks);
  for (const trackId of [...byTrack.keys()].sort(cmp)) {
    const found = byTrack.get(trackId)!;
    const incumbent = incumbentOf(trackId, state, ownedFiles);
    // At equal quality, a copy already in a folder of a playlist holding the track stays in that folder
    // (the layout keeps a track's real file where it is when that playlist holds it): no move between folders.
    const holders = new Set(
      layout0.tracks
        .get(trackId)!
        .playlists.filter((id) => !id.startsWith(childId('')))
        .map((id) => layout0.playlistsById.get(id)?.folder),
    );
    const preferred = new Set(
      found.map((c) => c.file.path).filter((p) => holders.has(path.posix.dirname(p))),
    );
    const best = choosePrimary([...found.map((c) => c.file), ...(incumbent ? [incumbent] : [])], preferred);
    const evidence = found.find((c) => c.file === best)?.evidence ?? strongest(found);
    chosen.set(trackId, { file: best, evidence, incumbent });
    if (best.owned) continue;
    tracks2.set(trackId, {
      ...(state.tracks.get(trackId) ?? { attempts: 0 }),
      downloadStatus: 'downloaded',
      filePath: lowerExtension(best.path),
      fileSize: best.size,
      fileHash: undefined,
    });
  }
  const layout = computeLayout(
    desired,
    catalog,
    { ...state, tracks: tracks2 },
    input.downloaderExtension,
    input.now,
  );

  // ------------------------------------------------------------------ per-track steps
  const occupied = new Set<string>([
    ...walked.files.map((f) => f.path),
    ...walked.symlinks.map((s) => s.path),
    ...walked.others,
  ]);
  const linksTo = symlinkIndex(walked, desired.root);
  const pruneOff = desired.prune.mode === 'off';
  const trashPath = (p: string): string => `${input.trash}/${p}`;

  const planned = new Map<string, PlannedTrack>();
  for (const [trackId, c] of chosen) {
    const found = byTrack.get(trackId)!;
    const best = c.file;
    const dest = best.owned ? best.path : (primaryPath(layout, trackId) ?? best.path);
    const t = layout.tracks.get(trackId)!;
    const wantedLinks = t.playlists
      .slice(1)
      .map((pid) => entryPath(layout, pid, trackId))
      .filter((p): p is string => p !== undefined);
    const claimed = new Set<string>();
    const keep: KeepStep[] = [];
    const trash: TrashStep[] = [];
    const files = new Set<string>(found.map((x) => x.file.path));

    const candidates = [...found.map((x) => x.file), ...(c.incumbent ? [c.incumbent] : [])];
    for (const dup of candidates) {
      if (dup === best) continue;
      const canStay =
        !dup.owned &&
        ((mode === 'hardlink' && dup.ino === best.ino && dup.ino !== 0) ||
          (mode === 'copy' &&
            identicalOf.get(dup.path) !== undefined &&
            identicalOf.get(dup.path) === identicalOf.get(best.path)));
      if (canStay) {
        const at = wantedLinks.includes(dup.path) && !claimed.has(dup.path) ? dup.path : undefined;
        const free = at ?? wantedLinks.find((p) => !claimed.has(p) && !occupied.has(p) && p !== dest);
        if (free !== undefined) {
          claimed.add(free);
          keep.push({ from: dup.path, to: free, kind: mode, size: dup.size });
          continue;
        }
      }
      // prune.mode off: nothing of the user's leaves its place; the copy stays where it is, foreign.
      if (pruneOff && !dup.owned) continue;
      trash.push({
        from: dup.path,
        to: trashPath(dup.path),
        bytes: dup.size,
        owned: dup.owned === true,
        type: 'file',
        size: dup.size,
      });
    }
    // The user's own symlinks to these files: where the layout wants a link (symlink mode) they become the
    // track's links. Elsewhere, one whose file moves or goes would dangle and goes to the trash; one whose
    // file stays where it is keeps working and is left alone.
    const leaving = new Set<string>([
      ...trash.map((s) => s.from),
      ...keep.filter((k) => k.from !== k.to).map((k) => k.from),
      ...(dest !== best.path ? [best.path] : []),
    ]);
    for (const f of candidates) {
      for (const p of linksTo.get(f.path) ?? []) {
        if (state.owned.has(p) || files.has(p)) continue;
        if (mode === 'symlink' && wantedLinks.includes(p) && !claimed.has(p)) {
          files.add(p);
          claimed.add(p);
          keep.push({ from: p, to: p, kind: 'symlink' });
        } else if (leaving.has(f.path) && !pruneOff) {
          files.add(p);
          trash.push({ from: p, to: trashPath(p), bytes: 0, owned: false, type: 'symlink' });
        }
      }
    }
    // A stale link of this very track where its real file belongs is ours and holds no content.
    const inWay = state.owned.get(dest);
    if (
      !best.owned &&
      dest !== best.path &&
      inWay?.trackId === trackId &&
      inWay.kind !== 'primary' &&
      occupied.has(dest)
    ) {
      trash.push({
        from: dest,
        to: trashPath(dest),
        bytes: 0,
        owned: true,
        type: inWay.kind === 'symlink' ? 'symlink' : 'file',
      });
    }
    planned.set(trackId, {
      trackId,
      evidence: c.evidence,
      primary: { from: best.path, to: dest, size: best.size, ino: best.ino },
      incumbent: best.owned === true,
      keep,
      trash,
      files: [...files].sort(cmp),
      savesDownload: c.incumbent === undefined,
    });
  }

  // ------------------------------------------------------------------ blocked destinations
  // A real file can go to its place only when that place is free or is vacated by this adoption. Leaving a
  // track out frees nothing of its own, so this repeats until no more tracks drop out.
  const blocked: Blocked[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    const leaving = new Set<string>();
    for (const p of planned.values()) {
      for (const s of p.trash) leaving.add(s.from);
      for (const s of p.keep) if (s.from !== s.to) leaving.add(s.from);
      if (p.primary.from !== p.primary.to) leaving.add(p.primary.from);
    }
    for (const [trackId, p] of planned) {
      const { from, to } = p.primary;
      if (from === to || !occupied.has(to) || leaving.has(to)) continue;
      blocked.push({
        trackId,
        path: from,
        dest: to,
        reason: state.owned.has(to)
          ? `${to} is held by another file cratesync manages`
          : `a file cratesync does not own is in the way at ${to}`,
      });
      planned.delete(trackId);
      changed = true;
    }
  }

  const tracks = [...planned.values()].sort((a, b) => cmp(a.trackId, b.trackId));
  const moves = orderMoves(
    tracks
      .filter((t) => t.primary.from !== t.primary.to)
      .map((t) => ({
        type: 'move' as const,
        from: t.primary.from,
        to: t.primary.to,
        trackId: t.trackId,
        reason: 'adopt',
      })),
    PARKING,
  );
  return {
    tracks,
    moves,
    blocked: blocked.sort((a, b) => cmp(a.trackId, b.trackId)),
    bytesFreed: bytesFreed(tracks, input.files),
    layout,
  };
}

/** The track's real file as the state DB records it, when it is on disk and was scanned. */
function incumbentOf(
  trackId: string,
  state: StateView,
  ownedFiles: ReadonlyMap<string, ScannedFile>,
): ScannedFile | undefined {
  const fp = state.tracks.get(trackId)?.filePath;
  if (fp === undefined) return undefined;
  const e = state.owned.get(fp);
  if (e?.kind !== 'primary' || e.trackId !== trackId) return undefined;
  return ownedFiles.get(fp);
}

/** Symlinks under the root by the root-relative path they resolve to. */
function symlinkIndex(walked: Walked, root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of walked.symlinks) {
    let target: string;
    if (s.target.startsWith('/')) {
      if (!s.target.startsWith(`${root}/`)) continue;
      target = path.posix.normalize(s.target.slice(root.length + 1));
    } else {
      target = path.posix.normalize(path.posix.join(path.posix.dirname(s.path), s.target));
    }
    if (target.startsWith('../')) continue;
    const list = out.get(target) ?? [];
    list.push(s.path);
    out.set(target, list);
  }
  return out;
}

/**
 * What emptying the trash would free: each trashed inode once, unless a kept file shares it or it has
 * more names (hard links) than this adoption trashes.
 */
function bytesFreed(tracks: readonly PlannedTrack[], files: readonly ScannedFile[]): number {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const kept = new Set<number>();
  const trashed = new Map<number, { count: number; nlink: number; size: number }>();
  for (const t of tracks) {
    kept.add(t.primary.ino);
    for (const k of t.keep) {
      const f = byPath.get(k.from);
      if (f) kept.add(f.ino);
    }
  }
  let freed = 0;
  let anonymous = 0;
  for (const t of tracks) {
    for (const s of t.trash) {
      if (s.type !== 'file') continue;
      const f = byPath.get(s.from);
      if (!f) continue;
      if (f.ino === 0) {
        anonymous += f.size;
        continue;
      }
      const e = trashed.get(f.ino) ?? { count: 0, nlink: f.nlink, size: f.size };
      e.count++;
      trashed.set(f.ino, e);
    }
  }
  for (const [ino, e] of trashed) if (!kept.has(ino) && e.count >= e.nlink) freed += e.size;
  return freed + anonymous;
}

function strongest(found: readonly { evidence: Evidence }[]): Evidence {
  return found[0]!.evidence;
}

/** The layout names the real file after the track with the file's extension, in lower case. */
function lowerExtension(p: string): string {
  const ext = path.posix.extname(p);
  return ext === '' ? p : p.slice(0, -ext.length) + ext.toLowerCase();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
