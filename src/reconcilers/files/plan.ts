// The files planner: a pure function from (desired layout, disk, state DB) to the actions that make the
// playlist folders hold one real file per track and a link for every other occurrence.
//
// Safety rules owned here:
// - only paths the state DB records as ours are moved, replaced or removed; anything else in the way is
//   reported as foreign and left alone;
// - removals follow prune.mode and prune.maxDeletions, and none at all (nor moves) when the source
//   listing looks unsafe (short, empty where it had content, or an explicitly listed playlist missing);
// - actions come out in apply order: folders, downloads, evictions, moves, links, then prune.

import path from 'node:path';
import type {
  Action,
  DesiredState,
  DiskEntry,
  DiskState,
  LinkMode,
  OwnedEntry,
  Plan,
  Skipped,
  StateView,
} from '../../types.ts';
import { type Layout, primaryPath } from './layout.ts';

export interface FilesObserved {
  layout: Layout;
  disk: DiskState;
  state: StateView;
  /** Epoch ms of this pass, for download backoff. */
  now: number;
  /** Why removals and moves are unsafe this pass, if they are. */
  unsafe?: string;
  /** Root-relative staging folder. */
  staging: string;
  /** Content removals prune.maxDeletions still allows in this run (earlier passes used the rest). */
  deletionBudget?: number;
}

type Want =
  | { kind: 'primary'; trackId: string; playlistId: string }
  | { kind: 'link'; trackId: string; playlistId: string; primary: string };

type Move = Extract<Action, { type: 'move' }>;
type Remove = Extract<Action, { type: 'remove' }>;

// Removals that destroy bytes count against prune.maxDeletions; symlinks, hard links and scratch do not.
const CONTENT_KINDS = new Set(['primary', 'copy', 'playlistFile', 'export']);

