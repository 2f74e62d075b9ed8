// Carrying out an adoption plan, the only part of adopt that writes. Order: replaced copies to the trash,
// kept copies and links to their places, then the real files (in an order where each destination is free).
// Each step first checks that the world is as the scan saw it (same file, same size, destination free);
// when it is not, the step is skipped and reported, and nothing else of that track is recorded. What did
// happen is recorded in the state DB as it happens: ownership (owned_paths), the track's real file
// (tracks.file_path, download_status) and where every adopted file came from (adoptions).

import path from 'node:path';
import type { Fs } from '../io/fs.ts';
import type { Layout } from '../reconcilers/files/layout.ts';
import { statEntry } from '../reconcilers/files/observe-disk.ts';
import type { AdoptionRecord, Store } from '../state/store.ts';
import type { DiskEntry, Logger } from '../types.ts';
import type { AdoptPlan, PlannedTrack } from './plan.ts';
import { PARKING } from './scan.ts';
import type { ScannedFile } from './types.ts';

export interface ApplyAdoptContext {
  fs: Fs;
  root: string;
  store: Store;
  now: () => number;
  log: Logger;
  signal?: AbortSignal;
  /** What the scan saw, by path: each step checks the file is still that file. */
  files: ReadonlyMap<string, ScannedFile>;
}

export interface AppliedAdoption {
  /** Tracks whose real file is now in place and recorded as cratesync's. */
  adopted: string[];
  moved: { from: string; to: string; trackId: string }[];
  trashed: { from: string; to: string; trackId: string; bytes: number }[];
  kept: { from: string; to: string; trackId: string; kind: string }[];
  skipped: { path: string; trackId: string; reason: string }[];
}

