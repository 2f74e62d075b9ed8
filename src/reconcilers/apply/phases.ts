// The order in which a run changes the world (DESIGN §4): folders, downloads (verified in staging), moves
// and links, playlist files and exports, remote pushes, and removals last, so that nothing is removed
// before what replaces it is in place.

import type { Action, Plan } from '../../types.ts';

export const PHASES = ['prepare', 'download', 'moves', 'playlists', 'remote', 'prune'] as const;
export type Phase = (typeof PHASES)[number];

export function phaseOf(a: Action): Phase {
  switch (a.type) {
    case 'mkdir':
      return 'prepare';
    case 'download':
      return 'download';
    case 'move':
    case 'link':
    case 'relink':
      return 'moves';
    case 'writeFile':
      return 'playlists';
    case 'remove':
      return a.evict ? 'moves' : 'prune';
    case 'remote.create':
    case 'remote.rename':
    case 'remote.edit':
      return 'remote';
    case 'remote.delete':
    case 'remote.forget':
      return 'prune';
  }
}

/** All targets' actions in phase order; within a phase each plan keeps its own order. */
export function mergePlans(plans: readonly Plan[]): Action[] {
  const rank = new Map(PHASES.map((p, i) => [p, i]));
  const all = plans.flatMap((p) => p.actions).map((a, i) => ({ a, i, r: rank.get(phaseOf(a))! }));
  all.sort((x, y) => x.r - y.r || x.i - y.i);
  // Folders of removed playlists go after every file removal, deepest first (the planner sorted them).
  const files = all.filter(
    (x) => !(x.r === rank.get('prune') && x.a.type === 'remove' && x.a.kind === 'dir'),
  );
  const dirs = all.filter((x) => x.r === rank.get('prune') && x.a.type === 'remove' && x.a.kind === 'dir');
  return [...files, ...dirs].map((x) => x.a);
}
