// Read-only queries for the watcher's status API and dashboard: sync_events rows as JSON, and each playlist
// with what its health depends on (entries not in place, failed downloads). Like reports.ts they never
// write.

import type { SqlValue } from 'sql.js';
import type { Store } from './store.ts';
import { n, s } from './values.ts';

function parsed(v: SqlValue | undefined): unknown {
  if (v === null || v === undefined) return undefined;
  try {
    return JSON.parse(String(v));
  } catch {
    return String(v);
  }
}

/** One sync_events row; `counts` is the run summary, `errors` the failures of single actions. */
export interface SyncEventRow {
  id: number;
  status: string;
  trigger: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  actionsPlanned: number;
  actionsApplied: number;
  actionsFailed: number;
  actionsSkipped: number;
  downloads: number;
  linksCreated: number;
  filesMoved: number;
  filesRemoved: number;
  bytesDownloaded: number;
  apiRequests: number;
  cacheHits: number;
  throttled: number;
  counts?: Record<string, unknown>;
  errors?: string[];
  error?: string;
  /** Which revision of library.yaml the run applied: `github:...` or the file, and the commit. */
  configSource?: string;
  configCommit?: string;
  configDirty?: boolean;
  /** Per-run details (child playlists); only on a single event. */
  details?: unknown;
}

const COLUMNS = `id, status, trigger, dry_run, started_at, finished_at, actions_planned, actions_applied,
  actions_failed, actions_skipped, downloads, links_created, files_moved, files_removed, bytes_downloaded,
  api_requests, cache_hits, throttled, counts, errors, error, config_source, config_commit, config_dirty`;

function eventRow(r: SqlValue[]): SyncEventRow {
  const row: SyncEventRow = {
    id: n(r[0]),
    status: String(r[1]),
    trigger: String(r[2]),
    dryRun: n(r[3]) === 1,
    startedAt: String(r[4]),
    actionsPlanned: n(r[6]),
    actionsApplied: n(r[7]),
    actionsFailed: n(r[8]),
    actionsSkipped: n(r[9]),
    downloads: n(r[10]),
    linksCreated: n(r[11]),
    filesMoved: n(r[12]),
    filesRemoved: n(r[13]),
    bytesDownloaded: n(r[14]),
    apiRequests: n(r[15]),
    cacheHits: n(r[16]),
    throttled: n(r[17]),
  };
  const finishedAt = s(r[5]);
  if (finishedAt !== undefined) row.finishedAt = finishedAt;
  const counts = parsed(r[18]);
  if (counts !== undefined) row.counts = counts as Record<string, unknown>;
  const errors = parsed(r[19]);
  if (Array.isArray(errors)) row.errors = errors.map(String);
  const error = s(r[20]);
  if (error !== undefined) row.error = error;
  const source = s(r[21]);
  if (source !== undefined) row.configSource = source;
  const commit = s(r[22]);
  if (commit !== undefined) row.configCommit = commit;
  if (r[23] !== null && r[23] !== undefined) row.configDirty = n(r[23]) === 1;
  return row;
}

/** Newest first. */
export function syncEventRows(store: Store, limit: number): SyncEventRow[] {
  return store.query(`SELECT ${COLUMNS} FROM sync_events ORDER BY id DESC LIMIT ?`, [limit]).map(eventRow);
}

export function syncEventRow(store: Store, id: number): SyncEventRow | undefined {
  const r = store.query(`SELECT ${COLUMNS}, details FROM sync_events WHERE id = ?`, [id])[0];
  if (!r) return undefined;
  const row = eventRow(r);
  const details = parsed(r[24]);
  if (details !== undefined) row.details = details;
  return row;
}

/** A playlist (base or child) with the figures its health is judged by. */
export interface PlaylistHealthRow {
  sourceId: string;
  name: string;
  syncStatus: string;
  lastSynced?: string;
  entries: number;
  /** Entries whose file or link is not in place. */
  notInPlace: number;
  /** Distinct tracks of this playlist whose download failed. */
  failedDownloads: number;
  /** One of their errors, as an example. */
  firstError?: string;
}

export function playlistHealthRows(store: Store): PlaylistHealthRow[] {
  return store
    .query(
      `SELECT p.source_id, p.name, p.sync_status, p.last_synced_filesystem,
              COUNT(pt.track_id),
              COALESCE(SUM(CASE WHEN pt.sync_status != 'synced' THEN 1 ELSE 0 END), 0),
              COUNT(DISTINCT CASE WHEN t.download_status = 'error' THEN t.id END),
              MIN(CASE WHEN t.download_status = 'error' THEN t.download_error END)
       FROM playlists p
       LEFT JOIN playlist_tracks pt ON pt.playlist_id = p.id
       LEFT JOIN tracks t ON t.id = pt.track_id
       GROUP BY p.id
       ORDER BY CASE WHEN p.source_id LIKE 'child:%' THEN 1 ELSE 0 END, p.name`,
    )
    .map((r) => {
      const row: PlaylistHealthRow = {
        sourceId: String(r[0]),
        name: String(r[1]),
        syncStatus: String(r[2]),
        entries: n(r[4]),
        notInPlace: n(r[5]),
        failedDownloads: n(r[6]),
      };
      const lastSynced = s(r[3]);
      if (lastSynced !== undefined) row.lastSynced = lastSynced;
      const firstError = s(r[7]);
      if (firstError !== undefined) row.firstError = firstError;
      return row;
    });
}
