// Typed access to the state DB. This folder is the only place with SQL. The planner reads a StateView
// loaded once per pass; apply records ownership and download results as it goes; the run's catalogue
// mirror (tracks, playlists, playlist_tracks) is written only where a hash says it changed.

import type { Database, SqlValue, Statement } from 'sql.js';
import type { Fs } from '../io/fs.ts';
import type {
  DownloadStatus,
  ObservationCache,
  OwnedEntry,
  OwnedKind,
  PlaylistEntry,
  RemotePlaylistState,
  Skipped,
  SourcePlaylist,
  StateView,
  Track,
  TrackState,
} from '../types.ts';
import { type DbFile, openDb } from './db.ts';

export interface TrackRecord {
  track: Track;
  metaHash: string;
}

export interface PlaylistRecord {
  sourceId: string;
  name: string;
  folder: string;
  playlistFile?: string;
  lastModifiedAt?: string;
  layoutHash: string;
  syncStatus: 'in_sync' | 'needs_download' | 'needs_update' | 'needs_removal' | 'unknown';
  entries: { trackId: string; isPrimary: boolean; path: string; valid: boolean }[];
}

export interface EventFields {
  status: 'in_progress' | 'completed' | 'failed';
  finishedAt?: string;
  actionsPlanned?: number;
  actionsApplied?: number;
  actionsFailed?: number;
  actionsSkipped?: number;
  downloads?: number;
  linksCreated?: number;
  filesMoved?: number;
  filesRemoved?: number;
  bytesDownloaded?: number;
  apiRequests?: number;
  cacheHits?: number;
  throttled?: number;
  counts?: unknown;
  /** Per-target detail of the run (e.g. each child playlist), as JSON. */
  details?: unknown;
  errors?: string[];
  error?: string;
}

/** Which revision of library.yaml a run applied (sync_events.config_*). */
export interface ConfigRevision {
  /** The file's path, or `github:OWNER/REPO/PATH@REF`. */
  source?: string;
  /** The commit: GitHub's sha, or HEAD of the local work tree holding the file. */
  commit?: string;
  /** The local file differs from that commit (uncommitted edits). */
  dirty?: boolean;
}

