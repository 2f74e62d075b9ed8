// Recording a finished run in the state DB: the catalogue mirror (playlists and their entries, written
// only where a playlist's layout hash changed), a snapshot of the source, the journal of operations, and
// the sync_events row.

import { primaryPath } from '../reconcilers/files/layout.ts';
import { hashText } from '../reconcilers/playlists/plan.ts';
import type { PlaylistRecord, Store } from '../state/store.ts';
import type { Catalog, DesiredState, Outcome } from '../types.ts';
import type { Pass } from './pass.ts';
import type { RunSummary } from './summary.ts';

/** Operations of older runs are dropped so that the journal table stays small. */
const KEEP_OPERATIONS_OF_RUNS = 20;

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
  store.addSnapshot(r.eventId, now, {
    playlistCount: layout.playlists.length,
    trackCount: layout.tracks.size,
    entryCount: r.summary.entries,
    playlists: layout.playlists.map((p) => ({
      id: p.id,
      name: p.source.name,
      lastModifiedAt: p.source.lastModifiedAt,
      items: p.source.items.length,
      itemsHash: hashText(p.source.items.join('\n')).slice(0, 16),
    })),
  });
  store.addOperations(
    r.outcomes.map((o, seq) => ({
      eventId: r.eventId,
      seq,
      type: o.action.type,
      path: 'path' in o.action ? o.action.path : o.action.type === 'move' ? o.action.to : undefined,
      payload: o.action.type === 'writeFile' ? { ...o.action, content: undefined } : o.action,
      status: o.status,
      error: o.error,
      startedAt: now,
      finishedAt: now,
    })),
  );
  store.pruneOperations(KEEP_OPERATIONS_OF_RUNS);
  store.forgetTracks(new Set(layout.tracks.keys()));
  const s = r.summary;
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
    counts: { ...s, errors: undefined },
    errors: s.errors,
    error: r.error ?? (s.failed > 0 ? `${s.failed} action(s) failed` : undefined),
  });
}
