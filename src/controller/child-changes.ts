// What a pass would change for each child playlist, on disk and on TIDAL, read off the planned actions:
// the per-child part of `plan` (and of the run's history). Pure.

import { childId, type Layout } from '../reconcilers/files/layout.ts';
import { ADD_LIMIT } from '../sources/tidal/push/diff.ts';
import type { Action, DesiredState, Plan } from '../types.ts';

export interface ChildChange {
  name: string;
  /** Tracks the child holds after this pass. */
  matched: number;
  disk: {
    /** Track ids that get a link (or copy) in the child's folder. */
    added: string[];
    /** Paths in the child's folder that go. */
    removed: string[];
    /** The child's .m3u8 is (re)written: order or content changed. */
    playlistFile: boolean;
  };
  tidal?: {
    create: boolean;
    /** The new name, when the TIDAL playlist is renamed. */
    rename?: string;
    added: string[];
    removed: string[];
    moved: string[];
    /** Write requests this pass makes (a new playlist's entries follow in the next pass; counted here too). */
    requests: number;
    delete: boolean;
    /** Why nothing is pushed this time. */
    held?: string;
  };
}

export function childChanges(desired: DesiredState, layout: Layout, plans: readonly Plan[]): ChildChange[] {
  const actions = plans.flatMap((p) => p.actions);
  const skipped = plans.flatMap((p) => p.skipped);
  const out: ChildChange[] = [];
  for (const child of desired.children) {
    const laid = layout.playlistsById.get(childId(child.name));
    if (!laid) continue;
    const inFolder = (path: string) => path.startsWith(`${laid.folder}/`);
    const change: ChildChange = {
      name: child.name,
      matched: new Set(laid.items).size,
      disk: {
        added: actions.flatMap((a) => (a.type === 'link' && a.playlistId === laid.id ? [a.trackId] : [])),
        removed: actions.flatMap((a) => (a.type === 'remove' && inFolder(a.path) ? [a.path] : [])),
        playlistFile: actions.some((a) => a.type === 'writeFile' && a.path === laid.playlistFile),
      },
    };
    const held = skipped.find((k) => k.child === child.name);
    if (child.push === 'tidal') change.tidal = tidalChange(child.name, actions, laid.items, held?.reason);
    out.push(change);
  }
  // Children gone from library.yaml whose TIDAL playlist goes too.
  for (const a of actions) {
    if (a.type !== 'remote.delete' || out.some((c) => c.name === a.child)) continue;
    out.push({
      name: a.child,
      matched: 0,
      disk: { added: [], removed: [], playlistFile: false },
      tidal: { create: false, added: [], removed: [], moved: [], requests: 1, delete: true },
    });
  }
  return out;
}

function tidalChange(
  child: string,
  actions: readonly Action[],
  items: readonly string[],
  held: string | undefined,
): NonNullable<ChildChange['tidal']> {
  const t: NonNullable<ChildChange['tidal']> = {
    create: false,
    added: [],
    removed: [],
    moved: [],
    requests: 0,
    delete: false,
    ...(held !== undefined ? { held } : {}),
  };
  for (const a of actions) {
    if (!('child' in a) || a.child !== child) continue;
    if (a.type === 'remote.create') {
      t.create = true;
      t.added.push(...items);
      t.requests += 1 + Math.ceil(items.length / ADD_LIMIT);
    } else if (a.type === 'remote.rename') {
      t.rename = a.name;
      t.requests++;
    } else if (a.type === 'remote.edit') {
      t.requests++;
      const e = a.edit;
      if (e.op === 'add') t.added.push(...e.trackIds);
      else if (e.op === 'delete') t.removed.push(...e.items.map((i) => i.trackId));
      else t.moved.push(...e.items.map((i) => i.trackId));
    } else if (a.type === 'remote.delete') {
      t.delete = true;
      t.requests++;
    }
  }
  return t;
}

/** True when the change touches nothing. */
export function unchanged(c: ChildChange): boolean {
  const t = c.tidal;
  return (
    c.disk.added.length === 0 &&
    c.disk.removed.length === 0 &&
    !c.disk.playlistFile &&
    (!t || (t.requests === 0 && t.held === undefined))
  );
}
