// status, dedupe-report and inspect: read the state DB only (offline, instant, no lock needed).

import path from 'node:path';
import { paths } from '../controller/reconcile.ts';
import { readWatchInfo, type WatchInfo } from '../controller/watch-info.ts';
import { nodeFsPort } from '../io/fs.ts';
import { nodeProcessPort } from '../io/process.ts';
import { displayName } from '../reconcilers/playlists/plan.ts';
import {
  type ChildReport,
  dedupeReport,
  type LastRun,
  playlistReport,
  statusReport,
} from '../state/reports.ts';
import { openStore, type Store } from '../state/store.ts';
import { watcherLock } from './delegate.ts';
import { bold, dim, formatBytes, green, printJson, red, yellow } from './output.ts';
import { type GlobalFlags, loadLibrary } from './runtime.ts';

async function withStore<T>(
  flags: GlobalFlags & { libraryRoot?: string },
  fn: (store: Store, root: string) => T,
): Promise<T | undefined> {
  // `--library-root` reports on a library whose library.yaml is not here (e.g. one applied --from GitHub).
  const root = flags.libraryRoot !== undefined ? path.resolve(flags.libraryRoot) : loadLibrary(flags).root;
  const db = paths(root).db;
  if (!nodeFsPort.existsSync(db)) {
    if (flags.json) printJson({ error: 'no state yet', stateDb: db });
    else process.stdout.write(`No state yet at ${db}. Run ${bold('cratesync reconcile')} first.\n`);
    return undefined;
  }
  const store = await openStore(nodeFsPort, db);
  try {
    return fn(store, root);
  } finally {
    store.close();
  }
}

export async function runStatus(flags: GlobalFlags & { libraryRoot?: string }): Promise<number> {
  const found = await withStore(flags, (store, root) => ({
    report: statusReport(store),
    watcher: runningWatcher(root),
  }));
  if (!found) return 0;
  const { report, watcher } = found;
  if (flags.json) {
    printJson(watcher ? { ...report, watcher } : report);
    return 0;
  }
  const fmt = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${n} ${k}`)
      .join(' · ') || 'none';
  const lines = [
    `${bold('Playlists')}  ${report.playlists.total}: ${fmt(report.playlists.byStatus)}`,
    `${bold('Tracks')}     ${report.tracks.total}: ${fmt(report.tracks.byStatus)}`,
    `${bold('On disk')}    ${fmt(report.paths)} (${formatBytes(report.dedupe.bytesOnDisk)})`,
    `${bold('Dedupe')}     ${report.dedupe.sharedTracks} tracks shared by several playlists; ${report.dedupe.links} links save ${formatBytes(report.dedupe.bytesSaved)}`,
  ];
  if (watcher) lines.push(...watcherLines(watcher));
  // The revision of library.yaml the last run applied (GitHub commit, or HEAD of the local work tree).
  const last = report.lastRun;
  if (last?.configCommit !== undefined || last?.configSource !== undefined)
    lines.push(`${bold('Config')}     ${appliedRevision(last)} ${dim(`(run #${last.id}, ${last.status})`)}`);
  if (report.failures.length > 0) {
    lines.push('', bold(red('Failed downloads')));
    for (const f of report.failures) {
      const next = f.nextRetryAt ? `, next try ${new Date(f.nextRetryAt).toISOString()}` : '';
      lines.push(`  ${f.trackId} ${f.title}: ${f.error} (${f.attempts} attempt(s)${next})`);
    }
  }
  lines.push('', bold('Recent runs'));
  for (const r of report.recentRuns) {
    const colour = r.status === 'completed' ? green : r.status === 'failed' ? red : yellow;
    lines.push(
      `  #${r.id} ${r.startedAt} ${colour(r.status.padEnd(11))} ${r.trigger.padEnd(6)} ${r.actionsApplied} applied · ${r.downloads} downloads · ${r.linksCreated} links · ${r.filesMoved} moved · ${r.filesRemoved} removed${r.actionsFailed ? red(` · ${r.actionsFailed} failed`) : ''}${r.configCommit ? dim(` · @${r.configCommit.slice(0, 7)}${r.configDirty ? '+edits' : ''}`) : ''}${requests(r)}${r.error ? dim(` — ${r.error}`) : ''}`,
    );
  }
  if (report.recentRuns.length === 0) lines.push('  none yet');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The watcher that holds this library, as its watch.json describes it (kept up to date from GitHub). */
function runningWatcher(root: string): WatchInfo | undefined {
  if (!watcherLock(nodeFsPort, root, nodeProcessPort)) return undefined;
  return readWatchInfo(nodeFsPort, paths(root).dir);
}

function watcherLines(w: WatchInfo): string[] {
  const c = w.source;
  const following = c ? `${c.source}${c.commit ? ` at ${c.commit.slice(0, 7)}` : ''}` : w.file;
  const lines = [`${bold('Watcher')}    pid ${w.pid} · ${w.url} · following ${following}`];
  // GitHub cannot be read: the library in force stays; a refused commit: the watcher is in invalid.
  if (c?.error) lines.push(`  ${red('GitHub')}   ${c.error.message} ${dim(`(since ${c.error.since})`)}`);
  if (c?.rejected)
    lines.push(
      `  ${red('invalid')}  commit ${c.rejected.commit.slice(0, 7)} is not applied: ${c.rejected.error}`,
    );
  return lines;
}

