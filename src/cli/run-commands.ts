// validate, plan and reconcile: the commands that load library.yaml and look at the source.

import path from 'node:path';
import { planOnly, reconcile } from '../controller/reconcile.ts';
import type { RunSummary } from '../controller/summary.ts';
import { bold, dim, formatBytes, green, printJson, red, yellow } from './output.ts';
import { planJson, printPlan } from './plan-output.ts';
import { buildDeps, type GlobalFlags, loadLibrary } from './runtime.ts';

export function runValidate(flags: GlobalFlags): number {
  const desired = loadLibrary(flags);
  if (flags.json) printJson({ valid: true, file: desired.file, root: desired.root });
  else {
    process.stdout.write(
      `${green('valid')}: ${relative(desired.file)} (source ${desired.source.provider}, ${desired.playlists.length} playlist selector(s), root ${relative(desired.root)})\n`,
    );
  }
  return 0;
}

export async function runPlan(
  flags: GlobalFlags & { detailedExitcode?: boolean; limit?: string; full?: boolean; refresh?: boolean },
): Promise<number> {
  const desired = loadLibrary(flags);
  const pass = await planOnly(desired, buildDeps(desired, { json: flags.json, progress: false }), {
    full: flags.full,
    refresh: flags.refresh,
  });
  if (flags.json) printJson(planJson(pass));
  else printPlan(pass, { limit: Number(flags.limit ?? 50) });
  return flags.detailedExitcode && pass.actions.length > 0 ? 2 : 0;
}

export async function runReconcile(
  flags: GlobalFlags & {
    dryRun?: boolean;
    progress?: boolean;
    limit?: string;
    full?: boolean;
    refresh?: boolean;
  },
): Promise<number> {
  if (flags.dryRun) return runPlan(flags);
  const desired = loadLibrary(flags);
  const started = performance.now();
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the action in flight (press Ctrl-C again to quit at once)…\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await reconcile(
      desired,
      buildDeps(desired, { json: flags.json, progress: flags.progress }),
      { signal: controller.signal, full: flags.full, refresh: flags.refresh },
    );
    const seconds = (performance.now() - started) / 1000;
    if (flags.json)
      printJson({
        syncEventId: result.eventId,
        status: result.status,
        seconds,
        shortcut: result.firstPass.shortcut === true,
        summary: result.summary,
        error: result.error,
      });
    else printSummary(desired.file, desired.root, result.summary, result.status, seconds, result.error);
    return result.status === 'completed' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function printSummary(
  file: string,
  root: string,
  s: RunSummary,
  status: string,
  seconds: number,
  error?: string,
): void {
  const lines = [
    `${status === 'completed' ? green('Reconciled') : red('Reconcile failed:')} ${relative(file)} → ${relative(root)} in ${seconds.toFixed(1)} s`,
    `  library     ${s.playlists} playlists · ${s.tracks} tracks · ${s.entries} playlist entries`,
    `  this run    ${s.downloads} downloaded (${formatBytes(s.bytesDownloaded)}) · ${s.linksCreated} links created · ${s.relinks} re-linked · ${s.moves} moved · ${s.removed} removed${s.trashed ? ` (${s.trashed} to trash)` : ''} · ${s.playlistFiles} playlist files written${s.exportsWritten ? ` · ${s.exportsWritten} export write(s)` : ''}`,
    `  dedupe      one real file per track; links save ${formatBytes(s.bytesSaved)}`,
  ];
  const held = Object.entries(s.held).map(([k, n]) => `${n} ${k}`);
  if (held.length > 0)
    lines.push(`  ${yellow('held back')}   ${held.join(' · ')} ${dim('(cratesync plan shows why)')}`);
  if (s.failed > 0) {
    lines.push(`  ${red('failed')}      ${s.failed} action(s); they are retried on later runs:`);
    for (const e of s.errors.slice(0, 10)) lines.push(`    ${e}`);
  }
  if (error) lines.push(`  ${red('error')}       ${error}`);
  if (s.remaining > 0 && s.failed === 0)
    lines.push(`  ${yellow('remaining')}   ${s.remaining} action(s) could not run yet; run again`);
  process.stdout.write(`${lines.join('\n')}\n`);
  void bold;
}

function relative(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') ? p : r;
}