export interface OperationRow {
  eventId: number;
  seq: number;
  type: string;
  path?: string;
  payload: unknown;
  status: 'pending' | 'applied' | 'noop' | 'skipped' | 'failed';
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

function trackFromRow(r: SqlValue[]): Track {
  const t: Track = { id: String(r[0]), title: String(r[1]), artists: JSON.parse(String(r[3])) as string[] };
  const opt = <K extends keyof Track>(key: K, v: SqlValue | undefined, conv: (v: SqlValue) => Track[K]) => {
    if (v !== null && v !== undefined) t[key] = conv(v);
  };
  opt('version', r[2], String);
  opt('album', r[4], String);
  opt('isrc', r[5], String);
  opt('durationSeconds', r[6], Number);
  opt('bpm', r[7], Number);
  opt('key', r[8], String);
  opt('keyScale', r[9], String);
  opt('releaseDate', r[10], String);
  opt('explicit', r[11], (v) => Number(v) === 1);
  opt('popularity', r[12], Number);
  opt('camelot', r[13], String);
  opt('copyright', r[14], String);
  return t;
}

/** What a converged run leaves for the next one to check before it observes anything. */
export interface ConvergenceRecord {
  fingerprint: string;
  /** [root-relative path, mtimeMs, size] of every folder and playlist file the run manages. */
  stamps: [string, number, number][];
  /** Epoch ms when a held-back download becomes due, if any. */
  wakeAt?: number;
  skipped: Skipped[];
  figures: { playlists: number; tracks: number; entries: number; bytesSaved: number };
}

export type Store = ReturnType<typeof wrapStore>;

export async function openStore(fs: Fs, file: string): Promise<Store> {
  return wrapStore(await openDb(fs, file));
}

// Prepared statements are reused: at 100,000 tracks a fresh prepare per row dominates the cost.
const statements = new WeakMap<Database, Map<string, Statement>>();

function prepared(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const stmt = prepared(db, sql);
  try {
    stmt.bind(params);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.reset();
  }
}

function run(db: Database, sql: string, params: SqlValue[] = []): void {
  const stmt = prepared(db, sql);
  try {
    stmt.run(params);
  } finally {
    stmt.reset();
  }
}

const str = (v: SqlValue | undefined): string | undefined =>
  v === null || v === undefined ? undefined : String(v);
const num = (v: SqlValue | undefined): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

function wrapStore(file: DbFile) {
  const { db } = file;
  let inTx = false;

  function write(sql: string, params: SqlValue[] = []): void {
    run(db, sql, params);
    file.touch();
  }

  function transaction<T>(fn: () => T): T {
    if (inTx) return fn();
    inTx = true;
    db.run('BEGIN');
    try {
      const out = fn();
      db.run('COMMIT');
      return out;
    } catch (err) {
      db.run('ROLLBACK');
      throw err;
    } finally {
      inTx = false;
    }
  }

  /** The remote playlists we created, by child name. */
  function loadRemote(): Map<string, RemotePlaylistState> {
    const remote = new Map<string, RemotePlaylistState>();
    for (const [child, provider, id, rules] of rows(
      db,
      'SELECT child_name, provider, remote_id, rules_hash FROM remote_playlists',
    )) {
      remote.set(String(child), {
        child: String(child),
        provider: String(provider) as 'tidal',
        playlistId: String(id),
        rulesHash: String(rules),
      });
    }
    return remote;
  }

  return {
    file: file.file,
    /**
     * Runs `fn` inside one SQLite transaction (each statement alone would be its own transaction, which
     * costs ~100 µs a row in sql.js). What was written is committed even when `fn` throws: it describes
     * what already happened on disk.
     */
    async batch<T>(fn: () => Promise<T>): Promise<T> {
      if (inTx) return fn();
      inTx = true;
      db.run('BEGIN');
      try {
        return await fn();
      } finally {
        db.run('COMMIT');
        inTx = false;
      }
    },
    save: () => file.save(),
    close: () => {
      for (const stmt of statements.get(db)?.values() ?? []) stmt.free();
      statements.delete(db);
      file.close();
    },
    transaction,

    loadView(): StateView {
      const owned = new Map<string, OwnedEntry>();
      for (const [p, kind, trackId, playlistId, size, hash] of rows(
        db,
        'SELECT path, kind, track_source_id, playlist_source_id, size, hash FROM owned_paths',
      )) {
        owned.set(String(p), {
          path: String(p),
          kind: String(kind) as OwnedKind,
          trackId: str(trackId),
          playlistId: str(playlistId),
          size: num(size),
          hash: str(hash),
        });
      }
      const tracks = new Map<string, TrackState>();
      for (const [id, status, error, attempts, retry, filePath, size, hash, rowId] of rows(
        db,
        `SELECT source_id, download_status, download_error, download_attempts, next_retry_at, file_path,
                file_size, file_hash, id FROM tracks`,
      )) {
        tracks.set(String(id), {
          rowId: Number(rowId),
          downloadStatus: String(status) as DownloadStatus,
          downloadError: str(error),
          attempts: Number(attempts),
          nextRetryAt: num(retry),
          filePath: str(filePath),
          fileSize: num(size),
          fileHash: str(hash),
        });
      }
      const playlists = new Map<string, { name: string; folder?: string; itemCount: number }>();
      for (const [id, name, folder, count] of rows(
        db,
        'SELECT source_id, name, local_folder_path, track_count FROM playlists',
      )) {
        playlists.set(String(id), { name: String(name), folder: str(folder), itemCount: Number(count) });
      }
      return { owned, tracks, playlists, remote: loadRemote() };
    },

    loadRemote,

    // ------------------------------------------------------------------------------------ pushed playlists

    /** Records (or moves to another child name) a remote playlist we created. */
    putRemote(rec: RemotePlaylistState, now: string): void {
      write('DELETE FROM remote_playlists WHERE remote_id = ? AND child_name <> ?', [
        rec.playlistId,
        rec.child,
      ]);
      write(
        `INSERT INTO remote_playlists (child_name, provider, remote_id, rules_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(child_name) DO UPDATE SET provider = excluded.provider, remote_id = excluded.remote_id,
           rules_hash = excluded.rules_hash, updated_at = excluded.updated_at`,
        [rec.child, rec.provider, rec.playlistId, rec.rulesHash, now, now],
      );
    },

    /** Where the track's real file is now, as recorded (moves settled so far included). */
    trackFilePath(trackId: string): string | undefined {
      return str(rows(db, 'SELECT file_path FROM tracks WHERE source_id = ?', [trackId])[0]?.[0]);
    },

    isRemoteRecorded(playlistId: string): boolean {
      return rows(db, 'SELECT 1 FROM remote_playlists WHERE remote_id = ?', [playlistId]).length > 0;
    },

    dropRemote(child: string): void {
      write('DELETE FROM remote_playlists WHERE child_name = ?', [child]);
    },

    /** Keeps each pushed child's rules hash current, so a later rename of the child is recognised. */
    refreshRemoteRules(rulesByChild: ReadonlyMap<string, string>, now: string): void {
      for (const [child, rules] of rulesByChild) {
        if (
          rows(db, 'SELECT 1 FROM remote_playlists WHERE child_name = ? AND rules_hash <> ?', [child, rules])
            .length === 0
        )
          continue;
        write('UPDATE remote_playlists SET rules_hash = ?, updated_at = ? WHERE child_name = ?', [
          rules,
          now,
          child,
        ]);
      }
    },

    /** This library's id and how many remote playlists it has created so far (see migration 3). */
    libraryIdentity(): { libraryId: string; remoteCreates: number } {
      const r = rows(db, 'SELECT library_id, remote_creates FROM library WHERE id = 1')[0]!;
      return { libraryId: String(r[0]), remoteCreates: Number(r[1]) };
    },

    countRemoteCreate(): void {
      write('UPDATE library SET remote_creates = remote_creates + 1 WHERE id = 1');
    },

    // ------------------------------------------------------------------------------------ ownership

    putOwned(entry: OwnedEntry): void {
      // A link's playlist is its folder; only folders and playlist files keep the id.
      const playlistId =
        entry.kind === 'dir' || entry.kind === 'playlistFile' ? (entry.playlistId ?? null) : null;
      write(
        `INSERT INTO owned_paths (path, kind, track_source_id, playlist_source_id, size, hash)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, track_source_id = excluded.track_source_id,
           playlist_source_id = excluded.playlist_source_id, size = excluded.size, hash = excluded.hash`,
        [entry.path, entry.kind, entry.trackId ?? null, playlistId, entry.size ?? null, entry.hash ?? null],
      );
    },

    getOwned(path: string): OwnedEntry | undefined {
      const r = rows(
        db,
        'SELECT kind, track_source_id, playlist_source_id, size, hash FROM owned_paths WHERE path = ?',
        [path],
      )[0];
      if (!r) return undefined;
      return {
        path,
        kind: String(r[0]) as OwnedKind,
        trackId: str(r[1]),
        playlistId: str(r[2]),
        size: num(r[3]),
        hash: str(r[4]),
      };
    },

    dropOwned(path: string): void {
      write('DELETE FROM owned_paths WHERE path = ?', [path]);
    },

    // ------------------------------------------------------------------------------------ tracks

    /** Upserts catalogue metadata for tracks whose metadata hash differs from the stored one. */
    upsertTracks(records: TrackRecord[], now: string): number {
      const known = new Map<string, string>();
      for (const [id, h] of rows(db, 'SELECT source_id, meta_hash FROM tracks'))
        known.set(String(id), String(h));
      const changed = records.filter((r) => known.get(r.track.id) !== r.metaHash);
      if (changed.length === 0) return 0;
      transaction(() => {
        const stmt = db.prepare(
          `INSERT INTO tracks (source_id, title, version, artists, album, isrc, duration_seconds, bpm,
             musical_key, key_scale, release_date, explicit, popularity, camelot, copyright, meta_hash, created_at,
             updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(source_id) DO UPDATE SET title = excluded.title, version = excluded.version,
             artists = excluded.artists, album = excluded.album, isrc = excluded.isrc,
             duration_seconds = excluded.duration_seconds, bpm = excluded.bpm,
             musical_key = excluded.musical_key, key_scale = excluded.key_scale,
             release_date = excluded.release_date, explicit = excluded.explicit,
             popularity = excluded.popularity, camelot = excluded.camelot, copyright = excluded.copyright,
             meta_hash = excluded.meta_hash,
             updated_at = excluded.updated_at`,
        );
        try {
          for (const { track: t, metaHash } of changed) {
            stmt.run([
              t.id,
              t.title,
              t.version ?? null,
              JSON.stringify(t.artists),
              t.album ?? null,
              t.isrc ?? null,
              t.durationSeconds ?? null,
              t.bpm ?? null,
              t.key ?? null,
              t.keyScale ?? null,
              t.releaseDate ?? null,
              t.explicit === undefined ? null : t.explicit ? 1 : 0,
              t.popularity ?? null,
              t.camelot ?? null,
              t.copyright ?? null,
              metaHash,
              now,
              now,
            ]);
          }
        } finally {
          stmt.free();
        }
      });
      file.touch();
      return changed.length;
    },

    setDownloadState(trackId: string, state: Partial<TrackState>, now: string): void {
      const sets: string[] = [];
      const params: SqlValue[] = [];
      // The row id is the table's own and never set from here.
      const column: Record<Exclude<keyof TrackState, 'rowId'>, string> = {
        downloadStatus: 'download_status',
        downloadError: 'download_error',
        attempts: 'download_attempts',
        nextRetryAt: 'next_retry_at',
        filePath: 'file_path',
        fileSize: 'file_size',
        fileHash: 'file_hash',
      };
      for (const [k, v] of Object.entries(state) as [keyof TrackState, unknown][]) {
        if (k === 'rowId') continue;
        sets.push(`${column[k]} = ?`);
        params.push((v ?? null) as SqlValue);
      }
      if (sets.length === 0) return;
      write(`UPDATE tracks SET ${sets.join(', ')}, updated_at = ? WHERE source_id = ?`, [
        ...params,
        now,
        trackId,
      ]);
    },

    /** The track's real file is gone (pruned): it needs a download if it is ever wanted again. */
    clearFilePath(trackId: string, path: string, now: string): void {
      write(
        `UPDATE tracks SET file_path = NULL, download_status = 'not_downloaded', updated_at = ?
         WHERE source_id = ? AND file_path = ?`,
        [now, trackId, path],
      );
    },

    /** Forgets tracks that no mirrored playlist holds any more and that own no path. */
    forgetTracks(keep: Set<string>): number {
      const owning = new Set(
        rows(db, 'SELECT DISTINCT track_source_id FROM owned_paths WHERE track_source_id IS NOT NULL').map(
          (r) => String(r[0]),
        ),
      );
      const gone = rows(db, 'SELECT source_id FROM tracks')
        .map((r) => String(r[0]))
        .filter((id) => !keep.has(id) && !owning.has(id));
      if (gone.length === 0) return 0;
      transaction(() => {
        for (const id of gone) db.run('DELETE FROM tracks WHERE source_id = ?', [id]);
      });
      file.touch();
      return gone.length;
    },

    // ------------------------------------------------------------------------------------ playlists

    /** Writes playlists (and their playlist_tracks rows) whose layout hash changed; drops the rest. */
    syncPlaylists(records: PlaylistRecord[], now: string): number {
      const known = new Map<string, string | undefined>();
      for (const [id, h] of rows(db, 'SELECT source_id, layout_hash FROM playlists'))
        known.set(String(id), str(h));
      const wanted = new Set(records.map((r) => r.sourceId));
      const stale = [...known.keys()].filter((id) => !wanted.has(id));
      const changed = records.filter((r) => known.get(r.sourceId) !== r.layoutHash);
      if (changed.length === 0 && stale.length === 0) return 0;
      const trackRowIds = new Map<string, number>();
      for (const [rowId, id] of rows(db, 'SELECT id, source_id FROM tracks'))
        trackRowIds.set(String(id), Number(rowId));
      transaction(() => {
        for (const id of stale) db.run('DELETE FROM playlists WHERE source_id = ?', [id]);
        const insertEntry = db.prepare(
          `INSERT INTO playlist_tracks (playlist_id, track_id, position, is_primary, symlink_path, symlink_valid, sync_status)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        try {
          for (const r of changed) {
            db.run(
              `INSERT INTO playlists (source_id, name, local_folder_path, playlist_file_path, track_count, layout_hash,
                 sync_status, last_updated_tidal, last_synced_filesystem, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(source_id) DO UPDATE SET name = excluded.name,
                 local_folder_path = excluded.local_folder_path, playlist_file_path = excluded.playlist_file_path,
                 track_count = excluded.track_count, layout_hash = excluded.layout_hash,
                 sync_status = excluded.sync_status, last_updated_tidal = excluded.last_updated_tidal,
                 last_synced_filesystem = excluded.last_synced_filesystem, updated_at = excluded.updated_at`,
              [
                r.sourceId,
                r.name,
                r.folder,
                r.playlistFile ?? null,
                r.entries.length,
                r.layoutHash,
                r.syncStatus,
                r.lastModifiedAt ?? null,
                now,
                now,
                now,
              ],
            );
            const playlistRowId = Number(
              rows(db, 'SELECT id FROM playlists WHERE source_id = ?', [r.sourceId])[0]![0],
            );
            db.run('DELETE FROM playlist_tracks WHERE playlist_id = ?', [playlistRowId]);
            r.entries.forEach((e, position) => {
              const trackRowId = trackRowIds.get(e.trackId);
              if (trackRowId === undefined) return;
              insertEntry.run([
                playlistRowId,
                trackRowId,
                position,
                e.isPrimary ? 1 : 0,
                e.isPrimary ? null : e.path,
                e.valid ? 1 : 0,
                e.valid ? 'synced' : e.isPrimary ? 'needs_move' : 'needs_symlink',
              ]);
            });
          }
        } finally {
          insertEntry.free();
        }
      });
      file.touch();
      return changed.length + stale.length;
    },

    // ------------------------------------------------------------------------------------ runs

    beginEvent(startedAt: string, trigger: string, dryRun: boolean, revision?: ConfigRevision): number {
      write(
        `INSERT INTO sync_events (started_at, status, trigger, dry_run, config_source, config_commit, config_dirty)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          startedAt,
          'in_progress',
          trigger,
          dryRun ? 1 : 0,
          revision?.source ?? null,
          revision?.commit ?? null,
          revision?.dirty === undefined ? null : revision.dirty ? 1 : 0,
        ],
      );
      return Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
    },

    finishEvent(id: number, f: EventFields): void {
      write(
        `UPDATE sync_events SET status = ?, finished_at = ?, actions_planned = ?, actions_applied = ?,
           actions_failed = ?, actions_skipped = ?, downloads = ?, links_created = ?, files_moved = ?,
           files_removed = ?, bytes_downloaded = ?, api_requests = ?, cache_hits = ?, throttled = ?, counts = ?,
           details = ?, errors = ?, error = ?
         WHERE id = ?`,
        [
          f.status,
          f.finishedAt ?? null,
          f.actionsPlanned ?? 0,
          f.actionsApplied ?? 0,
          f.actionsFailed ?? 0,
          f.actionsSkipped ?? 0,
          f.downloads ?? 0,
          f.linksCreated ?? 0,
          f.filesMoved ?? 0,
          f.filesRemoved ?? 0,
          f.bytesDownloaded ?? 0,
          f.apiRequests ?? 0,
          f.cacheHits ?? 0,
          f.throttled ?? 0,
          f.counts === undefined ? null : JSON.stringify(f.counts),
          f.details === undefined ? null : JSON.stringify(f.details),
          f.errors && f.errors.length > 0 ? JSON.stringify(f.errors.slice(0, 100)) : null,
          f.error ?? null,
          id,
        ],
      );
    },

    eventExists(id: number): boolean {
      return rows(db, 'SELECT 1 FROM sync_events WHERE id = ?', [id]).length > 0;
    },

    /** Marks runs a crashed process left in_progress as failed; returns their ids. */
    failInterruptedEvents(now: string): number[] {
      const ids = rows(db, "SELECT id FROM sync_events WHERE status = 'in_progress'").map((r) =>
        Number(r[0]),
      );
      for (const id of ids) {
        write("UPDATE sync_events SET status = 'failed', finished_at = ?, error = ? WHERE id = ?", [
          now,
          'interrupted: the process stopped before the run finished',
          id,
        ]);
      }
      return ids;
    },

    addOperations(ops: OperationRow[]): void {
      if (ops.length === 0) return;
      transaction(() => {
        const stmt = db.prepare(
          `INSERT INTO sync_operations (sync_event_id, seq, type, path, payload, status, error, started_at, finished_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        try {
          for (const o of ops) {
            stmt.run([
              o.eventId,
              o.seq,
              o.type,
              o.path ?? null,
              JSON.stringify(o.payload),
              o.status,
              o.error ?? null,
              o.startedAt,
              o.finishedAt ?? null,
            ]);
          }
        } finally {
          stmt.free();
        }
      });
      file.touch();
    },

    pruneOperations(keepRuns: number): void {
      write(
        `DELETE FROM sync_operations WHERE sync_event_id NOT IN
           (SELECT id FROM sync_events ORDER BY id DESC LIMIT ?)`,
        [keepRuns],
      );
    },

    /**
     * One snapshot per run. An unchanged source state would repeat the same (large) JSON every run, so
     * only the newest snapshot of each state keeps it; older ones keep the hash and the counts. Clearing
     * first lets the new row reuse the freed pages instead of growing the file.
     */
    addSnapshot(
      eventId: number,
      takenAt: string,
      s: {
        playlistCount: number;
        trackCount: number;
        entryCount: number;
        sourceHash: string;
        playlists: unknown;
      },
    ): void {
      write('UPDATE sync_snapshots SET playlists = NULL WHERE source_hash = ? AND playlists IS NOT NULL', [
        s.sourceHash,
      ]);
      write(
        `INSERT INTO sync_snapshots (sync_event_id, taken_at, playlist_count, track_count, entry_count, source_hash, playlists)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          eventId,
          takenAt,
          s.playlistCount,
          s.trackCount,
          s.entryCount,
          s.sourceHash,
          JSON.stringify(s.playlists),
        ],
      );
    },

    /** The source was not observed (nothing changed): the new run's snapshot repeats the last one. */
    repeatLastSnapshot(eventId: number, takenAt: string): void {
      const last = rows(
        db,
        `SELECT playlist_count, track_count, entry_count, source_hash, playlists FROM sync_snapshots
         WHERE playlists IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )[0];
      if (!last) return;
      this.addSnapshot(eventId, takenAt, {
        playlistCount: Number(last[0]),
        trackCount: Number(last[1]),
        entryCount: Number(last[2]),
        sourceHash: String(last[3]),
        playlists: JSON.parse(String(last[4])),
      });
    },

    /** Keeps the newest `keep` runs; their operations and snapshots go with them. */
    pruneHistory(keep: number): void {
      const [oldest] =
        rows(db, 'SELECT id FROM sync_events ORDER BY id DESC LIMIT 1 OFFSET ?', [keep - 1])[0] ?? [];
      if (oldest === undefined || oldest === null) return;
      if (rows(db, 'SELECT 1 FROM sync_events WHERE id < ? LIMIT 1', [oldest]).length === 0) return;
      write('DELETE FROM sync_events WHERE id < ?', [oldest]);
    },

    // ------------------------------------------------------------------------------------ observation cache

    /**
     * What the last observations left, for the source to skip what did not change: playlists by their
     * lastModifiedAt, and track metadata younger than `maxAgeMs`. `served` collects the track ids it
     * answered, so that only the others count as freshly fetched.
     */
    observationCache(opts: { now: number; maxAgeMs: number }): ObservationCache & { served: Set<string> } {
      const served = new Set<string>();
      return {
        served,
        playlistItems(playlistId, lastModifiedAt) {
          const r = rows(
            db,
            'SELECT entries FROM source_playlists WHERE source_id = ? AND last_modified_at = ?',
            [playlistId, lastModifiedAt],
          )[0];
          return r ? (JSON.parse(String(r[0])) as PlaylistEntry[]) : undefined;
        },
        knownTracks(ids) {
          const out = new Map<string, Track>();
          const oldest = opts.now - opts.maxAgeMs;
          for (let i = 0; i < ids.length; i += 500) {
            const chunk = ids.slice(i, i + 500);
            for (const r of rows(
              db,
              `SELECT source_id, title, version, artists, album, isrc, duration_seconds, bpm, musical_key, key_scale,
                      release_date, explicit, popularity, camelot, copyright
               FROM tracks WHERE fetched_at >= ? AND source_id IN (${chunk.map(() => '?').join(',')})`,
              [oldest, ...chunk],
            )) {
              const t = trackFromRow(r);
              out.set(t.id, t);
              served.add(t.id);
            }
          }
          return out;
        },
      };
    },

    /** Remembers complete playlist listings (by lastModifiedAt) and when track metadata was fetched. */
    recordObservation(
      playlists: readonly SourcePlaylist[],
      fetchedTrackIds: readonly string[],
      now: number,
    ): void {
      const iso = new Date(now).toISOString();
      for (const p of playlists) {
        if (p.lastModifiedAt === undefined || p.shortRead !== undefined) continue;
        if (p.expectedItems !== undefined && p.items.length < p.expectedItems) continue;
        const known = rows(db, 'SELECT last_modified_at FROM source_playlists WHERE source_id = ?', [
          p.id,
        ])[0];
        if (known && String(known[0]) === p.lastModifiedAt) continue;
        const entries: PlaylistEntry[] = p.entries ?? p.items.map((trackId) => ({ trackId }));
        write(
          `INSERT INTO source_playlists (source_id, last_modified_at, entries, observed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(source_id) DO UPDATE SET last_modified_at = excluded.last_modified_at,
             entries = excluded.entries, observed_at = excluded.observed_at`,
          [p.id, p.lastModifiedAt, JSON.stringify(entries), iso],
        );
      }
      if (fetchedTrackIds.length === 0) return;
      transaction(() => {
        for (const id of fetchedTrackIds)
          run(db, 'UPDATE tracks SET fetched_at = ? WHERE source_id = ?', [now, id]);
      });
      file.touch();
    },

    // ------------------------------------------------------------------------------------ convergence

    getConvergence(): ConvergenceRecord | undefined {
      const r = rows(
        db,
        'SELECT fingerprint, stamps, wake_at, skipped, figures FROM convergence WHERE id = 1',
      )[0];
      if (!r) return undefined;
      return {
        fingerprint: String(r[0]),
        stamps: JSON.parse(String(r[1])) as ConvergenceRecord['stamps'],
        wakeAt: num(r[2]),
        skipped: JSON.parse(String(r[3])) as ConvergenceRecord['skipped'],
        figures: JSON.parse(String(r[4])) as ConvergenceRecord['figures'],
      };
    },

    setConvergence(rec: ConvergenceRecord, now: string): void {
      write(
        `INSERT INTO convergence (id, fingerprint, stamps, wake_at, skipped, figures, recorded_at)
         VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET fingerprint = excluded.fingerprint, stamps = excluded.stamps,
           wake_at = excluded.wake_at, skipped = excluded.skipped, figures = excluded.figures,
           recorded_at = excluded.recorded_at`,
        [
          rec.fingerprint,
          JSON.stringify(rec.stamps),
          rec.wakeAt ?? null,
          JSON.stringify(rec.skipped),
          JSON.stringify(rec.figures),
          now,
        ],
      );
    },

    clearConvergence(): void {
      if (rows(db, 'SELECT 1 FROM convergence').length > 0) write('DELETE FROM convergence');
    },

    /** Plain read access for reports (status, dedupe-report, inspect). */
    query(sql: string, params: SqlValue[] = []): SqlValue[][] {
      return rows(db, sql, params);
    },

    ...adoptStore(db, write, transaction, () => file.touch()),
  };
}

// ---------------------------------------------------------------------------------------------- adopt
// `cratesync adopt` (src/adopt/): the tag cache of the scan and the record of adopted files (migration 5).

/** One file's cached scan: valid while the file keeps its size and mtime. */
export interface ScanCacheEntry {
  path: string;
  size: number;
  mtimeMs: number;
  /** The FileMeta as JSON (the adopt module owns its shape). */
  meta: string;
  hash?: string;
}

/** One existing file adoption took over. */
export interface AdoptionRecord {
  trackId: string;
  originalPath: string;
  /** Where the file is now: the track's real file, a kept copy or link, or its place in the trash. */
  path: string;
  role: 'primary' | 'copy' | 'hardlink' | 'symlink' | 'trashed';
  evidence: string;
  size?: number;
  hash?: string;
}

function adoptStore(
  db: Database,
  write: (sql: string, params?: SqlValue[]) => void,
  transaction: <T>(fn: () => T) => T,
  touch: () => void,
) {
  return {
    loadScanCache(): Map<string, ScanCacheEntry> {
      const out = new Map<string, ScanCacheEntry>();
      for (const [p, size, mtime, meta, hash] of rows(
        db,
        'SELECT path, size, mtime_ms, meta, hash FROM scan_cache',
      )) {
        out.set(String(p), {
          path: String(p),
          size: Number(size),
          mtimeMs: Number(mtime),
          meta: String(meta),
          hash: str(hash),
        });
      }
      return out;
    },

    /** Upserts scan results in one transaction. */
    putScanCache(entries: readonly ScanCacheEntry[], now: string): void {
      if (entries.length === 0) return;
      transaction(() => {
        for (const e of entries) {
          run(
            db,
            `INSERT INTO scan_cache (path, size, mtime_ms, meta, hash, scanned_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
               meta = excluded.meta, hash = excluded.hash, scanned_at = excluded.scanned_at`,
            [e.path, e.size, e.mtimeMs, e.meta, e.hash ?? null, now],
          );
        }
      });
      touch();
    },

    /** Forgets cached scans of paths that are gone (or that the state DB owns now). */
    dropScanCache(paths: readonly string[]): void {
      if (paths.length === 0) return;
      transaction(() => {
        for (const p of paths) run(db, 'DELETE FROM scan_cache WHERE path = ?', [p]);
      });
      touch();
    },

    /** A file adoption moved keeps its cached scan under its new path (a rename keeps size and mtime). */
    moveScanCache(from: string, to: string): void {
      write('DELETE FROM scan_cache WHERE path = ?', [to]);
      write('UPDATE scan_cache SET path = ? WHERE path = ?', [to, from]);
    },

    recordAdoptions(records: readonly AdoptionRecord[], now: string): void {
      if (records.length === 0) return;
      transaction(() => {
        for (const r of records) {
          run(
            db,
            `INSERT INTO adoptions (adopted_at, track_source_id, original_path, path, role, evidence, size, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [now, r.trackId, r.originalPath, r.path, r.role, r.evidence, r.size ?? null, r.hash ?? null],
          );
        }
      });
      touch();
    },

    listAdoptions(): (AdoptionRecord & { adoptedAt: string })[] {
      return rows(
        db,
        `SELECT adopted_at, track_source_id, original_path, path, role, evidence, size, hash
         FROM adoptions ORDER BY id`,
      ).map(([at, track, original, p, role, evidence, size, hash]) => ({
        adoptedAt: String(at),
        trackId: String(track),
        originalPath: String(original),
        path: String(p),
        role: String(role) as AdoptionRecord['role'],
        evidence: String(evidence),
        size: num(size),
        hash: str(hash),
      }));
    },
  };
}
