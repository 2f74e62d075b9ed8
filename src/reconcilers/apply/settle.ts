// Recording an action's result in the state DB by reading the disk back, not by trusting what was meant to
// happen. The same function settles actions right after they run and, after a crash, the journaled
// intents whose outcome nobody recorded: ownership always follows what is really on disk.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Action, OwnedEntry } from '../../types.ts';
import { statEntry } from '../files/observe-disk.ts';
import { hashText } from '../playlists/plan.ts';
import { type ApplyContext, absPath, isoNow } from './context.ts';
import { linkHolds } from './execute.ts';

/** Failed downloads wait 5 min, then 10, 20 ... up to a day before the next try. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5 * 60_000 * 2 ** Math.max(0, attempts - 1), 24 * 3_600_000);
}

type SettleContext = Pick<ApplyContext, 'fs' | 'root' | 'store' | 'now' | 'staging' | 'trackStates'>;

/**
 * Records the state of the world for `a`. `status` is how execute() ended ('recovered' after a crash,
 * where nothing is known but the intent). `staged` is the file a download produced.
 */
export function settle(
  a: Action,
  status: 'applied' | 'noop' | 'failed' | 'skipped' | 'recovered',
  ctx: SettleContext,
  detail: { error?: string; staged?: string; size?: number; remoteId?: string } = {},
): void {
  const { fs, store } = ctx;
  const now = isoNow(ctx);
  // An action that just ran reports its own end state; anything else is read back from the disk.
  const ran = status === 'applied';
  switch (a.type) {
    case 'mkdir':
      // A folder that already existed may be the user's: only one we made becomes ours.
      if (ran || (status === 'recovered' && statEntry(fs, absPath(ctx, a.path))?.type === 'dir')) {
        store.putOwned({ path: a.path, kind: 'dir', playlistId: a.playlistId || undefined });
      }
      return;
    case 'download': {
      if (status === 'failed') {
        const attempts = (ctx.trackStates.get(a.trackId)?.attempts ?? 0) + 1;
        store.setDownloadState(
          a.trackId,
          {
            downloadStatus: 'error',
            downloadError: detail.error,
            attempts,
            nextRetryAt: ctx.now() + retryDelayMs(attempts),
          },
          now,
        );
        return;
      }
      const staged = detail.staged ?? findStaged(a.staged, ctx);
      if (staged === undefined) return;
      const size = ran ? detail.size : statEntry(fs, absPath(ctx, staged))?.size;
      if (size === undefined) return;
      const hash = hashFile(ctx, staged);
      store.putOwned({ path: staged, kind: 'staged', trackId: a.trackId, size, hash });
      store.setDownloadState(
        a.trackId,
        {
          downloadStatus: 'downloaded',
          downloadError: undefined,
          attempts: 0,
          nextRetryAt: undefined,
          filePath: staged,
          fileSize: size,
          fileHash: hash,
        },
        now,
      );
      return;
    }
    case 'move': {
      let size = detail.size;
      const old = store.getOwned(a.from);
      if (!ran) {
        const to = statEntry(fs, absPath(ctx, a.to));
        const from = statEntry(fs, absPath(ctx, a.from));
        if (to?.type !== 'file' || (from && a.from !== a.to)) return;
        // After a crash, another action may have put a different file there since: claim it only when
        // it still looks like the file that was moved.
        if (old?.size !== undefined && old.size !== to.size) return;
        size = to.size;
      }
      const kind = a.to.startsWith(`${ctx.staging}/`) ? 'staged' : 'primary';
      store.putOwned({ path: a.to, kind, trackId: a.trackId, size, hash: old?.hash });
      if (a.from !== a.to) store.dropOwned(a.from);
      store.setDownloadState(
        a.trackId,
        { downloadStatus: 'downloaded', filePath: a.to, fileSize: size },
        now,
      );
      return;
    }
    case 'link':
    case 'relink': {
      if (!ran && !linkHolds(a, ctx as ApplyContext) && !holdsCurrentFile(a, ctx)) return;
      const size =
        a.mode === 'symlink' ? undefined : ran ? detail.size : statEntry(fs, absPath(ctx, a.path))?.size;
      store.putOwned({ path: a.path, kind: a.mode, trackId: a.trackId, size });
      return;
    }
    case 'writeFile': {
      let size = detail.size;
      if (!ran) {
        const at = absPath(ctx, a.path);
        const d = statEntry(fs, at);
        if (d?.type !== 'file' || hashText(String(fs.readFileSync(at, 'utf8'))) !== a.hash) return;
        size = d.size;
      }
      store.putOwned({
        path: a.path,
        kind: a.kind ?? 'playlistFile',
        playlistId: a.playlistId,
        size,
        hash: a.hash,
      });
      return;
    }
    case 'remote.create':
      // After a crash the new id is unknown; the retried create reuses its key, and TIDAL replays it.
      if (!ran || detail.remoteId === undefined) return;
      store.putRemote(
        { child: a.child, provider: 'tidal', playlistId: detail.remoteId, rulesHash: a.rulesHash },
        now,
      );
      store.countRemoteCreate();
      return;
    case 'remote.rename':
      if (ran) {
        store.putRemote(
          { child: a.child, provider: 'tidal', playlistId: a.playlistId, rulesHash: a.rulesHash },
          now,
        );
      }
      return;
    case 'remote.delete':
    case 'remote.forget':
      if (ran || status === 'noop') store.dropRemote(a.child);
      return;
    case 'remote.edit':
      return;
    case 'remove': {
      if (!ran && statEntry(fs, absPath(ctx, a.path))) return;
      const old: OwnedEntry | undefined = store.getOwned(a.path);
      store.dropOwned(a.path);
      if (old?.kind === 'primary' && old.trackId) store.clearFilePath(old.trackId, a.path, now);
      return;
    }
  }
}

/**
 * After a crash: a copy or hard link the journal says we made, whose real file has since moved on (a
 * promotion or a renamed folder in the same pass), is still ours when it matches the track's file where it
 * is now. Without this it would be left as a foreign file that blocks its own link for ever.
 */
function holdsCurrentFile(a: Extract<Action, { type: 'link' | 'relink' }>, ctx: SettleContext): boolean {
  if (a.mode === 'symlink') return false;
  const now = ctx.store.trackFilePath(a.trackId);
  if (now === undefined || now === a.target) return false;
  const real = statEntry(ctx.fs, absPath(ctx, now));
  const here = statEntry(ctx.fs, absPath(ctx, a.path));
  if (real?.type !== 'file' || here?.type !== 'file') return false;
  return a.mode === 'hardlink' ? here.ino === real.ino : here.size === real.size;
}

/** After a crash the produced extension is unknown: find `{staged}.*` in staging. */
function findStaged(staged: string, ctx: SettleContext): string | undefined {
  if (path.posix.extname(staged) !== '' && statEntry(ctx.fs, absPath(ctx, staged))) return staged;
  const dir = path.posix.dirname(staged);
  const base = path.posix.basename(staged, path.posix.extname(staged));
  let names: string[] = [];
  try {
    names = ctx.fs.readdirSync(absPath(ctx, dir)) as string[];
  } catch {
    return undefined;
  }
  const hit = names.find((n) => n.startsWith(`${base}.`));
  return hit === undefined ? undefined : `${dir}/${hit}`;
}

function hashFile(ctx: SettleContext, rel: string): string {
  return createHash('sha1')
    .update(ctx.fs.readFileSync(absPath(ctx, rel)))
    .digest('hex');
}
