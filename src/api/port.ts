// The port between the HTTP API and the watcher: everything the API and the dashboard may ask of or tell the
// control loop. The API never reaches past it into the machine or the state DB, so it can be tested against
// a fake and the watcher stays free to change how it keeps its state. Every type here is plain JSON data.

type Awaitable<T> = T | Promise<T>;

/** What the loop is doing and why. `state` is one of the machine's states (idle, debouncing, reconciling,
 * backoff, invalid, suspended, stopped, ...); `reason` says in words why it is there. */
export interface LoopStatus {
  state: string;
  reason: string;
  /** ISO 8601: when the loop entered this state. */
  since?: string;
  /** ISO 8601: the next scheduled run (poll or backoff), when one is scheduled. */
  nextRunAt?: string;
}

/** One step of a run's progress, as sent on the event stream. */
export interface ProgressEvent {
  /** observe, plan, download, link, prune, ..., or done when the run has finished. */
  phase: string;
  done: number;
  total: number;
  message?: string;
  /** The sync event (run) this belongs to, when known. */
  eventId?: number;
}

export interface RunInProgress {
  eventId?: number;
  trigger: string;
  startedAt: string;
  progress?: ProgressEvent;
}

/** A finished or running sync event, as much as the dashboard shows of it. */
export interface RunInfo {
  id: number;
  /** in_progress | completed | failed */
  status: string;
  trigger?: string;
  startedAt: string;
  finishedAt?: string;
  actionsApplied?: number;
  actionsFailed?: number;
  /** The run's own failure. */
  error?: string;
  /** Failures of single actions in a run that otherwise went through. */
  errors?: string[];
  /** The commit of library.yaml the run applied (GitHub, or HEAD of a local git work tree). */
  commit?: string;
}

export type PlaylistHealth = 'healthy' | 'progressing' | 'degraded' | 'unknown';

export interface PlaylistStatus {
  name: string;
  kind: 'base' | 'child';
  sourceId?: string;
  /** The state DB's sync_status: in_sync | needs_download | needs_update | needs_removal | unknown. */
  syncState: string;
  health: PlaylistHealth;
  /** Why it is not healthy, in words: "3 tracks failed to download: ...". */
  reason?: string;
  tracks?: number;
  lastSynced?: string;
}

export interface DedupeSavings {
  sharedTracks: number;
  links: number;
  bytesSaved: number;
  bytesOnDisk?: number;
}

/** Where library.yaml comes from and how reading it goes. */
export interface ConfigSourceStatus {
  /** The library.yaml followed: its path, or `github:OWNER/REPO/PATH@REF`. */
  source: string;
  /** GitHub: the commit whose library.yaml is in force (the last good one). */
  commit?: string;
  /** GitHub: the newest commit at the ref whose library.yaml was refused (invalid), with its first error. */
  rejected?: { commit: string; error: string };
  /** GitHub: when the ref was last read successfully, and when it is read next (ISO 8601). */
  checkedAt?: string;
  nextCheckAt?: string;
  /**
   * GitHub: why it cannot be read now (no network, 5xx, bad token, rate limit), until a read succeeds. The
   * library in force stays and keeps being reconciled meanwhile.
   */
  error?: { message: string; kind: string; since: string; resetAt?: string };
}

export interface ApiStatus {
  loop: LoopStatus;
  /** Where library.yaml comes from (a file, or a ref on GitHub) and whether it can be read. */
  config?: ConfigSourceStatus;
  run?: RunInProgress;
  lastRun?: RunInfo;
  /** Newest first, a handful: the dashboard's run list. */
  recentRuns: RunInfo[];
  playlists: PlaylistStatus[];
  dedupe: DedupeSavings;
}

/** Shapes the watcher owns (plan output, sync_events rows, the inspect report) pass through untouched. */
export type PlanData = Record<string, unknown>;
export type SyncEventData = Record<string, unknown>;
export type PlaylistData = Record<string, unknown>;

export interface ApiPort {
  status(): Awaitable<ApiStatus>;
  /** What a run would do now (observe + plan, no writes). */
  plan(): Promise<PlanData>;
  /** Ask for a run (coalesced with one already due); resolves with the sync event it will record. */
  requestRun(): Promise<{ eventId: number }>;
  /** Newest first, at most `limit`. */
  syncEvents(limit: number): Awaitable<SyncEventData[]>;
  syncEvent(id: number): Awaitable<SyncEventData | undefined>;
  /** By name (the watcher may also accept a source id); undefined when none matches. */
  playlist(name: string): Awaitable<PlaylistData | undefined>;
  suspend(reason: string): Awaitable<void>;
  resume(): Awaitable<void>;
  /** Run progress as it happens; returns the unsubscribe function. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

/** An error a port method throws to answer with a status of its own (409 when a run cannot be had now,
 * say) instead of a generic 500. Its message is shown to the client. */
export function apiError(status: number, message: string): Error & { status: number } {
  return Object.assign(new Error(message), { status });
}

export function errorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}
