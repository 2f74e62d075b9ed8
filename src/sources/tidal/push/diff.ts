// The edit script that turns a pushed playlist's current entries into the child's desired track order, with
// as few write requests as we can cheaply find. This file owns the rules of that script:
// - Entries are matched to desired slots per track id, k-th occurrence to k-th occurrence, so repeated tracks
//   keep their entries (and their itemIds) instead of being deleted and re-added.
// - Order of steps: deletes, then moves, then adds. Moves and adds anchor on entries that exist at that point.
// - Moves keep a longest increasing subsequence (by current position) of the kept entries in place and move
//   the rest in front of the next stationary entry. The API has no "move to end" (positionBefore is required
//   on a reorder), so the stationary set always includes the last kept entry in desired order.
// - Batches: add ≤ 50, delete ≤ 50, move ≤ 20 (API limits). Each edit is one request.
// - When deleting everything and appending the desired list costs fewer requests, that rebuild is chosen.

export interface PlaylistEntry {
  itemId: string;
  /** The id of the track (or video) the entry holds. */
  trackId: string;
  /** Absent means a track. Videos are never matched to desired tracks, so a pushed playlist loses them. */
  type?: 'tracks' | 'videos';
}

export type Edit =
  | { op: 'delete'; items: PlaylistEntry[] }
  /** `positionBefore` absent: append at the end. */
  | { op: 'add'; trackIds: string[]; positionBefore?: string }
  /** The listed entries move, in this order, in front of `positionBefore` (an itemId, required by the API). */
  | { op: 'move'; items: PlaylistEntry[]; positionBefore: string };

export const ADD_LIMIT = 50;
export const DELETE_LIMIT = 50;
export const MOVE_LIMIT = 20;

/** The cheaper of the minimal edit script and a rebuild; no edit at all when `current` already matches. */
export function planPlaylistEdits(current: readonly PlaylistEntry[], desired: readonly string[]): Edit[] {
  const minimal = minimalEdits(current, desired);
  const rebuild = rebuildEdits(current, desired);
  return requestCount(rebuild) < requestCount(minimal) ? rebuild : minimal;
}

/** Write requests the script costs: one per edit, since every edit is one batch. */
export function requestCount(edits: readonly Edit[]): number {
  return edits.length;
}

/** Delete every entry, then append the desired tracks in order. */
export function rebuildEdits(current: readonly PlaylistEntry[], desired: readonly string[]): Edit[] {
  const edits: Edit[] = [];
  for (const items of chunk(current, DELETE_LIMIT)) edits.push({ op: 'delete', items });
  for (const trackIds of chunk(desired, ADD_LIMIT)) edits.push({ op: 'add', trackIds });
  return edits;
}

/** Keeps every entry it can, deletes the rest, moves the fewest kept entries and adds what is missing. */
export function minimalEdits(current: readonly PlaylistEntry[], desired: readonly string[]): Edit[] {
  // match[j]: index in `current` of the entry that fills desired slot j, or -1 when the slot needs an add.
  const byTrack = new Map<string, number[]>();
  current.forEach((entry, i) => {
    if (entry.type === 'videos') return;
    const list = byTrack.get(entry.trackId);
    if (list) list.push(i);
    else byTrack.set(entry.trackId, [i]);
  });
  const used = new Set<number>();
  const match = desired.map((trackId) => {
    const i = byTrack.get(trackId)?.shift();
    if (i === undefined) return -1;
    used.add(i);
    return i;
  });

  const edits: Edit[] = [];
  const doomed = current.filter((_, i) => !used.has(i));
  for (const items of chunk(doomed, DELETE_LIMIT)) edits.push({ op: 'delete', items });

  // Kept entries in desired order; their current positions decide which may stay where they are.
  const kept = match.filter((i) => i >= 0);
  const stay = stationary(kept);
  let run: PlaylistEntry[] = [];
  for (const i of kept) {
    const entry = current[i]!;
    if (!stay.has(i)) {
      run.push(entry);
      continue;
    }
    // Chunks of one run share the anchor: each lands just before it, after the chunk moved before.
    for (const items of chunk(run, MOVE_LIMIT)) {
      edits.push({ op: 'move', items, positionBefore: entry.itemId });
    }
    run = [];
  }

  let adds: string[] = [];
  desired.forEach((trackId, j) => {
    const i = match[j]!;
    if (i < 0) {
      adds.push(trackId);
      return;
    }
    for (const trackIds of chunk(adds, ADD_LIMIT)) {
      edits.push({ op: 'add', trackIds, positionBefore: current[i]!.itemId });
    }
    adds = [];
  });
  for (const trackIds of chunk(adds, ADD_LIMIT)) edits.push({ op: 'add', trackIds });
  return edits;
}

/**
 * The current positions that stay put: a longest increasing subsequence of `positions` that ends at its
 * last element (the anchor every trailing move needs). O(n log n) with predecessor links.
 */
function stationary(positions: readonly number[]): Set<number> {
  const n = positions.length;
  if (n === 0) return new Set();
  const prev = new Array<number>(n).fill(-1);
  const tails: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = positions[k]!;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (positions[tails[mid]!]! < p) lo = mid + 1;
      else hi = mid;
    }
    prev[k] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = k;
  }
  const out = new Set<number>();
  for (let k = n - 1; k >= 0; k = prev[k]!) out.add(positions[k]!);
  return out;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
