// Applying a merged plan: phase by phase, each batch of intents journaled (one fsync) before its actions
// run, downloads in parallel under download.concurrency, everything else one at a time. One action's
// failure never stops the others; only a full or read-only disk, or cancellation, stops the run.

import pLimit from 'p-limit';
import type { Journal } from '../../state/journal.ts';
import type { Action, Outcome } from '../../types.ts';
import { type ApplyContext, isDiskError } from './context.ts';
import { execute } from './execute.ts';
import { phaseOf } from './phases.ts';
import { settle } from './settle.ts';

const BATCH = 1000;

export class FatalApplyError extends Error {
  override readonly name = 'FatalApplyError';
}

export async function applyActions(
  actions: readonly Action[],
  ctx: ApplyContext,
  journal: Journal,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let seq = 0;
  let fatal: Error | undefined;

  const runOne = async (a: Action): Promise<void> => {
    if (fatal || ctx.signal.aborted) {
      outcomes.push({
        action: a,
        status: 'skipped',
        error: fatal ? `not run: ${fatal.message}` : 'cancelled',
      });
      return;
    }
    try {
      const r = await execute(a, ctx);
      settle(a, r.status, ctx, { error: r.error, staged: r.staged, size: r.bytes, remoteId: r.remoteId });
      outcomes.push({ action: a, status: r.status, error: r.error, bytes: r.bytes });
      if (r.status === 'failed') ctx.log.warn(`${describe(a)} failed: ${r.error}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const message = (err as Error).message ?? String(err);
      if (ctx.signal.aborted) {
        outcomes.push({ action: a, status: 'skipped', error: 'cancelled' });
        return;
      }
      if (code && isDiskError(err)) fatal = new FatalApplyError(diskMessage(code, message));
      outcomes.push({ action: a, status: 'failed', error: message });
      ctx.log.warn(`${describe(a)} failed: ${message}`);
    }
  };

  for (const group of phaseGroups(actions)) {
    const downloads = group[0]!.type === 'download';
    ctx.progress?.start(downloads ? 'Downloading' : 'Applying', group.length);
    for (let i = 0; i < group.length; i += BATCH) {
      const batch = group.slice(i, i + BATCH);
      const at = new Date(ctx.now()).toISOString();
      journal.append(
        batch.map((action) => ({ t: 'intent' as const, seq: seq++, at, action: forJournal(action) })),
      );
      await ctx.store.batch(async () => {
        if (downloads) {
          const limit = pLimit(ctx.download.concurrency);
          await Promise.all(batch.map((a) => limit(() => runOne(a).finally(() => ctx.progress?.tick()))));
        } else {
          for (const a of batch) {
            await runOne(a);
            ctx.progress?.tick();
          }
        }
      });
    }
    ctx.progress?.stop();
  }
  if (fatal) throw Object.assign(fatal, { outcomes });
  return outcomes;
}

/** Recovery compares a playlist file by its hash, so the journal need not carry its whole text. */
function forJournal(a: Action): Action {
  return a.type === 'writeFile' ? { ...a, content: '' } : a;
}

function* phaseGroups(actions: readonly Action[]): Generator<Action[]> {
  let group: Action[] = [];
  for (const a of actions) {
    if (group.length > 0 && phaseOf(group[0]!) !== phaseOf(a)) {
      yield group;
      group = [];
    }
    group.push(a);
  }
  if (group.length > 0) yield group;
}

function diskMessage(code: string, message: string): string {
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return `the disk is full (${message}); free some space and run again`;
  return `the library is on a read-only filesystem (${message})`;
}

export function describe(a: Action): string {
  switch (a.type) {
    case 'download':
      return `download ${a.trackId}`;
    case 'move':
      return `move ${a.from} → ${a.to}`;
    case 'remote.create':
    case 'remote.rename':
    case 'remote.edit':
    case 'remote.delete':
    case 'remote.forget':
      return `${a.type} of TIDAL playlist for child "${a.child}"`;
    default:
      return `${a.type} ${a.path}`;
  }
}
