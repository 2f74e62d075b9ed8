// One observe → plan pass over every target. Observing reads the disk and the state DB; planning is the
// pure part. The result is data: what reconcile applies and what `plan --json` prints.

import type { Fs } from '../io/fs.ts';
import { mergePlans } from '../reconcilers/apply/phases.ts';
import { planExports } from '../reconcilers/exports/plan.ts';
import { computeLayout, type Layout, primaryPath } from '../reconcilers/files/layout.ts';
import { statInto, walkDisk } from '../reconcilers/files/observe-disk.ts';
import { planFiles } from '../reconcilers/files/plan.ts';
import { planPlaylists } from '../reconcilers/playlists/plan.ts';
import { planTidalPush } from '../reconcilers/tidal/plan.ts';
import type { Store } from '../state/store.ts';
import type { Action, Catalog, DesiredState, DiskState, Plan, StateView } from '../types.ts';
import { type ChildChange, childChanges } from './child-changes.ts';
import { unsafeListing } from './safety.ts';

export const STAGING = '.cratesync/staging';

export interface LibraryFigures {
  playlists: number;
  tracks: number;
  entries: number;
  /** Bytes that links save compared with one real file per playlist entry. */
  bytesSaved: number;
}

/** What a pass decided: what `plan` prints and what reconcile applies. */
export interface PassResult {
  plans: Plan[];
  /** Every target's actions in apply order. */
  actions: Action[];
  unsafe?: string;
  figures: LibraryFigures;
  /** True when the converged shortcut answered without observing (controller/shortcut.ts). */
  shortcut?: boolean;
  /** Per child playlist: what this pass changes on disk and on TIDAL. */
  children: ChildChange[];
  /** `plan` with `adopt: auto|manual`: what adopting existing files would do before this plan is applied. */
  adopt?: AdoptPreview;
}

export interface AdoptPreview {
  /** Existing files that would become tracks' real files. */
  files: number;
  /** Their tracks are then not downloaded (the downloads listed in this plan for them do not happen). */
  downloadsAvoided: number;
  /** Duplicate copies that would go to the trash. */
  trashed: number;
  /** Files that match several tracks and are left for the user (`cratesync adopt --dry-run` lists them). */
  ambiguous: number;
}

/** A full pass also keeps what it observed. */
export interface Pass extends PassResult {
  state: StateView;
  disk: DiskState;
  layout: Layout;
}

export function observeAndPlan(
  desired: DesiredState,
  catalog: Catalog,
  deps: { fs: Fs; store: Store; now: () => number; downloaderExtension?: string },
  deletionBudget = desired.prune.maxDeletions,
): Pass {
  const state = deps.store.loadView();
  const disk = walkDisk(deps.fs, desired.root, [desired.layout.playlists, STAGING]);
  // Exports live outside the walked folders: look at the configured one and any we wrote before.
  for (const p of exportPaths(desired, state)) statInto(deps.fs, desired.root, p, disk);
  return planPass(desired, catalog, state, disk, deps.now(), deps.downloaderExtension, deletionBudget);
}

/** The pure half of a pass. */
export function planPass(
  desired: DesiredState,
  catalog: Catalog,
  state: StateView,
  disk: DiskState,
  now: number,
  downloaderExtension: string | undefined,
  deletionBudget = desired.prune.maxDeletions,
): Pass {
  const layout = computeLayout(desired, catalog, state, downloaderExtension, now);
  const unsafe = unsafeListing(layout, state);
  const files = planFiles(desired, { layout, disk, state, now, unsafe, staging: STAGING, deletionBudget });
  const available = availableTracks(layout, disk, state, files);
  const contentRemovals = countContentRemovals(files.actions, disk);
  const playlists = planPlaylists(desired, {
    layout,
    disk,
    state,
    available,
    unsafe,
    deletionBudget: Math.max(0, deletionBudget - contentRemovals),
  });
  const exports = planExports(desired, {
    layout,
    disk,
    state,
    available,
    unsafe,
    deletionBudget: Math.max(
      0,
      deletionBudget - contentRemovals - countContentRemovals(playlists.actions, disk),
    ),
  });
  const tidal = planTidalPush(desired, {
    catalog,
    layout,
    state,
    unsafe,
    deletionBudget: Math.max(
      0,
      deletionBudget -
        contentRemovals -
        countContentRemovals(playlists.actions, disk) -
        countContentRemovals(exports.actions, disk),
    ),
  });
  const plans = [files, playlists, exports, tidal];
  return {
    state,
    disk,
    layout,
    plans,
    actions: mergePlans(plans),
    unsafe,
    figures: libraryFigures(layout, state),
    children: childChanges(desired, layout, plans),
  };
}

function libraryFigures(layout: Layout, state: StateView): LibraryFigures {
  let entries = 0;
  let bytesSaved = 0;
  for (const pl of layout.playlists) {
    const unique = new Set(pl.items);
    entries += unique.size;
    for (const id of unique) {
      if (layout.tracks.get(id)?.playlists[0] === pl.id) continue;
      bytesSaved += state.tracks.get(id)?.fileSize ?? 0;
    }
  }
  return { playlists: layout.playlists.length, tracks: layout.tracks.size, entries, bytesSaved };
}

export function exportPaths(desired: DesiredState, state: StateView): string[] {
  const out = new Set<string>();
  if (desired.exports?.rekordbox) out.add(desired.exports.rekordbox.path);
  for (const [p, e] of state.owned) if (e.kind === 'export') out.add(p);
  return [...out];
}

/** Removals that count against prune.maxDeletions: real content that exists, and pushed playlists. */
export function countContentRemovals(actions: readonly Action[], disk?: DiskState): number {
  return actions.filter(
    (a) =>
      a.type === 'remote.delete' ||
      (a.type === 'remove' &&
        (a.kind === 'primary' || a.kind === 'copy' || a.kind === 'playlistFile' || a.kind === 'export') &&
        (!disk || disk.has(a.path))),
  ).length;
}

/** Tracks whose real file is in place now or is put in place by this pass's moves. */
function availableTracks(layout: Layout, disk: DiskState, state: StateView, files: Plan): Set<string> {
  const movedTo = new Set<string>();
  for (const a of files.actions) if (a.type === 'move') movedTo.add(a.to);
  const out = new Set<string>();
  for (const id of layout.tracks.keys()) {
    const at = primaryPath(layout, id);
    if (at === undefined) continue;
    const owner = state.owned.get(at);
    if (
      movedTo.has(at) ||
      (disk.get(at)?.type === 'file' && owner?.kind === 'primary' && owner.trackId === id)
    )
      out.add(id);
  }
  return out;
}