export function planFiles(desired: DesiredState, o: FilesObserved): Plan {
  const { layout, disk, state } = o;
  const mode = desired.layout.links;
  const skipped: Skipped[] = [];
  const mkdirs: Action[] = [];
  const downloads: Action[] = [];
  const moves: Move[] = [];
  const links: Action[] = [];
  const evictions: Remove[] = [];
  /** Downloads whose extension is unknown: they land in staging and are placed on the next pass. */
  const deferred: Action[] = [];

  // ------------------------------------------------------------------ the desired entries
  const want = new Map<string, Want>();
  const wantedDirs = new Set<string>();
  for (const p of layout.playlists) {
    wantedDirs.add(p.folder);
    for (const trackId of p.items) {
      const t = layout.tracks.get(trackId)!;
      if (t.fileName === undefined) continue;
      const entry = `${p.folder}/${t.fileName}`;
      if (want.has(entry)) continue;
      want.set(
        entry,
        t.playlists[0] === p.id
          ? { kind: 'primary', trackId, playlistId: p.id }
          : { kind: 'link', trackId, playlistId: p.id, primary: primaryPath(layout, trackId)! },
      );
    }
  }

  for (const dir of wantedDirs) {
    const d = disk.get(dir);
    if (d?.type === 'dir') continue;
    if (d) {
      skipped.push({ code: 'foreign', path: dir, reason: 'a file is where the playlist folder belongs' });
      continue;
    }
    mkdirs.push({ type: 'mkdir', path: dir, playlistId: playlistOfDir(layout, dir) });
  }

  const byTrack = indexByTrack(state);
  const owns = (p: string, kind?: OwnedEntry['kind'], trackId?: string): boolean => {
    const e = state.owned.get(p);
    return (
      e !== undefined &&
      (kind === undefined || e.kind === kind) &&
      (trackId === undefined || e.trackId === trackId)
    );
  };
  const isFile = (p: string): boolean => disk.get(p)?.type === 'file';

  // Paths whose current occupant leaves (moved away) or is replaced during the moves phase.
  const leaving = new Set<string>();
  /** Where each track's real file will be after the moves phase (undefined: not available this pass). */
  const placed = new Map<string, string>();
  const blockedDirs = new Set<string>();

  // ------------------------------------------------------------------ primaries: keep, move, or download
  const primaries = [...want].filter(([, w]) => w.kind === 'primary') as [
    string,
    Extract<Want, { kind: 'primary' }>,
  ][];
  const usedSources = new Set<string>();
  for (const [dest, w] of primaries) {
    const { trackId } = w;
    if (isFile(dest) && owns(dest, 'primary', trackId)) {
      placed.set(trackId, dest);
      continue;
    }
    const occupant = disk.get(dest);
    if (occupant && !state.owned.has(dest)) {
      skipped.push({
        code: 'foreign',
        path: dest,
        trackId,
        reason: 'a file cratesync does not own is in the way',
      });
      continue;
    }
    const source = currentCopy(trackId, dest, o, mode, usedSources, byTrack);
    if (source === dest) {
      // A whole copy of the track already sits where its real file belongs: it becomes the real file.
      moves.push({ type: 'move', from: dest, to: dest, trackId, reason: 'promote in place' });
      usedSources.add(dest);
      placed.set(trackId, dest);
      continue;
    }
    if (source !== undefined) {
      if (o.unsafe) {
        skipped.push({ code: 'unsafe-source', path: source, trackId, reason: `not moving: ${o.unsafe}` });
        placed.set(trackId, source);
        continue;
      }
      usedSources.add(source);
      moves.push({ type: 'move', from: source, to: dest, trackId, reason: moveReason(source, o.staging) });
      leaving.add(source);
      placed.set(trackId, dest);
      continue;
    }
    const ts = state.tracks.get(trackId);
    if (ts?.downloadStatus === 'error' && ts.nextRetryAt !== undefined && ts.nextRetryAt > o.now) {
      skipped.push({
        code: 'backoff',
        trackId,
        path: dest,
        reason: `download failed ${ts.attempts}× (${ts.downloadError ?? 'unknown error'}); next try after ${new Date(ts.nextRetryAt).toISOString()}`,
      });
      continue;
    }
    const ext = path.posix.extname(dest);
    const staged = `${o.staging}/${safeId(trackId)}${ext}`;
    downloads.push({ type: 'download', trackId, staged });
    moves.push({ type: 'move', from: staged, to: dest, trackId, reason: 'place download' });
    placed.set(trackId, dest);
  }

  // Tracks whose extension is unknown until downloaded: download now, place on the next pass.
  for (const [trackId, t] of layout.tracks) {
    if (t.fileName !== undefined || stagedCopy(trackId, o, byTrack)) continue;
    const ts = state.tracks.get(trackId);
    if (ts?.downloadStatus === 'error' && ts.nextRetryAt !== undefined && ts.nextRetryAt > o.now) {
      skipped.push({ code: 'backoff', trackId, reason: `download failed ${ts.attempts}×; waiting to retry` });
      continue;
    }
    deferred.push({ type: 'download', trackId, staged: `${o.staging}/${safeId(trackId)}` });
  }

  // ------------------------------------------------------------------ links
  for (const [at, w] of want) {
    if (w.kind !== 'link') continue;
    const primary = placed.get(w.trackId);
    if (primary === undefined) continue; // the track's own skip already says why
    const target = mode === 'symlink' ? path.posix.relative(path.posix.dirname(at), primary) : primary;
    const d = disk.get(at);
    const mine = state.owned.get(at);
    if (d && !mine) {
      skipped.push({
        code: 'foreign',
        path: at,
        trackId: w.trackId,
        reason: 'a file cratesync does not own is in the way',
      });
      continue;
    }
    if (d && mine && linkHolds(mode, d, mine, target, w.trackId, primary, o)) continue;
    if (d && mine && mine.kind === 'primary' && mine.trackId !== w.trackId && !leaving.has(at)) {
      // Another track's real file, no longer wanted, holds this name: it goes (per prune.mode) before the links.
      evictions.push(removal(at, mine, desired, 'replaced by a link of another track'));
      leaving.add(at);
    }
    const fields = { path: at, target, mode, trackId: w.trackId, playlistId: w.playlistId };
    links.push(
      d && !leaving.has(at)
        ? { type: 'relink', ...fields, reason: relinkReason(d, mine!) }
        : { type: 'link', ...fields },
    );
  }

  // Destinations of moves that hold an owned entry which stays put must be cleared first.
  for (const m of moves) {
    if (m.from === m.to || !disk.has(m.to) || leaving.has(m.to)) continue;
    const mine = state.owned.get(m.to);
    if (!mine) continue;
    evictions.push(removal(m.to, mine, desired, 'replaced by the real file'));
    leaving.add(m.to);
  }

  // ------------------------------------------------------------------ prune what is no longer desired
  // A playlist item whose track the source did not describe (unavailable, lookup failed) keeps its files.
  const undescribed = new Set(layout.unknownItems.map((u) => u.trackId));
  const prune: Remove[] = [];
  for (const [p, mine] of state.owned) {
    if (want.has(p) || wantedDirs.has(p) || leaving.has(p) || usedSources.has(p)) continue;
    if (mine.kind === 'playlistFile' || mine.kind === 'export') continue; // other targets own those
    if (mine.trackId !== undefined && undescribed.has(mine.trackId) && disk.has(p)) {
      skipped.push({
        code: 'missing-track',
        path: p,
        trackId: mine.trackId,
        reason: 'the source lists this track but did not describe it; kept',
      });
      blockedDirs.add(path.posix.dirname(p));
      continue;
    }
    if (mine.kind === 'dir') continue; // handled after the files
    prune.push(removal(p, mine, desired, disk.has(p) ? 'no longer desired' : 'already gone'));
  }
  const dirRemovals: Remove[] = [];
  for (const [p, mine] of state.owned) {
    if (mine.kind !== 'dir' || wantedDirs.has(p)) continue;
    dirRemovals.push(removal(p, mine, desired, 'playlist no longer mirrored'));
  }
  dirRemovals.sort((a, b) => b.path.split('/').length - a.path.split('/').length || cmp(a.path, b.path));

  // Foreign entries inside our folders are reported, never touched.
  for (const [p, d] of disk) {
    if (state.owned.has(p) || want.has(p)) continue;
    const dir = path.posix.dirname(p);
    if (!wantedDirs.has(dir) && !state.owned.has(dir)) continue;
    if (d.type === 'dir' && wantedDirs.has(p)) continue;
    skipped.push({ code: 'foreign', path: p, reason: 'not created by cratesync; left alone' });
    blockedDirs.add(dir);
  }

  const budget = o.deletionBudget ?? desired.prune.maxDeletions;
  const gated = gateRemovals(
    [...evictions, ...prune],
    { ...desired, prune: { ...desired.prune, maxDeletions: budget } },
    o,
    skipped,
  );
  const gatedSet = new Set(gated);
  const evictionSet = new Set(evictions);
  const keptEvictions = gated.filter((r) => evictionSet.has(r));
  const droppedEvictions = new Set(evictions.filter((r) => !gatedSet.has(r)).map((r) => r.path));
  const keptPrune = gated.filter((r) => !evictionSet.has(r));
  // A folder goes only when nothing we own stays in it this pass (removals held back keep it).
  const removedNow = new Set(gated.map((r) => r.path));
  const occupied = new Set<string>();
  for (const [p, mine] of state.owned) {
    if (mine.kind === 'dir' || removedNow.has(p) || leaving.has(p) || !disk.has(p)) continue;
    for (let d = path.posix.dirname(p); d !== '.' && !occupied.has(d); d = path.posix.dirname(d))
      occupied.add(d);
  }
  const keptDirs = dirRemovals.filter((r) => {
    if (o.unsafe || desired.prune.mode === 'off' || occupied.has(r.path)) return false;
    if (blockedDirs.has(r.path)) {
      skipped.push({
        code: 'not-empty',
        path: r.path,
        reason: 'folder holds files cratesync does not own; left in place',
      });
      return false;
    }
    return true;
  });

  // A placement whose eviction was refused cannot happen this pass.
  const finalMoves = moves.filter((m) => {
    if (!droppedEvictions.has(m.to)) return true;
    skipped.push({
      code: 'conflict',
      path: m.to,
      trackId: m.trackId,
      reason: 'cannot clear the way without a removal',
    });
    return false;
  });
  const finalLinks = links.filter((l) => !('path' in l) || !droppedEvictions.has(l.path));
  const placedFrom = new Set(finalMoves.map((m) => m.from));
  const finalDownloads = [
    ...downloads.filter((d) => d.type === 'download' && placedFrom.has(d.staged)),
    ...deferred,
  ];

  return {
    target: 'files',
    actions: [
      ...mkdirs.sort(byPath),
      ...finalDownloads,
      ...keptEvictions.map((r) => ({ ...r, evict: true })),
      ...orderMoves(finalMoves, o.staging),
      ...finalLinks,
      ...keptPrune,
      ...keptDirs,
    ],
    skipped,
  };
}

