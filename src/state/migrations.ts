// Ordered schema migrations, tracked with PRAGMA user_version. Never edit a released migration: add one.
// Table and column names follow the original design (DESIGN §5) so the file reads well in stock sqlite3.

export const migrations: readonly string[] = [
  // 1: the original design's tables, plus owned_paths (the ownership ledger: one row per path we made, kept
  // lean because a large library has hundreds of thousands of them and sql.js rewrites the whole file).
  `
  CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    version TEXT,
    artists TEXT NOT NULL,
    album TEXT,
    isrc TEXT,
    duration_seconds INTEGER,
    bpm REAL,
    musical_key TEXT,
    key_scale TEXT,
    release_date TEXT,
    camelot TEXT,
    copyright TEXT,
    explicit INTEGER,
    popularity REAL,
    -- When the source last described this track (epoch ms): metadata older than the TTL is fetched again.
    fetched_at INTEGER,
    download_status TEXT NOT NULL DEFAULT 'not_downloaded'
      CHECK (download_status IN ('not_downloaded','downloading','downloaded','error')),
    download_error TEXT,
    download_attempts INTEGER NOT NULL DEFAULT 0,
    next_retry_at INTEGER,
    file_path TEXT,
    file_hash TEXT,
    file_size INTEGER,
    meta_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE playlists (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    local_folder_path TEXT,
    playlist_file_path TEXT,
    track_count INTEGER NOT NULL DEFAULT 0,
    layout_hash TEXT,
    sync_status TEXT NOT NULL DEFAULT 'unknown'
      CHECK (sync_status IN ('in_sync','needs_download','needs_update','needs_removal','unknown')),
    last_updated_tidal TEXT,
    last_synced_filesystem TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE playlist_tracks (
    playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 0,
    symlink_path TEXT,
    symlink_valid INTEGER NOT NULL DEFAULT 0,
    sync_status TEXT NOT NULL DEFAULT 'unknown'
      CHECK (sync_status IN ('synced','needs_symlink','needs_move','needs_removal','unknown')),
    PRIMARY KEY (playlist_id, position)
  );
  CREATE INDEX playlist_tracks_track ON playlist_tracks(track_id);
  CREATE TABLE owned_paths (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL
      CHECK (kind IN ('primary','symlink','hardlink','copy','dir','playlistFile','export','staged')),
    track_source_id TEXT,
    playlist_source_id TEXT,
    size INTEGER,
    hash TEXT
  ) WITHOUT ROWID;
  CREATE TABLE sync_events (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('in_progress','completed','failed')),
    trigger TEXT NOT NULL DEFAULT 'cli',
    dry_run INTEGER NOT NULL DEFAULT 0,
    actions_planned INTEGER NOT NULL DEFAULT 0,
    actions_applied INTEGER NOT NULL DEFAULT 0,
    actions_failed INTEGER NOT NULL DEFAULT 0,
    actions_skipped INTEGER NOT NULL DEFAULT 0,
    downloads INTEGER NOT NULL DEFAULT 0,
    links_created INTEGER NOT NULL DEFAULT 0,
    files_moved INTEGER NOT NULL DEFAULT 0,
    files_removed INTEGER NOT NULL DEFAULT 0,
    bytes_downloaded INTEGER NOT NULL DEFAULT 0,
    api_requests INTEGER NOT NULL DEFAULT 0,
    cache_hits INTEGER NOT NULL DEFAULT 0,
    throttled INTEGER NOT NULL DEFAULT 0,
    counts TEXT,
    errors TEXT,
    error TEXT
  );
  CREATE TABLE sync_operations (
    id INTEGER PRIMARY KEY,
    sync_event_id INTEGER NOT NULL REFERENCES sync_events(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    path TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','applied','noop','skipped','failed')),
    error TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX sync_operations_event ON sync_operations(sync_event_id);
  -- Each source playlist's entries as last observed completely, keyed by its lastModifiedAt, so an
  -- unchanged playlist costs no request on the next run.
  CREATE TABLE source_playlists (
    source_id TEXT PRIMARY KEY,
    last_modified_at TEXT NOT NULL,
    entries TEXT NOT NULL,
    observed_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE sync_snapshots (
    id INTEGER PRIMARY KEY,
    sync_event_id INTEGER NOT NULL REFERENCES sync_events(id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL,
    playlist_count INTEGER NOT NULL,
    track_count INTEGER NOT NULL,
    entry_count INTEGER NOT NULL,
    source_hash TEXT NOT NULL,
    -- The playlists' JSON is kept on the newest snapshot of each source state only (see store.ts).
    playlists TEXT
  );
  CREATE INDEX sync_snapshots_hash ON sync_snapshots(source_hash);
  `,
  // 2: the record of the last converged run, which lets a no-op run skip observing (controller/shortcut.ts).
  `
  CREATE TABLE convergence (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    stamps TEXT NOT NULL,
    wake_at INTEGER,
    skipped TEXT NOT NULL,
    figures TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  `,
  // 3: child playlists pushed to TIDAL (the only remote playlists cratesync may change or delete), this
  // library's own id (it keeps two libraries' Idempotency-Keys apart), and a JSON detail per run (per child).
  `
  CREATE TABLE remote_playlists (
    child_name TEXT PRIMARY KEY,
    provider TEXT NOT NULL CHECK (provider IN ('tidal')),
    remote_id TEXT NOT NULL UNIQUE,
    rules_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE library (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    library_id TEXT NOT NULL,
    -- Counts acknowledged playlist creations, so a create retried after a crash reuses its key and a later one does not.
    remote_creates INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO library (id, library_id) VALUES (1, lower(hex(randomblob(16))));
  ALTER TABLE sync_events ADD COLUMN details TEXT;
  `,
  // 4: which revision of library.yaml a run applied: where it came from (a local file or github:OWNER/REPO/PATH),
  // the commit (GitHub's sha, or HEAD of the local work tree) and whether the local file had uncommitted edits.
  `
  ALTER TABLE sync_events ADD COLUMN config_source TEXT;
  ALTER TABLE sync_events ADD COLUMN config_commit TEXT;
  ALTER TABLE sync_events ADD COLUMN config_dirty INTEGER;
  `,
  // 5: `cratesync adopt`. scan_cache holds what the tags of each audio file under the root said, keyed by
  // (path, size, mtime), so a second scan reads no file; adoptions records every existing file adoption
  // took over: where it was found, what it became (the track's real file, a kept copy or link, or trash).
  `
  CREATE TABLE scan_cache (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    meta TEXT NOT NULL,
    hash TEXT,
    scanned_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE adoptions (
    id INTEGER PRIMARY KEY,
    adopted_at TEXT NOT NULL,
    track_source_id TEXT NOT NULL,
    original_path TEXT NOT NULL,
    path TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('primary','copy','hardlink','symlink','trashed')),
    evidence TEXT NOT NULL,
    size INTEGER,
    hash TEXT
  );
  CREATE INDEX adoptions_track ON adoptions(track_source_id);
  `,
];
