// The watcher's side of the status API (src/api/port.ts): what the loop is doing, the run in flight with its
// progress, and what the state DB knows (runs, playlists and their health, dedupe savings). Reads of the
// DB go through a StateReader, and what is derived from it is recomputed only when the DB file changed.

import {
  type ApiPort,
  type ApiStatus,
  apiError,
  type ConfigSourceStatus,
  type PlaylistHealth,
  type PlaylistStatus,
  type RunInfo,
  type SyncEventData,
} from '../api/port.ts';
import { playlistReport, statusReport } from '../state/reports.ts';
import type { StateReader } from '../state/state-reader.ts';
import {
  type PlaylistHealthRow,
  playlistHealthRows,
  type SyncEventRow,
  syncEventRow,
  syncEventRows,
} from '../state/watch-queries.ts';
import type { ProgressHub } from './progress-hub.ts';
import type { RunTracker } from './run-tracker.ts';
import type { WatchLoop } from './watch-loop.ts';

export interface WatchApiDeps {
  loop: () => WatchLoop | undefined;
  reader: StateReader;
  tracker: RunTracker;
  hub: ProgressHub;
  /** Where library.yaml comes from (a file, a ref on GitHub) and how reading it goes. */
  config?: () => ConfigSourceStatus;
  /** GET /api/plan: observe and plan with the current library.yaml. */
  plan: () => Promise<Record<string, unknown>>;
  now: () => number;
  /** Runs shown in the status. Default 10. */
  recentRuns?: number;
}

interface DbView {
  version: string;
  playlists: PlaylistHealthRow[];
  runs: SyncEventRow[];
  dedupe: ApiStatus['dedupe'];
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface WatchApi extends ApiPort {
  /** Starts following the loop's states (for `since`); called once the loop exists. */
  attach(loop: WatchLoop): void;
  close(): void;
}

export function createWatchApi(deps: WatchApiDeps): WatchApi {
  const recent = deps.recentRuns ?? 10;
  let view: DbView | undefined;
  let since: { state: string; at: number } | undefined;
  let unsubscribe: (() => void) | undefined;

  const loop = (): WatchLoop => {
    const l = deps.loop();
    if (!l) throw apiError(503, 'the watcher is starting');
    return l;
  };

  /** The top state (idle, reconciling, ...) and when the loop entered it. */
  const trackSince = (l: WatchLoop) => {
    if (unsubscribe) return;
    const top = (state: string) => state.split('.')[0]!;
    since = { state: top(l.snapshot().state), at: deps.now() };
    unsubscribe = l.subscribe((s) => {
      if (since?.state !== top(s.state)) since = { state: top(s.state), at: deps.now() };
    });
  };

  const dbView = async (): Promise<DbView | undefined> =>
    deps.reader.read((store, version) => {
      if (view?.version !== version) {
        view = {
          version,
          playlists: playlistHealthRows(store),
          runs: syncEventRows(store, recent),
          dedupe: statusReport(store).dedupe,
        };
      }
      return view;
    });

  /** The run in flight may not be in the DB file yet: it is saved at its first checkpoint. */
  const withCurrent = (rows: SyncEventRow[]): (SyncEventRow | SyncEventData)[] => {
    const run = deps.tracker.current();
    if (run?.eventId === undefined || rows.some((r) => r.id === run.eventId)) return rows;
    if (rows.length > 0 && rows[0]!.id > run.eventId) return rows;
    return [
      { id: run.eventId, status: 'in_progress', trigger: run.trigger, startedAt: iso(run.startedAt) },
      ...rows,
    ];
  };

  const annotate = (row: SyncEventRow | SyncEventData): SyncEventData => {
    const next = deps.tracker.supersededBy(Number(row.id));
    return next === undefined ? { ...row } : { ...row, supersededBy: next };
  };

  return {
    async status() {
      const s = loop().snapshot();
      const db = await dbView();
      const reconciling = s.state.startsWith('reconciling');
      const run = deps.tracker.current();
      const progress = deps.hub.current();
      const runs = withCurrent(db?.runs ?? [])
        .slice(0, recent)
        .map(runInfo);
      const status: ApiStatus = {
        loop: {
          state: s.state,
          reason: s.reason,
          ...(since ? { since: iso(since.at) } : {}),
          ...(s.nextRunAt !== null ? { nextRunAt: iso(s.nextRunAt) } : {}),
        },
        ...(deps.config ? { config: deps.config() } : {}),
        recentRuns: runs,
        playlists: (db?.playlists ?? []).map((p) => playlistStatus(p, reconciling)),
        dedupe: db?.dedupe ?? { sharedTracks: 0, links: 0, bytesSaved: 0 },
      };
      if (reconciling) {
        status.run = {
          ...(run?.eventId !== undefined ? { eventId: run.eventId } : {}),
          trigger: run?.trigger ?? s.trigger ?? 'unknown',
          startedAt: iso(run?.startedAt ?? s.runStartedAt ?? deps.now()),
          ...(progress ? { progress } : {}),
        };
      }
      const last = runs.find((r) => r.status !== 'in_progress');
      if (last) status.lastRun = last;
      return status;
    },

    plan: () => deps.plan(),

    requestRun() {
      const l = loop();
      const s = l.snapshot();
      if (s.state === 'stopped') throw apiError(503, 'the watcher is stopping');
      if (s.suspendReason !== null)
        throw apiError(409, `the watcher is suspended (${s.suspendReason}); resume it first`);
      if (s.state === 'invalid') throw apiError(409, `invalid library.yaml: ${s.configError}`);
      return new Promise((resolve, reject) => {
        let settled = false;
        let wanted: number | undefined;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          fn();
        };
        const outcome = l.requestRun('api', {
          onStart: (runId) => {
            wanted = runId;
            deps.tracker.whenEvent(runId, (eventId) => {
              if (wanted === runId) settle(() => resolve({ eventId }));
            });
          },
        });
        outcome.then((o) => {
          const eventId = o.eventId;
          if (eventId !== undefined) settle(() => resolve({ eventId }));
          else {
            const status = o.status === 'invalid' ? 409 : o.status === 'stopped' ? 503 : 500;
            settle(() => reject(apiError(status, o.error ?? 'the run did not start')));
          }
        });
      });
    },

    async syncEvents(limit) {
      const rows = (await deps.reader.read((store) => syncEventRows(store, limit))) ?? [];
      return withCurrent(rows).slice(0, limit).map(annotate);
    },

    async syncEvent(id) {
      const row = await deps.reader.read((store) => syncEventRow(store, id));
      if (row) return annotate(row);
      const current = withCurrent([]).find((r) => r.id === id);
      return current ? annotate(current) : undefined;
    },

    async playlist(name) {
      const found = await deps.reader.read((store) => playlistReport(store, name));
      if (found && 'ambiguous' in found)
        throw apiError(409, `"${name}" matches several playlists: ${found.ambiguous.join('; ')}`);
      return found as Record<string, unknown> | undefined;
    },

    suspend(reason) {
      loop().send({ type: 'SUSPEND', reason });
    },

    resume() {
      loop().send({ type: 'RESUME' });
    },

    onProgress: (listener) => deps.hub.subscribe(listener),

    attach: trackSince,

    close() {
      unsubscribe?.();
    },
  };
}

