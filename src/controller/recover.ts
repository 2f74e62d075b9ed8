// Start-up recovery after a killed run. The journal holds the intents of every action that may have run
// since the state DB was last saved; each is settled against the disk (ownership follows what is really
// there), the interrupted run is recorded as failed, and leftover scratch files in staging are removed.
// The next plan then re-plans whatever did not finish.

import type { Fs } from '../io/fs.ts';
import { settle } from '../reconcilers/apply/settle.ts';
import type { Journal } from '../state/journal.ts';
import type { Store } from '../state/store.ts';
import type { Logger } from '../types.ts';

export interface RecoveryContext {
  fs: Fs;
  root: string;
  store: Store;
  journal: Journal;
  now: () => number;
  log: Logger;
  staging: string;
}

/** Returns the number of journaled actions that were settled (0: the last run ended cleanly). */
export function recoverInterruptedRun(ctx: RecoveryContext): number {
  const records = ctx.journal.read();
  const now = new Date(ctx.now()).toISOString();
  // Loading every track's state is costly on a large library: only a crashed run needs it.
  const trackStates = records.length > 0 ? ctx.store.loadView().tracks : new Map();
  let settled = 0;
  for (const r of records) {
    if (r.t === 'begin') {
      if (!ctx.store.eventExists(r.eventId)) {
        const id = ctx.store.beginEvent(r.startedAt, r.trigger, false);
        ctx.store.finishEvent(id, {
          status: 'failed',
          finishedAt: now,
          error: 'interrupted: the process stopped before the run finished',
        });
      }
    } else if (r.t === 'intent') {
      settle(r.action, 'recovered', { ...ctx, trackStates });
      settled++;
    }
  }
  const failed = ctx.store.failInterruptedEvents(now);
  removeScratch(ctx);
  if (records.length > 0 || failed.length > 0) {
    ctx.store.clearConvergence();
    ctx.log.warn(
      `the previous run was interrupted; recovered ${settled} journaled action(s) and will finish the work now`,
    );
    ctx.store.save();
    ctx.journal.clear();
  }
  return settled;
}

/** Partial downloads and half-written scratch files: staging entries the state DB does not own. */
function removeScratch(ctx: RecoveryContext): void {
  const dir = `${ctx.root}/${ctx.staging}`;
  let names: string[];
  try {
    names = ctx.fs.readdirSync(dir) as string[];
  } catch {
    return;
  }
  for (const name of names) {
    if (ctx.store.getOwned(`${ctx.staging}/${name}`)) continue;
    ctx.fs.rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
}
