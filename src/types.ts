// The shared vocabulary of cratesync: what the user wants (DesiredState), what the source holds (Catalog),
// what the disk holds (DiskState), what the state DB remembers (StateView), and the plan that joins them.
// Paths inside these types are relative to the library root and always use '/' separators.

import type { ChildPlaylist } from './desired/filters/types.ts';
import type { ObservationCache, PlaylistEntry, SourceStats } from './sources/tidal/ports.ts';
import type { Edit } from './sources/tidal/push/diff.ts';

export type { ChildPlaylist, ObservationCache, PlaylistEntry, SourceStats };

// ---------------------------------------------------------------------------------------------- desired

export type LinkMode = 'symlink' | 'hardlink' | 'copy';
export type PrimaryRule = 'first-listed' | 'alphabetical';
export type PruneMode = 'trash' | 'delete' | 'off';

export type SourceConfig =
  | { provider: 'demo'; demo: { seed: number; playlists: number; tracks: number } }
  | { provider: 'file'; file: { path: string } }
  | {
      provider: 'tidal';
      tidal: { countryCode?: string; apiUrl?: string; authUrl?: string; metadataMaxAgeDays?: number };
    };

export type PlaylistSelector =
  | { kind: 'id'; id: string; as?: string }
  | { kind: 'select'; select: 'owned' | 'favorites' | 'all'; match?: string; exclude: string[] };

export interface DownloadConfig {
  tool: 'synth' | 'command';
  command?: string[];
  output: string;
  concurrency: number;
  retries: number;
  /** Seconds before a `command` download is stopped (default 600). */
  timeoutSeconds?: number;
}

export interface DesiredState {
  /** Absolute path of the library.yaml this came from. */
  file: string;
  /** Absolute library root. */
  root: string;
  source: SourceConfig;
  layout: {
    playlists: string;
    filename: string;
    links: LinkMode;
    primary: PrimaryRule;
    playlistFiles: 'm3u8' | 'none';
  };
  playlists: PlaylistSelector[];
  /** Derived playlists, compiled; see src/desired/filters/. */
  children: ChildPlaylist[];
  prune: { mode: PruneMode; maxDeletions: number };
  download: DownloadConfig;
  exports?: { rekordbox?: { path: string; folder: string } };
  /** `cratesync watch` settings, present when library.yaml has a `watch:` section (defaults filled in). */
  watch?: WatchConfig;
  /** library.yaml's `adopt:` section (`adopt: auto` expanded); see src/adopt/. */
  adopt?: AdoptConfig;
}

/** What to do with existing files under root that cratesync did not create. */
export interface AdoptConfig {
  /** auto: a reconcile first adopts every unknown file that matches a track; manual: only pinned ones. */
  mode: 'auto' | 'manual';
  /** Root-relative path or glob → source track id: overrides every other evidence. */
  pins?: Record<string, string>;
}

/** library.yaml's `watch:` section with every default filled in. */
export interface WatchConfig {
  /** Time between polls, counted from the end of the last run. */
  intervalMs: number;
  /** Quiet time after a library.yaml change (or a change on disk) before a run starts. */
  debounceMs: number;
  /** Also watch the playlist folders and repair what changed there. */
  disk: boolean;
  /** Where the status API listens; `host` without IPv6 brackets. Port 0 picks a free port. */
  http: { host: string; port: number };
}

// ---------------------------------------------------------------------------------------------- source

export interface Track {
  id: string;
  title: string;
  version?: string;
  artists: string[];
  album?: string;
  isrc?: string;
  durationSeconds?: number;
  bpm?: number;
  key?: string;
  keyScale?: string;
  /** The key on the Camelot wheel (`8A`), when the source knows the key. */
  camelot?: string;
  releaseDate?: string;
  copyright?: string;
  explicit?: boolean;
  popularity?: number;
}