/** An existing owned copy of the track's audio that can become the real file without downloading. */
function currentCopy(
  trackId: string,
  dest: string,
  o: FilesObserved,
  mode: LinkMode,
  used: Set<string>,
  byTrack: Map<string, OwnedEntry[]>,
): string | undefined {
  const ts = o.state.tracks.get(trackId);
  const fp = ts?.filePath;
  const recorded = fp === undefined ? undefined : o.state.owned.get(fp);
  if (
    fp !== undefined &&
    !used.has(fp) &&
    o.disk.get(fp)?.type === 'file' &&
    recorded?.kind === 'primary' &&
    recorded.trackId === trackId
  ) {
    return fp;
  }
  const staged = stagedCopy(trackId, o, byTrack);
  if (staged !== undefined && !used.has(staged)) return staged;
  if (mode === 'symlink') return undefined;
  // In hardlink and copy modes every link is a whole file: one of them can stand in for a lost primary,
  // best the one already at the destination.
  const candidates = [...(byTrack.get(trackId) ?? [])].sort(
    (a, b) => Number(b.path === dest) - Number(a.path === dest),
  );
  for (const e of candidates) {
    if ((e.kind !== 'copy' && e.kind !== 'hardlink') || used.has(e.path)) continue;
    const d = o.disk.get(e.path);
    if (d?.type === 'file' && (ts?.fileSize === undefined || d.size === ts.fileSize)) return e.path;
  }
  return undefined;
}

