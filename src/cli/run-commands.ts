// validate, plan and reconcile: the commands that load library.yaml and look at the source.

import path from 'node:path';
import { planOnly, reconcile } from '../controller/reconcile.ts';
import type { RunSummary } from '../controller/summary.ts';
import { localGitRevision } from '../gitops/local-git.ts';
import { nodeFsPort } from '../io/fs.ts';
import { nodeProcessPort } from '../io/process.ts';
import type { DesiredState } from '../types.ts';
import { reconcileThroughWatcher, watcherLock } from './delegate.ts';
import type { GitHubFlags } from './github-commands.ts';
import { bold, dim, formatBytes, green, printJson, red, yellow } from './output.ts';
import { planJson, printPlan } from './plan-output.ts';
import { buildDeps, type GlobalFlags, loadLibrary } from './runtime.ts';

// GitOps (`--from github:...`, `--github-pr`) loads octokit only when asked for.
const github = () => import('./github-commands.ts');

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
  flags: GitHubFlags & { detailedExitcode?: boolean; limit?: string; full?: boolean; refresh?: boolean },
): Promise<number> {
  if (flags.from !== undefined || flags.root !== undefined || flags.githubPr !== undefined) {
    const gh = await github();
    gh.checkLocalFlags(flags);
    if (flags.githubPr !== undefined) return gh.runPlanPreview(flags);
  }
  const desired =
    flags.from !== undefined ? (await (await github()).loadFromGitHub(flags)).desired : loadLibrary(flags);
  const pass = await planOnly(desired, buildDeps(desired, { json: flags.json, progress: false }), {
    full: flags.full,
    refresh: flags.refresh,
  });
  if (flags.json) printJson(planJson(pass));
  else {
    if (flags.from !== undefined) process.stdout.write(`Plan for ${desired.file}:\n`);
    printPlan(pass, { limit: Number(flags.limit ?? 50) });
  }
  // Ambiguous files alone are no change: they stay until the user pins them.
  const adopting = pass.adopt !== undefined && (pass.adopt.files > 0 || pass.adopt.trashed > 0);
  return flags.detailedExitcode && (pass.actions.length > 0 || adopting) ? 2 : 0;
}

export async function runReconcile(
  flags: GitHubFlags & {
    dryRun?: boolean;
    progress?: boolean;
    limit?: string;
    full?: boolean;
    refresh?: boolean;
  },
): Promise<number> {
  if (flags.dryRun) return runPlan(flags);
  if (flags.root !== undefined) (await github()).checkLocalFlags(flags);
  // From GitHub: the commit's file, with a commit status (pending now, success or failure at the end).
  const gitops = flags.from !== undefined ? await (await github()).openGitHubRun(flags) : undefined;
  const desired = gitops?.desired ?? loadLibrary(flags);
  // One writer: a running watcher is asked to do the run.
  const watcher = watcherLock(nodeFsPort, desired.root, nodeProcessPort);
  if (watcher && gitops) {
    const err = new Error(
      `cratesync watch (pid ${watcher.pid}) holds ${desired.root}: it applies its own library.yaml; stop it to reconcile --from GitHub`,
    );
    await gitops.fail(err);
    throw err;
  }
  if (watcher) return runThroughWatcher(desired, flags, watcher);
  // Which revision of library.yaml this run applies: the GitHub commit, or HEAD of a local git work tree.
  const revision = gitops?.revision ?? (await localGitRevision(desired.file));
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
    let result: Awaited<ReturnType<typeof reconcile>>;
    try {
      result = await reconcile(desired, buildDeps(desired, { json: flags.json, progress: flags.progress }), {
        signal: controller.signal,
        full: flags.full,
        refresh: flags.refresh,
        ...(revision ? { revision } : {}),
      });
    } catch (err) {
      await gitops?.fail(err);
      throw err;
    }
    await gitops?.finish(result.status, result.summary, result.error);
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

async function runThroughWatcher(
  desired: DesiredState,
  flags: GlobalFlags & { full?: boolean; refresh?: boolean },
  lock: NonNullable<ReturnType<typeof watcherLock>>,
): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopped waiting; the watcher finishes the run on its own\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!flags.json && (flags.full || flags.refresh))
      process.stderr.write(
        `${yellow('note')}: --full and --refresh are not passed on to a running watcher\n`,
      );
    const run = await reconcileThroughWatcher({
      fs: nodeFsPort,
      root: desired.root,
      lock,
      signal: controller.signal,
      onAccepted: (eventId, info) => {
        if (!flags.json)
          process.stderr.write(
            `cratesync watch (pid ${info.pid}) holds this library: asked it to reconcile now (sync event #${eventId}, ${info.url})…\n`,
          );
      },
    });
    if (flags.json) {
      printJson({
        syncEventId: run.eventId,
        status: run.status,
        seconds: run.seconds,
        shortcut: (run.summary as { shortcut?: boolean } | undefined)?.shortcut === true,
        summary: run.summary,
        error: run.error,
        watcher: run.watcher,
      });
    } else if (run.summary) {
      printSummary(desired.file, desired.root, run.summary, run.status, run.seconds, run.error);
    } else {
      process.stdout.write(
        `${run.status === 'completed' ? green('Reconciled') : red('Reconcile failed:')} sync event #${run.eventId}${run.error ? `: ${run.error}` : ''}\n`,
      );
    }
    return run.status === 'completed' ? 0 : 1;
  } catch (err) {
    if (controller.signal.aborted) return 130;
    throw err;
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
