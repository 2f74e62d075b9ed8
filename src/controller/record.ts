// Recording a finished run in the state DB: the catalogue mirror (playlists and their entries, written
// only where a playlist's layout hash changed), a snapshot of the source, the journal of operations, and
// the sync_events row.

import { primaryPath } from '../reconcilers/files/layout.ts';
import { hashText } from '../reconcilers/playlists/plan.ts';
import type { PlaylistRecord, Store } from '../state/store.ts';
import type { Catalog, DesiredState, Outcome, SourceStats } from '../types.ts';
import { childHistory, pushedRules } from './child-history.ts';
import type { Pass } from './pass.ts';
import type { RunSummary } from './summary.ts';

/** Runs older than this many are forgotten (a watcher polling every 15 minutes makes 35,000 a year). */
export const KEEP_RUNS = 1000;
/** Operations of older runs are dropped so that the journal table stays small. */
const KEEP_OPERATIONS_OF_RUNS = 20;
/**
 * At most this many operations of one run are kept as history (failures and skips first). A first run
 * of a large library has hundreds of thousands; crash safety comes from the journal file, not from here.
 */
export const MAX_OPERATIONS_PER_RUN = 20_000;

export function recordRun(
  store: Store,
  r: {
    desired: DesiredState;
    catalog: Catalog;
    pass: Pass;
    eventId: number;
    outcomes: Outcome[];
    summary: RunSummary;
    status: 'completed' | 'failed';
    error?: string;
    now: () => number;
    sourceStats?: SourceStats;
  },
): void {
  const now = new Date(r.now()).toISOString();
  const { layout } = r.pass;
  const pending = new Set<string>();
  for (const a of r.pass.actions) {
    if ('path' in a) pending.add(a.path);
    if (a.type === 'move') pending.add(a.to);
  }
  for (const plan of r.pass.plans) for (const k of plan.skipped) if (k.path) pending.add(k.path);

  const records: PlaylistRecord[] = layout.playlists.map((p) => {
    const entries = [...new Set(p.items)].map((trackId) => {
      const name = layout.tracks.get(trackId)?.fileName;
      const path = name === undefined ? '' : `${p.folder}/${name}`;
      const isPrimary = primaryPath(layout, trackId) === path && path !== '';
      return { trackId, isPrimary, path, valid: path !== '' && !pending.has(path) };
    });
    const missing = entries.filter((e) => !e.valid).length;
    const syncStatus =
      missing === 0
        ? 'in_sync'
        : entries.some((e) => e.path === '' || !r.pass.disk.has(e.path))
          ? 'needs_download'
          : 'needs_update';
    const record: Omit<PlaylistRecord, 'layoutHash'> = {
      sourceId: p.id,
      name: p.name,
      folder: p.folder,
      playlistFile: p.playlistFile,
      lastModifiedAt: p.source.lastModifiedAt,
      syncStatus,
      entries,
    };
    return { ...record, layoutHash: hashText(JSON.stringify(record)) };
  });
  store.syncPlaylists(records, now);
  const playlists = layout.playlists.map((p) => ({
    id: p.id,
    name: p.source.name,
    lastModifiedAt: p.source.lastModifiedAt,
    items: p.source.items.length,
    itemsHash: hashText(p.source.items.join('\n')).slice(0, 16),
  }));
  store.addSnapshot(r.eventId, now, {
    playlistCount: layout.playlists.length,
    trackCount: layout.tracks.size,
    entryCount: r.summary.entries,
    sourceHash: hashText(JSON.stringify(playlists)),
    playlists,
  });
  store.addOperations(historyOf(r.outcomes).map(({ o, seq }) => operationRow(r.eventId, seq, o, now)));
  store.pruneOperations(KEEP_OPERATIONS_OF_RUNS);
  store.pruneHistory(KEEP_RUNS);
  store.forgetTracks(new Set(layout.tracks.keys()));
  const s = r.summary;
  store.refreshRemoteRules(pushedRules(r.desired), now);
  const remoteIds = new Map([...store.loadRemote().values()].map((x) => [x.child, x.playlistId]));
  const skipped = r.pass.plans.flatMap((p) => p.skipped);
  store.finishEvent(r.eventId, {
    status: r.status,
    finishedAt: now,
    actionsPlanned: s.planned,
    actionsApplied: s.applied,
    actionsFailed: s.failed,
    actionsSkipped: s.skipped,
    downloads: s.downloads,
    linksCreated: s.linksCreated,
    filesMoved: s.moves,
    filesRemoved: s.removed,
    bytesDownloaded: s.bytesDownloaded,
    apiRequests: r.sourceStats?.requests,
    cacheHits: r.sourceStats?.cacheHits,
    throttled: r.sourceStats?.throttled,
    counts: {
      ...s,
      errors: undefined,
      operationsNotKept: Math.max(0, r.outcomes.length - MAX_OPERATIONS_PER_RUN),
    },
    details: { children: childHistory(r.desired, layout, r.outcomes, skipped, remoteIds) },
    errors: s.errors,
    error: r.error ?? (s.failed > 0 ? `${s.failed} action(s) failed` : undefined),
  });
}

function historyOf(outcomes: readonly Outcome[]): { o: Outcome; seq: number }[] {
  const all = outcomes.map((o, seq) => ({ o, seq }));
  if (all.length <= MAX_OPERATIONS_PER_RUN) return all;
  const notable = all.filter(({ o }) => o.status === 'failed' || o.status === 'skipped');
  const rest = all.filter(({ o }) => o.status !== 'failed' && o.status !== 'skipped');
  return [...notable, ...rest].slice(0, MAX_OPERATIONS_PER_RUN).sort((a, b) => a.seq - b.seq);
}

function operationRow(eventId: number, seq: number, o: Outcome, now: string) {
  const a = o.action;
  // The path has its own column; the payload keeps the rest, without a playlist file's whole text.
  const { type: _type, ...rest } = a.type === 'writeFile' ? { ...a, content: undefined } : a;
  return {
    eventId,
    seq,
    type: a.type,
    path: 'path' in a ? a.path : a.type === 'move' ? a.to : undefined,
    payload: rest,
    status: o.status,
    error: o.error,
    startedAt: now,
    finishedAt: now,
  };
}
