// What one run did for each child playlist, kept in its sync_events row (`details.children`) and shown by
// `cratesync inspect CHILD`: tracks matched, links made and removed, TIDAL write requests and errors.

import { childId, type Layout } from '../reconcilers/files/layout.ts';
import { rulesHash } from '../reconcilers/tidal/plan.ts';
import type { DesiredState, Outcome, Skipped } from '../types.ts';

export interface ChildRun {
  matched: number;
  linksAdded: number;
  linksRemoved: number;
  /** TIDAL write requests made for this child (absent when it is not pushed). */
  requests?: number;
  /** The TIDAL playlist's id after the run, when it is pushed. */
  remoteId?: string;
  /** Why nothing was pushed, when it was held back. */
  held?: string;
  errors: string[];
}

export function childHistory(
  desired: DesiredState,
  layout: Layout,
  outcomes: readonly Outcome[],
  skipped: readonly Skipped[],
  remoteIds: ReadonlyMap<string, string>,
): Record<string, ChildRun> {
  const out: Record<string, ChildRun> = {};
  for (const child of desired.children) {
    const laid = layout.playlistsById.get(childId(child.name));
    if (!laid) continue;
    const run: ChildRun = { matched: new Set(laid.items).size, linksAdded: 0, linksRemoved: 0, errors: [] };
    if (child.push === 'tidal') {
      run.requests = 0;
      const id = remoteIds.get(child.name);
      if (id !== undefined) run.remoteId = id;
      const held = skipped.find((k) => k.child === child.name);
      if (held) run.held = held.reason;
    }
    out[child.name] = run;
  }
  for (const o of outcomes) {
    const a = o.action;
    let name: string | undefined;
    if ('child' in a) name = a.child;
    else if (a.type === 'link') name = childName(a.playlistId);
    else if (a.type === 'remove') name = childOfPath(layout, a.path);
    const run = name === undefined ? undefined : out[name];
    if (!run) continue;
    if (o.status === 'failed') {
      if (run.errors.length < 20) run.errors.push(`${a.type}: ${o.error ?? 'failed'}`);
      continue;
    }
    if (o.status !== 'applied') continue;
    if (a.type === 'link') run.linksAdded++;
    else if (a.type === 'remove') run.linksRemoved++;
    else if (a.type !== 'remote.forget' && run.requests !== undefined) run.requests++;
  }
  return out;
}

/** Each pushed child's rules, so the record of its playlist recognises a later rename. */
export function pushedRules(desired: DesiredState): Map<string, string> {
  return new Map(desired.children.filter((c) => c.push === 'tidal').map((c) => [c.name, rulesHash(c)]));
}

function childName(playlistId: string): string | undefined {
  return playlistId.startsWith('child:') ? playlistId.slice('child:'.length) : undefined;
}

function childOfPath(layout: Layout, path: string): string | undefined {
  for (const p of layout.playlists) {
    if (p.id.startsWith('child:') && path.startsWith(`${p.folder}/`)) return childName(p.id);
  }
  return undefined;
}