export interface SourcePlaylist {
  id: string;
  name: string;
  lastModifiedAt?: string;
  /** Track ids in source order; a track may appear more than once. */
  items: string[];
  /** Owned by the user (default true) and/or in their favourites: used by `select:`. */
  owned?: boolean;
  favorite?: boolean;
  /** The number of items the source says the playlist has; fewer observed items is a short read. */
  expectedItems?: number;
  /** Per-occurrence details (same order as items) when the source has them (TIDAL: itemId, addedAt). */
  entries?: PlaylistEntry[];
  /** Set when the listing of this playlist failed midway or disagrees with its count: it is unknown. */
  shortRead?: string;
  /** Free text the source keeps about the playlist (TIDAL: its description). */
  description?: string;
}

export interface Catalog {
  playlists: SourcePlaylist[];
  tracks: Map<string, Track>;
}

export interface Source {
  readonly provider: string;
  /** `cache` (when given) lets the source skip what it observed before and has not changed since. */
  observe(signal: AbortSignal, cache?: ObservationCache): Promise<Catalog>;
  /** Request counters of the last observe(), for the run's record. */
  stats?(): SourceStats;
  /** True when observe() uses the ObservationCache (a remote source where requests are precious). */
  readonly incremental?: boolean;
  /**
   * A cheap identity of what observe() would return, when the source can tell without observing (the
   * demo's options, a hash of a catalogue file). Equal fingerprints promise equal catalogues; sources
   * that cannot promise that leave this out.
   */
  fingerprint?(signal: AbortSignal): Promise<string>;
  /** Where child playlists with `push:` are written, when the source takes writes (TIDAL). */
  readonly remote?: RemoteTarget;
}

/** The remote entries of a pushed playlist, one per occurrence, as the push diff needs them. */
export interface RemoteEntry {
  itemId: string;
  trackId: string;
}

/**
 * Writes to the source's own playlists, for `push:`. Every call is one request carrying the given
 * Idempotency-Key. Deciding what may be written (ownership) is the planner's and the executor's business.
 */