function runInfo(row: SyncEventRow | SyncEventData): RunInfo {
  const r = row as Partial<SyncEventRow> & { id: number; status: string; startedAt: string };
  const info: RunInfo = { id: r.id, status: r.status, startedAt: r.startedAt };
  if (r.trigger !== undefined) info.trigger = r.trigger;
  if (r.finishedAt !== undefined) info.finishedAt = r.finishedAt;
  if (r.actionsApplied !== undefined) info.actionsApplied = r.actionsApplied;
  if (r.actionsFailed !== undefined) info.actionsFailed = r.actionsFailed;
  if (r.error !== undefined) info.error = r.error;
  if (r.errors !== undefined && r.errors.length > 0) info.errors = r.errors.slice(0, 10);
  if (r.configCommit !== undefined) info.commit = r.configCommit;
  return info;
}

/** Healthy when in sync; degraded when downloads failed, or entries are missing and no run is fixing them. */
export function playlistStatus(p: PlaylistHealthRow, reconciling: boolean): PlaylistStatus {
  const child = p.sourceId.startsWith('child:');
  let health: PlaylistHealth;
  let reason: string | undefined;
  if (p.failedDownloads > 0) {
    health = 'degraded';
    reason = `${p.failedDownloads} track${p.failedDownloads === 1 ? '' : 's'} failed to download${p.firstError ? `: ${p.firstError}` : ''}`;
  } else if (p.syncStatus === 'in_sync') {
    health = 'healthy';
  } else if (p.syncStatus === 'unknown') {
    health = 'unknown';
    reason = 'not reconciled yet';
  } else {
    health = reconciling ? 'progressing' : 'degraded';
    reason = `${p.notInPlace} of ${p.entries} tracks not in place (${p.syncStatus.replace(/_/g, ' ')})`;
  }
  return {
    name: p.name,
    kind: child ? 'child' : 'base',
    sourceId: child ? p.sourceId.slice('child:'.length) : p.sourceId,
    syncState: p.syncStatus,
    health,
    ...(reason !== undefined ? { reason } : {}),
    tracks: p.entries,
    ...(p.lastSynced !== undefined ? { lastSynced: p.lastSynced } : {}),
  };
}
