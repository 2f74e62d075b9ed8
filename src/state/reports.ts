// Read-only reports over the state DB for `status`, `dedupe-report` and `inspect`. They never contact the
// source, so they answer instantly and offline.

import type { Store } from './store.ts';
import { n, s } from './values.ts';
import { syncEventRows } from './watch-queries.ts';

export interface LastRun {
  id: number;
  startedAt: string;
  finishedAt?: string;
  status: string;
  trigger: string;
  actionsApplied: number;
  actionsFailed: number;
  downloads: number;
  linksCreated: number;
  filesMoved: number;
  filesRemoved: number;
  bytesDownloaded: number;
  apiRequests: number;
  cacheHits: number;
  throttled: number;
  error?: string;
  /** Where the applied library.yaml came from, its commit, and whether it had uncommitted edits. */
  configSource?: string;
  configCommit?: string;
  configDirty?: boolean;
}

export interface StatusReport {
  playlists: { total: number; byStatus: Record<string, number> };
  tracks: { total: number; byStatus: Record<string, number> };
  paths: Record<string, number>;
  dedupe: { sharedTracks: number; links: number; bytesSaved: number; bytesOnDisk: number };
  failures: { trackId: string; title: string; error: string; attempts: number; nextRetryAt?: number }[];
  lastRun?: LastRun;
  recentRuns: LastRun[];
}

export function statusReport(store: Store): StatusReport {
  const byStatus = (sql: string): Record<string, number> =>
    Object.fromEntries(store.query(sql).map((r) => [String(r[0]), n(r[1])]));
  const playlists = byStatus('SELECT sync_status, COUNT(*) FROM playlists GROUP BY sync_status');
  const tracks = byStatus('SELECT download_status, COUNT(*) FROM tracks GROUP BY download_status');
  const paths = byStatus('SELECT kind, COUNT(*) FROM owned_paths GROUP BY kind');
  const failures = store
    .query(
      `SELECT source_id, title, download_error, download_attempts, next_retry_at FROM tracks
       WHERE download_status = 'error' ORDER BY updated_at DESC LIMIT 20`,
    )
    .map((r) => ({
      trackId: String(r[0]),
      title: String(r[1]),
      error: s(r[2]) ?? '',
      attempts: n(r[3]),
      nextRetryAt: r[4] === null ? undefined : n(r[4]),
    }));
  const runs = recentRuns(store, 5);
  return {
    playlists: { total: sum(playlists), byStatus: playlists },
    tracks: { total: sum(tracks), byStatus: tracks },
    paths,
    dedupe: dedupeTotals(store),
    failures,
    lastRun: runs[0],
    recentRuns: runs,
  };
}

export function recentRuns(store: Store, limit: number): LastRun[] {
  return syncEventRows(store, limit).map((r) => ({
    id: r.id,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    status: r.status,
    trigger: r.trigger,
    actionsApplied: r.actionsApplied,
    actionsFailed: r.actionsFailed,
    downloads: r.downloads,
    linksCreated: r.linksCreated,
    filesMoved: r.filesMoved,
    filesRemoved: r.filesRemoved,
    bytesDownloaded: r.bytesDownloaded,
    apiRequests: r.apiRequests,
    error: r.error,
    cacheHits: r.cacheHits,
    throttled: r.throttled,
    ...(r.configSource === undefined ? {} : { configSource: r.configSource }),
    ...(r.configCommit === undefined ? {} : { configCommit: r.configCommit }),
    ...(r.configDirty === undefined ? {} : { configDirty: r.configDirty }),
  }));
}

function dedupeTotals(store: Store): StatusReport['dedupe'] {
  const [links, saved] = store.query(
    `SELECT COUNT(*), COALESCE(SUM(t.file_size), 0) FROM owned_paths o
     JOIN tracks t ON t.source_id = o.track_source_id
     WHERE o.kind IN ('symlink', 'hardlink')`,
  )[0] ?? [0, 0];
  const [shared] = store.query(
    `SELECT COUNT(DISTINCT track_source_id) FROM owned_paths WHERE kind IN ('symlink', 'hardlink', 'copy')`,
  )[0] ?? [0];
  const [onDisk] = store.query(
    `SELECT COALESCE(SUM(size), 0) FROM owned_paths WHERE kind IN ('primary', 'copy', 'playlistFile')`,
  )[0] ?? [0];
  return { sharedTracks: n(shared), links: n(links), bytesSaved: n(saved), bytesOnDisk: n(onDisk) };
}

export interface DedupeReport {
  totals: StatusReport['dedupe'];
  tracks: {
    trackId: string;
    title: string;
    version?: string;
    artists: string[];
    size: number;
    primary?: string;
    links: string[];
  }[];
}

export function dedupeReport(store: Store, limit = 1000): DedupeReport {
  const linkRows = store.query(
    `SELECT o.track_source_id, o.path FROM owned_paths o
     WHERE o.kind IN ('symlink', 'hardlink', 'copy') ORDER BY o.track_source_id, o.path`,
  );
  const linksByTrack = new Map<string, string[]>();
  for (const [id, p] of linkRows) {
    const list = linksByTrack.get(String(id)) ?? [];
    list.push(String(p));
    linksByTrack.set(String(id), list);
  }
  const ranked = [...linksByTrack]
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit);
  const tracks = ranked.map(([id, links]) => {
    const r = store.query(
      'SELECT title, artists, file_size, file_path, version FROM tracks WHERE source_id = ?',
      [id],
    )[0];
    return {
      trackId: id,
      title: s(r?.[0]) ?? id,
      version: s(r?.[4]),
      artists: r?.[1] ? (JSON.parse(String(r[1])) as string[]) : [],
      size: n(r?.[2]),
      primary: s(r?.[3]),
      links,
    };
  });
  return { totals: dedupeTotals(store), tracks };
}

