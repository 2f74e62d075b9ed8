// The `tidal` target: child playlists with `push: tidal` kept as real TIDAL playlists. Pure, like every
// planner. This file owns the push rules:
// - A remote playlist is ours only when the state DB records it AND its description still carries the
//   managed marker; anything else is never written (skip `not-managed`).
// - A child without a playlist gets one created (UNLISTED, marked); its entries follow on the next pass,
//   once the playlist has an id. A recorded playlist that is gone from TIDAL is created again.
// - Entries change by the edit script of sources/tidal/push/diff.ts: minimal edits, or a rebuild when
//   that costs fewer requests. Nothing is pushed for a child whose inputs were read only in part, or when
//   the source listing as a whole is suspect: a partial child would delete remote entries.
// - A child renamed in library.yaml keeps its playlist (renamed on TIDAL): a recorded child that is gone
//   and a new pushed child with the very same rules are one child.
// - A pushed child removed from library.yaml (or no longer pushed) has its playlist deleted only under
//   prune.mode trash or delete, within prune.maxDeletions; with prune off it is reported and kept.

import { fold } from '../../desired/filters/text.ts';
import type { ChildPlaylist } from '../../desired/filters/types.ts';
import { planPlaylistEdits } from '../../sources/tidal/push/diff.ts';
import { isManaged, withMarker } from '../../sources/tidal/push/marker.ts';
import type {
  Catalog,
  DesiredState,
  Plan,
  RemoteAction,
  RemotePlaylistState,
  Skipped,
  SourcePlaylist,
  StateView,
} from '../../types.ts';
import { childId, isShortRead, type Layout } from '../files/layout.ts';
import { hashText } from '../playlists/plan.ts';

export interface TidalPushInput {
  catalog: Catalog;
  layout: Layout;
  state: StateView;
  /** Set when the source listing as a whole is suspect: nothing is pushed, renamed or deleted. */
  unsafe?: string;
  deletionBudget: number;
}

/** Descriptions stay short: TIDAL shows them under the title. */
const DESCRIPTION_LIMIT = 200;

export function planTidalPush(desired: DesiredState, input: TidalPushInput): Plan<RemoteAction> {
  const actions: RemoteAction[] = [];
  const skipped: Skipped[] = [];
  const plan = { target: 'tidal' as const, actions, skipped };
  const pushed = desired.children.filter((c) => c.push === 'tidal');
  const records = input.state.remote;
  // Another source (the user switched providers) cannot see TIDAL: keep every record as it is.
  if (desired.source.provider !== 'tidal' || (pushed.length === 0 && records.size === 0)) return plan;
  if (input.unsafe) {
    for (const c of pushed)
      skipped.push({ code: 'unsafe-source', child: c.name, reason: `not pushed: ${input.unsafe}` });
    return plan;
  }

  const remoteById = new Map(input.catalog.playlists.map((p) => [p.id, p]));
  const wanted = new Set(pushed.map((c) => c.name));
  const orphans = [...records.values()].filter((r) => !wanted.has(r.child));
  for (const child of pushed) {
    let record = records.get(child.name);
    let previousChild: string | undefined;
    const rules = rulesHash(child);
    if (!record) {
      // A rename in library.yaml: the child's rules are those of a recorded child that is gone.
      const i = orphans.findIndex((r) => r.rulesHash === rules && remoteById.has(r.playlistId));
      if (i >= 0) {
        record = orphans.splice(i, 1)[0]!;
        previousChild = record.child;
      }
    }
    planChild(child, {
      all: desired.children,
      record,
      previousChild,
      rules,
      remoteById,
      input,
      actions,
      skipped,
    });
  }

  let budget = input.deletionBudget;
  for (const record of orphans) {
    const remote = remoteById.get(record.playlistId);
    if (!remote) {
      actions.push({
        type: 'remote.forget',
        playlistId: record.playlistId,
        child: record.child,
        reason: 'the playlist is no longer on TIDAL',
      });
    } else if (!isManaged(remote.description)) {
      skipped.push({
        code: 'not-managed',
        child: record.child,
        reason: `TIDAL playlist "${remote.name}" no longer carries the cratesync marker; it is left alone`,
      });
    } else if (desired.prune.mode === 'off') {
      skipped.push({
        code: 'prune-off',
        child: record.child,
        reason: `TIDAL playlist "${remote.name}" is no longer pushed by library.yaml; prune.mode is off`,
      });
    } else if (budget <= 0) {
      skipped.push({
        code: 'deletion-cap',
        child: record.child,
        reason: `deleting TIDAL playlist "${remote.name}" waits: prune.maxDeletions reached`,
      });
    } else {
      budget--;
      actions.push({
        type: 'remote.delete',
        playlistId: record.playlistId,
        child: record.child,
        reason: `child "${record.child}" is no longer pushed by library.yaml`,
      });
    }
  }
  return plan;
}

