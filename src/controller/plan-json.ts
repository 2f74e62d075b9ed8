// `plan --json` data (also what the watcher's GET /api/plan answers): the actions, what is deliberately
// not done, per-child changes, and counts.

import type { Action, Skipped } from '../types.ts';
import type { ChildChange } from './child-changes.ts';
import type { AdoptPreview, PassResult } from './pass.ts';

export interface PlanJson {
  actions: Action[];
  skipped: Skipped[];
  /** Per child playlist: what changes on disk and on TIDAL. */
  children: ChildChange[];
  /** With `adopt: auto|manual`: what adopting existing files would do first. */
  adopt?: AdoptPreview;
  summary: {
    actions: number;
    byType: Record<string, number>;
    skipped: number;
    skippedByCode: Record<string, number>;
    unsafe?: string;
    /** Answered by the converged shortcut, without observing. */
    shortcut?: boolean;
  };
}

export function planJson(pass: PassResult): PlanJson {
  const skipped = pass.plans.flatMap((p) => p.skipped);
  return {
    actions: pass.actions.map((a) =>
      a.type === 'writeFile' ? { ...a, content: `${a.content.split('\n').length - 1} lines` } : a,
    ),
    skipped,
    children: pass.children,
    ...(pass.adopt ? { adopt: pass.adopt } : {}),
    summary: {
      actions: pass.actions.length,
      byType: countBy(pass.actions, (a) => (a.type === 'remove' && a.evict ? 'evict' : a.type)),
      skipped: skipped.length,
      skippedByCode: countBy(skipped, (s) => s.code),
      ...(pass.unsafe ? { unsafe: pass.unsafe } : {}),
      ...(pass.shortcut ? { shortcut: true } : {}),
    },
  };
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