function stagedCopy(
  trackId: string,
  o: FilesObserved,
  byTrack: Map<string, OwnedEntry[]>,
): string | undefined {
  for (const e of byTrack.get(trackId) ?? []) {
    if (e.kind === 'staged' && o.disk.get(e.path)?.type === 'file') return e.path;
  }
  return undefined;
}

function indexByTrack(state: StateView): Map<string, OwnedEntry[]> {
  const out = new Map<string, OwnedEntry[]>();
  for (const e of state.owned.values()) {
    if (e.trackId === undefined) continue;
    const list = out.get(e.trackId);
    if (list) list.push(e);
    else out.set(e.trackId, [e]);
  }
  return out;
}

function linkHolds(
  mode: LinkMode,
  d: DiskEntry,
  mine: OwnedEntry,
  target: string,
  trackId: string,
  primary: string,
  o: FilesObserved,
): boolean {
  if (mine.trackId !== trackId || mine.kind !== mode) return false;
  if (mode === 'symlink') return d.type === 'symlink' && d.target === target;
  if (d.type !== 'file') return false;
  const p = o.disk.get(primary);
  if (p?.type !== 'file') return false;
  return mode === 'hardlink' ? d.ino === p.ino : d.size === p.size;
}

function relinkReason(d: DiskEntry, mine: OwnedEntry): string {
  if (d.type === 'symlink') return `link pointed to ${d.target}`;
  if (mine.kind === 'primary') return 'real file moved away';
  return `${mine.kind} out of date`;
}

function removal(p: string, mine: OwnedEntry, desired: DesiredState, reason: string): Remove {
  // Links and scratch files hold no unique content: delete them; real content follows prune.mode.
  const content = mine.kind === 'primary' || mine.kind === 'copy' || mine.kind === 'playlistFile';
  const modeFor = content && desired.prune.mode === 'trash' ? 'trash' : 'delete';
  return { type: 'remove', path: p, kind: mine.kind, mode: modeFor, reason };
}