export function applyAdoption(plan: AdoptPlan, ctx: ApplyAdoptContext): AppliedAdoption {
  const { fs, store } = ctx;
  const now = new Date(ctx.now()).toISOString();
  const out: AppliedAdoption = { adopted: [], moved: [], trashed: [], kept: [], skipped: [] };
  const records: AdoptionRecord[] = [];
  const abs = (p: string): string => `${ctx.root}/${p}`;
  const byTrack = new Map(plan.tracks.map((t) => [t.trackId, t]));
  /** Folders known to exist (or made): checked once per run, not once per file. */
  const folders = new Set<string>();
  const skip = (t: { trackId: string }, p: string, reason: string): void => {
    out.skipped.push({ path: p, trackId: t.trackId, reason });
    ctx.log.warn(`adopt: skipped ${p}: ${reason}`);
  };

  // ------------------------------------------------------------------ replaced copies → trash
  for (const t of plan.tracks) {
    for (const s of t.trash) {
      ctx.signal?.throwIfAborted();
      const d = statEntry(fs, abs(s.from));
      const expected = s.type === 'symlink' ? 'symlink' : 'file';
      if (d?.type !== expected || (s.type === 'file' && !sameFile(d, ctx.files.get(s.from), s.owned))) {
        skip(t, s.from, 'changed since the scan; left in place');
        continue;
      }
      const to = freePath(fs, ctx.root, s.to);
      fs.mkdirSync(path.dirname(abs(to)), { recursive: true });
      fs.renameSync(abs(s.from), abs(to));
      if (s.owned) store.dropOwned(s.from);
      store.dropScanCache([s.from]);
      out.trashed.push({ from: s.from, to, trackId: t.trackId, bytes: s.bytes });
      records.push({
        trackId: t.trackId,
        originalPath: s.from,
        path: to,
        role: 'trashed',
        evidence: t.evidence,
        size: s.size,
      });
    }
  }

  // ------------------------------------------------------------------ kept copies and links
  for (const t of plan.tracks) {
    for (const k of t.keep) {
      ctx.signal?.throwIfAborted();
      const d = statEntry(fs, abs(k.from));
      const ok =
        k.kind === 'symlink'
          ? d?.type === 'symlink'
          : d?.type === 'file' && sameFile(d, ctx.files.get(k.from));
      if (!ok) {
        skip(t, k.from, 'changed since the scan; left in place');
        continue;
      }
      if (k.from !== k.to) {
        if (statEntry(fs, abs(k.to))) {
          skip(t, k.from, `${k.to} is taken now; left in place`);
          continue;
        }
        ensureFolder(ctx, plan.layout, path.posix.dirname(k.to), folders);
        fs.renameSync(abs(k.from), abs(k.to));
        store.moveScanCache(k.from, k.to);
      }
      store.putOwned({ path: k.to, kind: k.kind, trackId: t.trackId, size: k.size });
      out.kept.push({ from: k.from, to: k.to, trackId: t.trackId, kind: k.kind });
      records.push({
        trackId: t.trackId,
        originalPath: k.from,
        path: k.to,
        role: k.kind,
        evidence: t.evidence,
        size: k.size,
      });
    }
  }

  // ------------------------------------------------------------------ real files
  const origin = new Map<string, string>();
  for (const m of plan.moves) {
    ctx.signal?.throwIfAborted();
    const t = byTrack.get(m.trackId)!;
    const source = origin.get(m.from) ?? m.from;
    const parked = m.from.startsWith(`${PARKING}/`);
    const d = statEntry(fs, abs(m.from));
    if (d?.type !== 'file' || (!parked && !sameFile(d, ctx.files.get(m.from)))) {
      skip(t, source, 'changed since the scan; left in place');
      continue;
    }
    if (statEntry(fs, abs(m.to))) {
      skip(t, source, `${m.to} is taken now; left where it is`);
      continue;
    }
    ensureFolder(ctx, plan.layout, path.posix.dirname(m.to), folders);
    fs.renameSync(abs(m.from), abs(m.to));
    store.moveScanCache(m.from, m.to);
    if (m.to.startsWith(`${PARKING}/`)) {
      origin.set(m.to, source);
      continue;
    }
    out.moved.push({ from: source, to: m.to, trackId: t.trackId });
    recordPrimary(t, m.to, source, d.size);
  }
  for (const t of plan.tracks) {
    if (t.incumbent || t.primary.from !== t.primary.to) continue;
    const d = statEntry(fs, abs(t.primary.from));
    if (d?.type !== 'file' || !sameFile(d, ctx.files.get(t.primary.from))) {
      skip(t, t.primary.from, 'changed since the scan; not adopted');
      continue;
    }
    recordPrimary(t, t.primary.to, t.primary.from, d.size);
  }
  for (const t of plan.tracks) if (t.incumbent) out.adopted.push(t.trackId);

  function recordPrimary(t: PlannedTrack, at: string, from: string, size: number): void {
    store.putOwned({ path: at, kind: 'primary', trackId: t.trackId, size });
    store.setDownloadState(
      t.trackId,
      {
        downloadStatus: 'downloaded',
        downloadError: undefined,
        attempts: 0,
        nextRetryAt: undefined,
        filePath: at,
        fileSize: size,
        fileHash: undefined,
      },
      now,
    );
    out.adopted.push(t.trackId);
    records.push({
      trackId: t.trackId,
      originalPath: from,
      path: at,
      role: 'primary',
      evidence: t.evidence,
      size,
    });
  }

  store.recordAdoptions(records, now);
  out.adopted.sort();
  return out;
}

/** Still the file the scan saw: same size and modification time (an owned file: same size). */
function sameFile(d: DiskEntry, scanned: ScannedFile | undefined, ownedOnly = false): boolean {
  if (!scanned) return ownedOnly;
  return d.size === scanned.size && (ownedOnly || d.mtimeMs === scanned.mtimeMs);
}

/** Creates a missing playlist folder; one the layout names becomes cratesync's, as the files planner's would. */
function ensureFolder(ctx: ApplyAdoptContext, layout: Layout, rel: string, known: Set<string>): void {
  if (known.has(rel)) return;
  known.add(rel);
  if (statEntry(ctx.fs, `${ctx.root}/${rel}`)?.type === 'dir') return;
  ctx.fs.mkdirSync(`${ctx.root}/${rel}`, { recursive: true });
  const playlist = layout.playlists.find((p) => p.folder === rel);
  if (playlist) ctx.store.putOwned({ path: rel, kind: 'dir', playlistId: playlist.id });
}

/** `p`, or `p` with " (2)", " (3)" ... before the extension when something is there already. */
function freePath(fs: Fs, root: string, p: string): string {
  if (!statEntry(fs, `${root}/${p}`)) return p;
  const ext = path.posix.extname(p);
  const stem = p.slice(0, p.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!statEntry(fs, `${root}/${candidate}`)) return candidate;
  }
}
