// Child playlists from observed base playlists. For each child, in this order: the union of `from` (in the
// order listed, each playlist in its own order, first occurrence kept), minus every `except` playlist, kept
// only where in every `intersect` playlist, then `where`, then `sort` (stable), then `limit`. A child may
// take from other children; each is evaluated once, before those that use it. Pure: the same children and
// input give the same ids in the same order, and the only time is `input.now`.

import type { SourcePlaylist } from '../../types.ts';
import type { TrackContext } from './fields.ts';
import { childIndex } from './graph.ts';
import { toMatcher } from './match.ts';
import { sortItems } from './sort.ts';
import { fold } from './text.ts';
import type { BasePlaylistInput, ChildPlaylist, ChildrenInput, EvaluatedChild } from './types.ts';
import { dateValue } from './values.ts';

interface Item {
  id: string;
  /** Earliest time added, in epoch ms, over the occurrences that brought the track in. */
  addedAt: number | undefined;
}

type Resolved = { items: Item[] } | { unresolved: string[] };

export function evaluateChildren(children: readonly ChildPlaylist[], input: ChildrenInput): EvaluatedChild[] {
  const bases = input.bases.map(baseItems);
  const membership = playlistsByTrack(input.bases);
  const byId = new Map<string, number>();
  const byName = new Map<string, number[]>();
  input.bases.forEach((b, i) => {
    if (!byId.has(b.id)) byId.set(b.id, i);
    byName.set(fold(b.name), [...(byName.get(fold(b.name)) ?? []), i]);
  });
  const childByName = childIndex(children);
  const done = new Map<number, Resolved>();
  const busy = new Set<number>();

  const context = (item: Item): TrackContext => ({
    id: item.id,
    track: input.tracks.get(item.id),
    addedAt: item.addedAt,
    playlists: membership.get(item.id) ?? [],
  });

  // A name means a child first (a child named like a base playlist is a config error anyway), then a base
  // playlist by id, then every base playlist with that name (two source playlists may share one).
  const resolve = (name: string): Resolved => {
    const child = childByName.get(fold(name));
    if (child !== undefined) {
      const result = evaluate(child);
      return 'items' in result ? result : { unresolved: [name] };
    }
    const id = byId.get(name);
    const found = id !== undefined ? [id] : (byName.get(fold(name)) ?? []);
    if (found.length === 0) return { unresolved: [name] };
    return { items: union(found.map((i) => bases[i]!)) };
  };

  const evaluate = (k: number): Resolved => {
    const cached = done.get(k);
    if (cached) return cached;
    // Only reachable with children that skipped the loader's cycle check.
    if (busy.has(k)) return { unresolved: [children[k]!.name] };
    busy.add(k);
    const result = evaluateOne(children[k]!, resolve, context, input.now);
    busy.delete(k);
    done.set(k, result);
    return result;
  };

  return children.map((child, k) => {
    const result = evaluate(k);
    return 'items' in result
      ? { name: child.name, trackIds: result.items.map((i) => i.id), unresolved: [] }
      : { name: child.name, trackIds: [], unresolved: result.unresolved };
  });
}

function evaluateOne(
  child: ChildPlaylist,
  resolve: (name: string) => Resolved,
  context: (item: Item) => TrackContext,
  now: number,
): Resolved {
  const lists = { from: [] as Item[][], except: [] as Item[][], intersect: [] as Item[][] };
  const unresolved: string[] = [];
  for (const key of ['from', 'except', 'intersect'] as const) {
    for (const name of child[key]) {
      const r = resolve(name);
      if ('items' in r) lists[key].push(r.items);
      else unresolved.push(...r.unresolved.filter((n) => !unresolved.includes(n)));
    }
  }
  if (unresolved.length > 0) return { unresolved };

  const excluded = new Set(lists.except.flat().map((i) => i.id));
  const required = lists.intersect.map((items) => new Set(items.map((i) => i.id)));
  const matches = child.where ? toMatcher(child.where, now) : () => true;
  const kept = union(lists.from)
    .map((item, order) => ({ item, order, ctx: context(item) }))
    .filter(
      ({ item, ctx }) => !excluded.has(item.id) && required.every((s) => s.has(item.id)) && matches(ctx),
    );
  const sorted = sortItems(kept, child.sort);
  const limited = child.limit === undefined ? sorted : sorted.slice(0, child.limit);
  return { items: limited.map((s) => s.item) };
}

/** Items of several lists in order, each id once, with the earliest addedAt of its occurrences. */
function union(lists: readonly (readonly Item[])[]): Item[] {
  const out = new Map<string, Item>();
  for (const list of lists) {
    for (const item of list) {
      const seen = out.get(item.id);
      if (!seen) out.set(item.id, { ...item });
      else seen.addedAt = earliest(seen.addedAt, item.addedAt);
    }
  }
  return [...out.values()];
}

function baseItems(base: BasePlaylistInput): Item[] {
  return union([base.items.map((id, i) => ({ id, addedAt: dateValue(base.addedAt?.[i]) }))]);
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

function playlistsByTrack(bases: readonly BasePlaylistInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const base of bases) {
    for (const id of new Set(base.items)) {
      const names = out.get(id);
      if (!names) out.set(id, [base.name]);
      else if (!names.includes(base.name)) names.push(base.name);
    }
  }
  return out;
}

/** A base playlist as the source observed it; `name` is its local name when `as:` renames it. */
export function toBaseInput(playlist: SourcePlaylist, name = playlist.name): BasePlaylistInput {
  const base: BasePlaylistInput = { id: playlist.id, name, items: playlist.items };
  // Entries are per occurrence and in item order; a source that lists them partly gives no dates at all.
  const entries = playlist.entries;
  if (entries && entries.length === playlist.items.length && entries.some((e) => e.addedAt !== undefined)) {
    base.addedAt = entries.map((e) => e.addedAt);
  }
  return base;
}
