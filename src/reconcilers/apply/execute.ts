// Executing one action against the disk. Each executor checks its own precondition first: if its end state
// already holds it does nothing ('noop'); if the world moved since observe it does nothing and says why
// ('skipped'); the next pass re-plans. Recording what happened is settle.ts's job.

import path from 'node:path';
import type { Action, OutcomeStatus } from '../../types.ts';
import { isMissing, statEntry } from '../files/observe-disk.ts';
import { hashText } from '../playlists/plan.ts';
import { type ApplyContext, absPath, ensureDir, isDiskError } from './context.ts';
import { executeRemote } from './remote.ts';

export interface Executed {
  status: OutcomeStatus;
  error?: string;
  bytes?: number;
  /** For downloads: the staged file actually produced (its extension may differ from the guess). */
  staged?: string;
  /** For a remote create: the new playlist's id. */
  remoteId?: string;
}

const done = (bytes?: number): Executed => ({ status: 'applied', bytes });
const noop: Executed = { status: 'noop' };
const skip = (error: string): Executed => ({ status: 'skipped', error });

type Of<T extends Action['type']> = Extract<Action, { type: T }>;

export async function execute(a: Action, ctx: ApplyContext): Promise<Executed> {
  switch (a.type) {
    case 'mkdir':
      return mkdir(a, ctx);
    case 'download':
      return download(a, ctx);
    case 'move':
      return move(a, ctx);
    case 'link':
    case 'relink':
      return link(a, ctx);
    case 'writeFile':
      return writeFile(a, ctx);
    case 'remove':
      return remove(a, ctx);
    case 'remote.create':
    case 'remote.rename':
    case 'remote.edit':
    case 'remote.delete':
    case 'remote.forget':
      return executeRemote(a, ctx);
  }
}

function mkdir(a: Of<'mkdir'>, ctx: ApplyContext): Executed {
  const d = statEntry(ctx.fs, absPath(ctx, a.path));
  if (d?.type === 'dir') return noop;
  if (d) return skip('a file is where the folder belongs');
  ensureDir(ctx, absPath(ctx, a.path));
  return done();
}

async function download(a: Of<'download'>, ctx: ApplyContext): Promise<Executed> {
  const { fs } = ctx;
  const guessedExt = path.posix.extname(a.staged);
  if (guessedExt !== '' && statEntry(fs, absPath(ctx, a.staged))?.type === 'file')
    return { status: 'noop', staged: a.staged };
  const track = ctx.tracks.get(a.trackId);
  if (!track) return skip('the source no longer describes this track');
  const slot = takeSlot(ctx);
  let lastError = 'unknown error';
  try {
    for (let attempt = 0; attempt <= ctx.download.retries; attempt++) {
      if (attempt > 0) {
        await sleep(ctx.download.retryDelayMs * 2 ** (attempt - 1), ctx.signal);
        emptyFolder(ctx, slot);
      }
      ctx.signal.throwIfAborted();
      try {
        const result = await ctx.downloader.download(track, slot, ctx.signal);
        const produced = statEntry(fs, result.path);
        if (produced?.type !== 'file')
          throw new Error('the downloader reported success but produced no file');
        if (produced.size === 0) throw new Error('the downloader produced an empty file');
        const ext = path.posix.extname(result.path);
        const base = guessedExt === '' ? a.staged : a.staged.slice(0, -guessedExt.length);
        const staged = `${base}${ext}`;
        fs.renameSync(result.path, absPath(ctx, staged));
        return { status: 'applied', bytes: produced.size, staged };
      } catch (err) {
        // A full or read-only disk is not this track's failure: let the run stop with it.
        if (ctx.signal.aborted || isDiskError(err)) throw err;
        lastError = (err as Error).message ?? String(err);
      }
    }
    return { status: 'failed', error: lastError };
  } finally {
    releaseSlot(ctx, slot);
  }
}

/** An empty folder in staging for one download; reused by the next download once it is empty again. */
function takeSlot(ctx: ApplyContext): string {
  const free = ctx.scratch.freeSlots.pop();
  if (free !== undefined) return free;
  const slot = absPath(ctx, `${ctx.staging}/tmp-dl-${ctx.scratch.slots++}`);
  ctx.fs.rmSync(slot, { recursive: true, force: true });
  ensureDir(ctx, slot);
  return slot;
}

function releaseSlot(ctx: ApplyContext, slot: string): void {
  // A downloader may leave extra files (covers, logs): clear them before the slot is reused.
  if ((ctx.fs.readdirSync(slot) as string[]).length > 0) emptyFolder(ctx, slot);
  ctx.scratch.freeSlots.push(slot);
}

function emptyFolder(ctx: ApplyContext, dir: string): void {
  ctx.fs.rmSync(dir, { recursive: true, force: true });
  ctx.fs.mkdirSync(dir, { recursive: true });
}