/**
 * Applies prune.mode, prune.maxDeletions and the unsafe-source rule. Removals of paths that are already
 * gone only forget them and are always allowed.
 */
export function gateRemovals(
  removals: Remove[],
  desired: DesiredState,
  o: { unsafe?: string; disk: DiskState },
  skipped: Skipped[],
): Remove[] {
  const kept: Remove[] = [];
  let deletions = 0;
  for (const r of removals) {
    if (!o.disk.has(r.path)) {
      kept.push(r);
      continue;
    }
    if (o.unsafe) {
      skipped.push({ code: 'unsafe-source', path: r.path, reason: `not removing: ${o.unsafe}` });
      continue;
    }
    if (desired.prune.mode === 'off' && r.kind !== 'staged') {
      skipped.push({
        code: 'prune-off',
        path: r.path,
        reason: `would remove (${r.reason}); prune.mode is off`,
      });
      continue;
    }
    if (CONTENT_KINDS.has(r.kind)) {
      if (deletions >= desired.prune.maxDeletions) {
        skipped.push({
          code: 'deletion-cap',
          path: r.path,
          reason: `prune.maxDeletions (${desired.prune.maxDeletions}) reached this run`,
        });
        continue;
      }
      deletions++;
    }
    kept.push(r);
  }
  return kept;
}

/**
 * The owned files of one kind (playlist files, exports) that are no longer wanted, as removals that
 * prune.mode, the remaining deletion budget and an unsafe listing allow; the rest are reported.
 */
export function staleRemovals(
  kind: 'playlistFile' | 'export',
  wanted: ReadonlySet<string>,
  reason: string,
  desired: DesiredState,
  o: { unsafe?: string; disk: DiskState; state: StateView; deletionBudget: number },
  skipped: Skipped[],
): Remove[] {
  const removals: Remove[] = [];
  for (const [p, mine] of o.state.owned) {
    if (mine.kind !== kind || wanted.has(p)) continue;
    removals.push({
      type: 'remove',
      path: p,
      kind,
      mode: desired.prune.mode === 'delete' ? 'delete' : 'trash',
      reason,
    });
  }
  const budgeted: DesiredState = { ...desired, prune: { ...desired.prune, maxDeletions: o.deletionBudget } };
  return gateRemovals(removals, budgeted, o, skipped);
}

/**
 * Orders moves so that each destination is free when its move runs: a move waits for the move that
 * vacates its destination; a cycle (files swapping names) is broken by parking one file in staging.
 */
export function orderMoves(moves: Move[], staging: string): Move[] {
  const bySource = new Map(moves.map((m) => [m.from, m]));
  const from = new Map(moves.map((m) => [m, m.from]));
  const state = new Map<Move, 'visiting' | 'done'>();
  const out: Move[] = [];
  let parkedCount = 0;

  const visit = (m: Move): void => {
    if (state.has(m)) return;
    state.set(m, 'visiting');
    const blocker = bySource.get(m.to);
    if (blocker && blocker !== m) {
      if (state.get(blocker) === 'visiting') {
        const parked = `${staging}/swap-${parkedCount++}${path.posix.extname(blocker.from)}`;
        out.push({ ...blocker, from: from.get(blocker)!, to: parked, reason: 'make way (via staging)' });
        from.set(blocker, parked);
      } else {
        visit(blocker);
      }
    }
    out.push({ ...m, from: from.get(m)! });
    state.set(m, 'done');
  };
  for (const m of moves) visit(m);
  return out;
}

function moveReason(source: string, staging: string): string {
  return source.startsWith(`${staging}/`) ? 'place download' : 'primary moved';
}

function playlistOfDir(layout: Layout, dir: string): string {
  return layout.playlists.find((p) => p.folder === dir)?.id ?? '';
}

/** Track ids become file names in staging: keep them to safe characters. */
export function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

const byPath = (a: Action, b: Action): number =>
  cmp((a as { path: string }).path, (b as { path: string }).path);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