export interface PlaylistReport {
  sourceId: string;
  name: string;
  folder?: string;
  playlistFile?: string;
  syncStatus: string;
  lastModifiedAtSource?: string;
  lastSynced?: string;
  counts: { entries: number; primaries: number; links: number; missing: number };
  entries: {
    position: number;
    trackId: string;
    title: string;
    artists: string[];
    path?: string;
    primary: boolean;
    status: string;
    downloadStatus: string;
    downloadError?: string;
  }[];
  recentChanges: { runId: number; type: string; path?: string; status: string; error?: string }[];
  /** For a child playlist: its TIDAL playlist and what the last runs did for it. */
  child?: ChildReport;
}

export interface ChildReport {
  /** The TIDAL playlist cratesync keeps for it (`push: tidal`). */
  remoteId?: string;
  runs: {
    runId: number;
    startedAt: string;
    status: string;
    matched: number;
    linksAdded: number;
    linksRemoved: number;
    requests?: number;
    held?: string;
    errors: string[];
  }[];
}

/** Runs whose details mention the child, newest first (sync_events.details.children, see child-history.ts). */
function childReport(store: Store, name: string, limit = 20): ChildReport {
  const remote = store.query('SELECT remote_id FROM remote_playlists WHERE child_name = ?', [name])[0];
  const runs: ChildReport['runs'] = [];
  for (const [id, startedAt, status, details] of store.query(
    `SELECT id, started_at, status, details FROM sync_events WHERE details IS NOT NULL ORDER BY id DESC LIMIT 1000`,
  )) {
    const entry = (JSON.parse(String(details)) as { children?: Record<string, ChildReport['runs'][number]> })
      .children?.[name];
    if (!entry) continue;
    runs.push({ ...entry, runId: n(id), startedAt: String(startedAt), status: String(status) });
    if (runs.length >= limit) break;
  }
  return { ...(remote ? { remoteId: String(remote[0]) } : {}), runs };
}

/** A playlist by source id, exact local name, or case-insensitive name; undefined when none matches. */
export function playlistReport(
  store: Store,
  nameOrId: string,
): PlaylistReport | { ambiguous: string[] } | undefined {
  let hits = store.query('SELECT id FROM playlists WHERE source_id = ? OR name = ?', [nameOrId, nameOrId]);
  if (hits.length === 0)
    hits = store.query('SELECT id FROM playlists WHERE lower(name) = lower(?) OR local_folder_path LIKE ?', [
      nameOrId,
      `%/${nameOrId}`,
    ]);
  if (hits.length > 1) {
    return {
      ambiguous: hits.map((h) =>
        String(
          store.query(
            "SELECT name || ' — folder ' || coalesce(local_folder_path, '?') || ' (' || source_id || ')' FROM playlists WHERE id = ?",
            [h[0]!],
          )[0]![0],
        ),
      ),
    };
  }
  const rowId = hits[0]?.[0];
  if (rowId === undefined) return undefined;
  const p = store.query(
    `SELECT source_id, name, local_folder_path, playlist_file_path, sync_status, last_updated_tidal, last_synced_filesystem
     FROM playlists WHERE id = ?`,
    [rowId],
  )[0]!;
  const entries = store
    .query(
      `SELECT pt.position, t.source_id, t.title, t.artists, pt.symlink_path, t.file_path, pt.is_primary, pt.sync_status,
              t.download_status, t.download_error
       FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id WHERE pt.playlist_id = ? ORDER BY pt.position`,
      [rowId],
    )
    .map((r) => ({
      position: n(r[0]),
      trackId: String(r[1]),
      title: String(r[2]),
      artists: JSON.parse(String(r[3])) as string[],
      path: n(r[6]) === 1 ? s(r[5]) : s(r[4]),
      primary: n(r[6]) === 1,
      status: String(r[7]),
      downloadStatus: String(r[8]),
      downloadError: s(r[9]),
    }));
  const folder = s(p[2]);
  const recentChanges =
    folder === undefined
      ? []
      : store
          .query(
            `SELECT sync_event_id, type, path, status, error FROM sync_operations
             WHERE path LIKE ? AND status != 'noop' ORDER BY id DESC LIMIT 20`,
            [`${folder}/%`],
          )
          .map((r) => ({
            runId: n(r[0]),
            type: String(r[1]),
            path: s(r[2]),
            status: String(r[3]),
            error: s(r[4]),
          }));
  return {
    sourceId: String(p[0]),
    name: String(p[1]),
    folder,
    playlistFile: s(p[3]),
    syncStatus: String(p[4]),
    lastModifiedAtSource: s(p[5]),
    lastSynced: s(p[6]),
    counts: {
      entries: entries.length,
      primaries: entries.filter((e) => e.primary).length,
      links: entries.filter((e) => !e.primary).length,
      missing: entries.filter((e) => e.status !== 'synced').length,
    },
    entries,
    recentChanges,
    ...(String(p[0]).startsWith('child:') ? { child: childReport(store, String(p[0]).slice(6)) } : {}),
  };
}

function sum(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}