export interface RemoteTarget {
  readonly provider: 'tidal';
  create(p: { name: string; description: string }, key: string, signal: AbortSignal): Promise<string>;
  rename(playlistId: string, name: string, key: string, signal: AbortSignal): Promise<void>;
  /** Returns the entries an add created (in order) and the track ids it left out. */
  edit(
    playlistId: string,
    edit: Edit,
    key: string,
    signal: AbortSignal,
  ): Promise<{ added: RemoteEntry[]; skipped: string[] }>;
  remove(playlistId: string, key: string, signal: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- downloader

export interface DownloadResult {
  /** Absolute path of the produced file; it lies inside the staging folder given to download(). */
  path: string;
}

export interface Downloader {
  readonly name: string;
  /** The extension (without dot) every file will have, when the downloader knows it up front. */
  readonly extension?: string;
  /** Produce the audio of `track` inside `stagingDir` (absolute, exists, empty). */
  download(track: Track, stagingDir: string, signal: AbortSignal): Promise<DownloadResult>;
}

// ---------------------------------------------------------------------------------------------- disk

export interface DiskEntry {
  type: 'file' | 'symlink' | 'dir' | 'other';
  size: number;
  mtimeMs: number;
  ino: number;
  nlink: number;
  /** readlink() of a symlink, exactly as stored. */
  target?: string;
}

/** Every entry found under the walked folders, by root-relative path. */
export type DiskState = Map<string, DiskEntry>;

// ---------------------------------------------------------------------------------------------- state

export type OwnedKind =
  | 'primary'
  | 'symlink'
  | 'hardlink'
  | 'copy'
  | 'dir'
  | 'playlistFile'
  | 'export'
  | 'staged';

/** A path cratesync created and may therefore move or remove. */
export interface OwnedEntry {
  path: string;
  kind: OwnedKind;
  trackId?: string;
  playlistId?: string;
  size?: number;
  hash?: string;
}

export type DownloadStatus = 'not_downloaded' | 'downloading' | 'downloaded' | 'error';

export interface TrackState {
  /** The tracks table's row id: stable for the life of the library (Rekordbox TrackIDs). */
  rowId?: number;
  downloadStatus: DownloadStatus;
  downloadError?: string;
  attempts: number;
  /** Epoch ms before which a failed download is not retried. */
  nextRetryAt?: number;
  filePath?: string;
  fileSize?: number;
  fileHash?: string;
}

export interface PlaylistState {
  name: string;
  folder?: string;
  itemCount: number;
}

/** A remote playlist cratesync created for a child with `push:`; only these are ever changed or deleted. */
export interface RemotePlaylistState {
  /** The child it belongs to (its name in library.yaml). */
  child: string;
  provider: 'tidal';
  playlistId: string;
  /** A hash of the child's rules without its name: a child renamed in library.yaml keeps its playlist. */
  rulesHash: string;
}

/** What the planner needs from the state DB, loaded once per pass. */
export interface StateView {
  owned: Map<string, OwnedEntry>;
  tracks: Map<string, TrackState>;
  playlists: Map<string, PlaylistState>;
  /** By child name. */
  remote: Map<string, RemotePlaylistState>;
}

// ---------------------------------------------------------------------------------------------- plan

export type TargetName = 'files' | 'playlists' | 'exports' | 'tidal';

export type Action =
  | { type: 'mkdir'; path: string; playlistId: string }
  | { type: 'download'; trackId: string; staged: string }
  | { type: 'move'; from: string; to: string; trackId: string; reason: string }
  | { type: 'link'; path: string; target: string; mode: LinkMode; trackId: string; playlistId: string }
  | {
      type: 'relink';
      path: string;
      target: string;
      mode: LinkMode;
      trackId: string;
      playlistId: string;
      reason: string;
    }
  | {
      type: 'writeFile';
      path: string;
      content: string;
      hash: string;
      playlistId: string;
      /** What the file is; a playlist file unless said otherwise. */
      kind?: 'playlistFile' | 'export';
    }
  | {
      type: 'remove';
      path: string;
      kind: OwnedKind;
      mode: 'trash' | 'delete';
      reason: string;
      /** Clears the way for a move or link in the same pass, so it runs before them instead of last. */
      evict?: boolean;
    }
  | RemoteAction;

/** Changes to playlists on the source (`push: tidal`); see reconcilers/tidal/. */
export type RemoteAction =
  | {
      type: 'remote.create';
      child: string;
      name: string;
      description: string;
      rulesHash: string;
      /** Why a child that was pushed before needs a new playlist (it is gone on TIDAL). */
      reason?: string;
    }
  | {
      type: 'remote.rename';
      playlistId: string;
      child: string;
      name: string;
      rulesHash: string;
      /** The child name the playlist was recorded under, when the child itself was renamed. */
      previousChild?: string;
    }
  | { type: 'remote.edit'; playlistId: string; child: string; step: number; edit: Edit }
  | { type: 'remote.delete'; playlistId: string; child: string; reason: string }
  /** Forgets a record whose playlist is gone from TIDAL (or no longer ours): no request is made. */
  | { type: 'remote.forget'; playlistId: string; child: string; reason: string };

export type ActionType = Action['type'];

export type SkipCode =
  | 'foreign'
  | 'conflict'
  | 'prune-off'
  | 'deletion-cap'
  | 'unsafe-source'
  | 'backoff'
  | 'missing-track'
  | 'not-empty'
  | 'not-managed';

export interface Skipped {
  code: SkipCode;
  reason: string;
  path?: string;
  trackId?: string;
  playlistId?: string;
  /** The child playlist a push skip is about. */
  child?: string;
}

export interface Plan<A extends Action = Action> {
  target: TargetName;
  actions: A[];
  skipped: Skipped[];
}

export type OutcomeStatus = 'applied' | 'noop' | 'skipped' | 'failed';

export interface Outcome<A extends Action = Action> {
  action: A;
  status: OutcomeStatus;
  error?: string;
  /** Size of the file the action produced, placed or linked. */
  bytes?: number;
}

// ---------------------------------------------------------------------------------------------- ports

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface ProgressSink {
  start(label: string, total: number): void;
  tick(n?: number): void;
  stop(): void;
}
