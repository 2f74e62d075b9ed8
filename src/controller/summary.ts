// What a run did, in numbers: for the human summary, `--json`, and the sync_events row.

import type { Outcome, SkipCode } from '../types.ts';
import type { PassResult } from './pass.ts';

export interface RunSummary {
  planned: number;
  applied: number;
  unchanged: number;
  skipped: number;
  failed: number;
  downloads: number;
  bytesDownloaded: number;
  moves: number;
  linksCreated: number;
  relinks: number;
  removed: number;
  trashed: number;
  playlistFiles: number;
  exportsWritten: number;
  /** Write requests made to TIDAL for `push:` children (creates, renames, edits, deletes). */
  remoteWrites: number;
  folders: number;
  /** Deliberately not done, by reason, as of the last pass. */
  held: Partial<Record<SkipCode, number>>;
  /** Actions the last pass still wanted (0 when the run converged). */
  remaining: number;
  playlists: number;
  tracks: number;
  entries: number;
  /** Bytes that links save compared with one real file per playlist entry. */
  bytesSaved: number;
  errors: string[];
}

export function summarize(first: PassResult, outcomes: readonly Outcome[], last: PassResult): RunSummary {
  const s: RunSummary = {
    planned: first.actions.length,
    applied: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    downloads: 0,
    bytesDownloaded: 0,
    moves: 0,
    linksCreated: 0,
    relinks: 0,
    removed: 0,
    trashed: 0,
    playlistFiles: 0,
    exportsWritten: 0,
    remoteWrites: 0,
    folders: 0,
    held: {},
    remaining: outcomes.length === 0 ? last.actions.length : countRemaining(last, outcomes),
    ...last.figures,
    errors: [],
  };
  for (const o of outcomes) {
    if (o.status === 'failed') {
      s.failed++;
      if (s.errors.length < 50) s.errors.push(`${label(o)}: ${o.error}`);
      continue;
    }
    if (o.status === 'skipped') {
      s.skipped++;
      continue;
    }
    if (o.status === 'noop') {
      s.unchanged++;
      continue;
    }
    s.applied++;
    const a = o.action;
    if (a.type === 'download') {
      s.downloads++;
      s.bytesDownloaded += o.bytes ?? 0;
    } else if (a.type === 'move' && !a.to.startsWith('.cratesync/') && !a.from.startsWith('.cratesync/'))
      s.moves++;
    else if (a.type === 'link') s.linksCreated++;
    else if (a.type === 'relink') s.relinks++;
    else if (a.type === 'writeFile' && a.kind === 'export') s.exportsWritten++;
    else if (a.type === 'writeFile') s.playlistFiles++;
    else if (a.type === 'mkdir') s.folders++;
    else if (a.type === 'remove') {
      s.removed++;
      if (a.mode === 'trash' && a.kind !== 'symlink') s.trashed++;
    } else if (a.type.startsWith('remote.') && a.type !== 'remote.forget') s.remoteWrites++;
  }
  for (const plan of last.plans) for (const k of plan.skipped) s.held[k.code] = (s.held[k.code] ?? 0) + 1;
  return s;
}

/** If the last pass was applied, what it wanted is done unless its outcome says otherwise. */
function countRemaining(last: PassResult, outcomes: readonly Outcome[]): number {
  const lastSet = new Set(last.actions);
  const open = outcomes.filter(
    (o) => lastSet.has(o.action) && (o.status === 'failed' || o.status === 'skipped'),
  );
  return lastSet.size > 0 && outcomes.some((o) => lastSet.has(o.action)) ? open.length : last.actions.length;
}

function label(o: Outcome): string {
  const a = o.action;
  if (a.type === 'download') return `download ${a.trackId}`;
  if (a.type === 'move') return `move ${a.from}`;
  if ('child' in a) return `${a.type} (child "${a.child}")`;
  return `${a.type} ${a.path}`;
}