function planChild(
  child: ChildPlaylist,
  c: {
    all: readonly ChildPlaylist[];
    record: RemotePlaylistState | undefined;
    previousChild: string | undefined;
    rules: string;
    remoteById: Map<string, SourcePlaylist>;
    input: TidalPushInput;
    actions: RemoteAction[];
    skipped: Skipped[];
  },
): void {
  const { input, actions, skipped } = c;
  const skip = (code: Skipped['code'], reason: string) => skipped.push({ code, child: child.name, reason });
  const short = shortInputs(child, c.all, input.layout);
  if (short.length > 0) {
    skip('unsafe-source', `not pushed: ${short.join(', ')} could not be read completely`);
    return;
  }
  const desiredIds = input.layout.playlistsById.get(childId(child.name))?.items ?? [];
  const remote = c.record ? c.remoteById.get(c.record.playlistId) : undefined;
  if (!c.record || !remote) {
    actions.push({
      type: 'remote.create',
      child: child.name,
      name: child.name,
      description: describeChild(child),
      rulesHash: c.rules,
      ...(c.record ? { reason: `TIDAL playlist ${c.record.playlistId} is gone; a new one is made` } : {}),
    });
    return;
  }
  if (!isManaged(remote.description)) {
    skip('not-managed', `TIDAL playlist "${remote.name}" no longer carries the cratesync marker; not pushed`);
    return;
  }
  if (isShortRead(remote)) {
    skip(
      'unsafe-source',
      `TIDAL playlist "${remote.name}" could not be read completely: ${remote.shortRead}`,
    );
    return;
  }
  const current = remoteEntries(remote);
  if (!current) {
    skip('unsafe-source', `TIDAL did not give the entry ids of playlist "${remote.name}"`);
    return;
  }
  if (remote.name !== child.name || c.previousChild !== undefined) {
    actions.push({
      type: 'remote.rename',
      playlistId: remote.id,
      child: child.name,
      name: child.name,
      rulesHash: c.rules,
      ...(c.previousChild !== undefined ? { previousChild: c.previousChild } : {}),
    });
  }
  planPlaylistEdits(current, desiredIds).forEach((edit, step) => {
    actions.push({ type: 'remote.edit', playlistId: remote.id, child: child.name, step, edit });
  });
}

/** The playlist's entries with their itemIds; undefined when an entry lacks one (nothing can be edited). */
function remoteEntries(p: SourcePlaylist): { itemId: string; trackId: string }[] | undefined {
  const entries = p.entries ?? (p.items.length === 0 ? [] : undefined);
  if (!entries || entries.length !== p.items.length) return undefined;
  const out: { itemId: string; trackId: string }[] = [];
  for (const e of entries) {
    if (e.itemId === undefined) return undefined;
    out.push({ itemId: e.itemId, trackId: e.trackId });
  }
  return out;
}

/** The child's rules without its name: what stays equal when only the name changes. */
export function rulesHash(child: ChildPlaylist): string {
  const { name: _name, ...rules } = child.spec;
  return hashText(JSON.stringify(rules)).slice(0, 16);
}

function describeChild(child: ChildPlaylist): string {
  let text = `Derived from ${child.from.join(', ')}.`;
  if (text.length > DESCRIPTION_LIMIT - 30) text = `${text.slice(0, DESCRIPTION_LIMIT - 31)}…`;
  return withMarker(text);
}

/**
 * Base playlists this child depends on (through other children too) that were read only in part. The
 * names resolve as the evaluation resolves them: a child first, then a base by id, then by name.
 */
function shortInputs(child: ChildPlaylist, all: readonly ChildPlaylist[], layout: Layout): string[] {
  const children = new Map(all.map((c) => [fold(c.name), c]));
  const bases = layout.playlists.filter((p) => !p.id.startsWith('child:'));
  const short: string[] = [];
  const seen = new Set<string>();
  const visit = (c: ChildPlaylist) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    for (const name of [...c.from, ...c.except, ...c.intersect]) {
      const sub = children.get(fold(name));
      if (sub) {
        visit(sub);
        continue;
      }
      const byId = bases.filter((b) => b.id === name);
      for (const b of byId.length > 0 ? byId : bases.filter((b) => fold(b.name) === fold(name))) {
        if (isShortRead(b.source) && !short.includes(b.name)) short.push(b.name);
      }
    }
  };
  visit(child);
  return short;
}