/** `github:me/crates/library.yaml@main at 1a2b3c4`, `library.yaml at 1a2b3c4 with uncommitted edits`. */
function appliedRevision(r: LastRun): string {
  const src =
    r.configSource === undefined || r.configSource.startsWith('github:')
      ? (r.configSource ?? 'library.yaml')
      : path.relative(process.cwd(), r.configSource) || r.configSource;
  const commit = r.configCommit ? ` at ${r.configCommit.slice(0, 7)}` : '';
  return `${src}${commit}${r.configDirty ? yellow(' with uncommitted edits') : ''}`;
}

export async function runDedupeReport(flags: GlobalFlags & { limit?: string }): Promise<number> {
  const report = await withStore(flags, (s) => dedupeReport(s, Number(flags.limit ?? 50)));
  if (!report) return 0;
  if (flags.json) {
    printJson(report);
    return 0;
  }
  const t = report.totals;
  const lines = [
    `${bold('Deduplication')}: ${t.sharedTracks} tracks appear in more than one playlist; ${t.links} links instead of copies save ${formatBytes(t.bytesSaved)} (${formatBytes(t.bytesOnDisk)} on disk).`,
    '',
  ];
  for (const tr of report.tracks) {
    lines.push(
      `${displayName({ id: tr.trackId, ...tr })} ${dim(`(${formatBytes(tr.size)}, ${tr.links.length} link(s))`)}`,
    );
    lines.push(`  real file  ${tr.primary ?? '?'}`);
    for (const l of tr.links) lines.push(`  link       ${l}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function runInspect(flags: GlobalFlags & { playlist: string }): Promise<number> {
  const report = await withStore(flags, (s) => playlistReport(s, flags.playlist));
  if (report === undefined) {
    process.stderr.write(
      `${red('error')}: no mirrored playlist named "${flags.playlist}" (cratesync status lists them)\n`,
    );
    return 1;
  }
  if ('ambiguous' in report) {
    process.stderr.write(
      `${red('error')}: "${flags.playlist}" matches several playlists; use the folder name or the source id:\n  ${report.ambiguous.join('\n  ')}\n`,
    );
    return 1;
  }
  if (flags.json) {
    printJson(report);
    return 0;
  }
  const c = report.counts;
  const lines = [
    `${bold(report.name)} ${dim(`(${report.sourceId})`)} — ${report.syncStatus}`,
    `  folder      ${report.folder ?? '-'}${report.playlistFile ? `   playlist file ${path.basename(report.playlistFile)}` : ''}`,
    `  tracks      ${c.entries}: ${c.primaries} real files here, ${c.links} links to other playlists, ${c.missing} missing`,
    `  source      last modified ${report.lastModifiedAtSource ?? 'unknown'}; synced ${report.lastSynced ?? 'never'}`,
  ];
  const missing = report.entries.filter((e) => e.status !== 'synced');
  if (missing.length > 0) {
    lines.push('', bold('Missing'));
    for (const e of missing.slice(0, 50)) {
      lines.push(
        `  ${e.artists.join(', ')} - ${e.title}: ${e.downloadStatus}${e.downloadError ? ` (${e.downloadError})` : ''}`,
      );
    }
  }
  if (report.child) lines.push(...childLines(report.child));
  if (report.recentChanges.length > 0) {
    lines.push('', bold('Recent changes'));
    for (const ch of report.recentChanges)
      lines.push(
        `  run #${ch.runId} ${ch.type} ${ch.status} ${ch.path ?? ''}${ch.error ? ` — ${ch.error}` : ''}`,
      );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** A child playlist's TIDAL playlist and its history: tracks matched, links, requests, errors per run. */
function childLines(child: ChildReport): string[] {
  const lines = ['', bold('Child playlist')];
  if (child.remoteId !== undefined)
    lines.push(`  TIDAL       playlist ${child.remoteId} (kept in sync by cratesync)`);
  for (const r of child.runs.slice(0, 10)) {
    const parts = [`${r.matched} matched`];
    if (r.linksAdded || r.linksRemoved) parts.push(`links +${r.linksAdded} −${r.linksRemoved}`);
    if (r.requests !== undefined) parts.push(`${r.requests} TIDAL write(s)`);
    if (r.held) parts.push(`held: ${r.held}`);
    if (r.errors.length > 0) parts.push(red(`${r.errors.length} error(s): ${r.errors[0]}`));
    lines.push(`  run #${r.runId} ${dim(r.startedAt)} ${r.status}: ${parts.join(', ')}`);
  }
  return lines;
}

/** Source traffic of a run, when the source is remote (TIDAL): requests, cache hits, 429s. */
function requests(r: { apiRequests: number; cacheHits: number; throttled: number }): string {
  if (r.apiRequests === 0 && r.cacheHits === 0) return '';
  return dim(
    ` · ${r.apiRequests} requests, ${r.cacheHits} cache hits${r.throttled ? `, ${r.throttled}× 429` : ''}`,
  );
}