function move(a: Of<'move'>, ctx: ApplyContext): Executed {
  const { fs } = ctx;
  const from = statEntry(fs, absPath(ctx, a.from));
  if (a.from === a.to)
    return from?.type === 'file' ? done(from.size) : skip(`the file to promote is gone: ${a.from}`);
  const to = statEntry(fs, absPath(ctx, a.to));
  if (!from) {
    const owner = ctx.store.getOwned(a.to);
    return to?.type === 'file' && owner?.trackId === a.trackId
      ? noop
      : skip(`the file to move is gone: ${a.from}`);
  }
  if (from.type !== 'file') return skip(`expected a file at ${a.from}, found a ${from.type}`);
  if (to) return skip(`the destination is occupied: ${a.to}`);
  ensureDir(ctx, path.dirname(absPath(ctx, a.to)));
  fs.renameSync(absPath(ctx, a.from), absPath(ctx, a.to));
  return done(from.size);
}

/** Where a link action's real file is, as an absolute path. */
export function linkSource(a: Of<'link'> | Of<'relink'>, ctx: ApplyContext): string {
  return a.mode === 'symlink'
    ? path.resolve(path.dirname(absPath(ctx, a.path)), a.target)
    : absPath(ctx, a.target);
}

export function linkHolds(a: Of<'link'> | Of<'relink'>, ctx: ApplyContext): boolean {
  const d = statEntry(ctx.fs, absPath(ctx, a.path));
  if (!d) return false;
  if (a.mode === 'symlink') return d.type === 'symlink' && d.target === a.target;
  const src = statEntry(ctx.fs, linkSource(a, ctx));
  if (d.type !== 'file' || src?.type !== 'file') return false;
  return a.mode === 'hardlink' ? d.ino === src.ino : d.size === src.size;
}

function link(a: Of<'link'> | Of<'relink'>, ctx: ApplyContext): Executed {
  const { fs } = ctx;
  const at = absPath(ctx, a.path);
  if (linkHolds(a, ctx)) return noop;
  const existing = statEntry(fs, at);
  if (existing && a.type === 'link') return skip(`the path is occupied: ${a.path}`);
  if (existing && !ctx.store.getOwned(a.path)) return skip(`not created by cratesync: ${a.path}`);
  if (existing?.type === 'dir') return skip(`a folder is where the link belongs: ${a.path}`);
  const src = linkSource(a, ctx);
  const real = statEntry(fs, src);
  if (real?.type !== 'file') return skip(`the real file is missing: ${a.target}`);
  ensureDir(ctx, path.dirname(at));
  if (a.mode === 'copy') {
    // Copy into staging, then rename over the destination: a reader (or a crash) never sees half a file.
    const tmp = scratchFor(a.path, ctx);
    fs.copyFileSync(src, tmp);
    fs.renameSync(tmp, at);
    return done(real.size);
  }
  // Links hold no content, so replacing one is unlink + create (memfs cannot rename a symlink itself).
  if (existing) fs.unlinkSync(at);
  if (a.mode === 'symlink') fs.symlinkSync(a.target, at);
  else fs.linkSync(src, at);
  return done(a.mode === 'hardlink' ? real.size : undefined);
}

function writeFile(a: Of<'writeFile'>, ctx: ApplyContext): Executed {
  const { fs } = ctx;
  const at = absPath(ctx, a.path);
  const d = statEntry(fs, at);
  if (d?.type === 'file' && hashText(String(fs.readFileSync(at, 'utf8'))) === a.hash) return noop;
  if (d && !ctx.store.getOwned(a.path)) return skip(`not created by cratesync: ${a.path}`);
  if (d && d.type !== 'file') return skip(`expected a file at ${a.path}, found a ${d.type}`);
  ensureDir(ctx, path.dirname(at));
  const tmp = scratchFor(a.path, ctx);
  const bytes = Buffer.from(a.content, 'utf8');
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, at);
  return done(bytes.length);
}

function remove(a: Of<'remove'>, ctx: ApplyContext): Executed {
  const { fs } = ctx;
  const at = absPath(ctx, a.path);
  const d = statEntry(fs, at);
  if (!d) return noop;
  if (a.kind === 'dir') {
    if (d.type !== 'dir') return skip(`expected a folder at ${a.path}, found a ${d.type}`);
    try {
      fs.rmdirSync(at);
      ctx.scratch.dirs.delete(at);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST')
        return skip('folder still holds files cratesync does not own');
      throw err;
    }
    return done();
  }
  if (d.type === 'dir') return skip(`expected a file at ${a.path}, found a folder`);
  if (a.kind === 'symlink' && d.type !== 'symlink')
    return skip(`expected a link at ${a.path}; it was replaced`);
  if (a.mode === 'trash' && d.type === 'file') {
    const dest = absPath(ctx, `${ctx.trash}/${a.path}`);
    ensureDir(ctx, path.dirname(dest));
    fs.renameSync(at, dest);
    return done();
  }
  try {
    fs.unlinkSync(at);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return done();
}

/** A scratch file in staging (same filesystem as the library, so the final rename is atomic). */
function scratchFor(rel: string, ctx: ApplyContext): string {
  ensureDir(ctx, absPath(ctx, ctx.staging));
  return absPath(ctx, `${ctx.staging}/tmp-${hashText(rel).slice(0, 16)}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
