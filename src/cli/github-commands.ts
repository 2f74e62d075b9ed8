// `--from github:OWNER/REPO/PATH@REF` for plan and reconcile, commit statuses for runs from GitHub, and
// `plan --github-pr N`: the plan preview comment on a pull request.

import { planOnly } from '../controller/reconcile.ts';
import type { RunSummary } from '../controller/summary.ts';
import { ConfigError } from '../errors.ts';
import { type GitHubClient, gitHubClientFromEnv } from '../gitops/client.ts';
import { type CommitStatusReporter, commitStatusReporter, runDescription } from '../gitops/commit-status.ts';
import { oneLine } from '../gitops/errors.ts';
import { gitHubRevision, loadGitHubLibrary } from '../gitops/library.ts';
import { commentMarker, failureComment, invalidComment, planComment } from '../gitops/plan-comment.ts';
import { fetchGitHubFile } from '../gitops/poller.ts';
import { pullRequestHead, upsertComment } from '../gitops/pull-request.ts';
import { readFileAt } from '../gitops/read.ts';
import { fileAtCommit, type GitHubFileSpec, parseGitHubSpec, shortSha } from '../gitops/spec.ts';
import type { ConfigRevision } from '../state/store.ts';
import type { DesiredState } from '../types.ts';
import { green, printJson, stderrLogger, yellow } from './output.ts';
import { planJson, printPlan } from './plan-output.ts';
import { buildDeps, type GlobalFlags } from './runtime.ts';

export interface GitHubFlags extends GlobalFlags {
  from?: string;
  root?: string;
  githubPr?: string;
  dashboardUrl?: string;
}

interface Source {
  client: GitHubClient;
  spec: GitHubFileSpec;
  root: string;
}

function source(flags: GitHubFlags): Source {
  if (flags.from === undefined) throw new ConfigError('--from github:OWNER/REPO/PATH@REF is needed here');
  const spec = parseGitHubSpec(flags.from);
  if (flags.root === undefined || flags.root.trim() === '')
    throw new ConfigError(
      `--from ${flags.from} needs --root DIR: the local folder that the fetched library.yaml's relative paths (root, source.file.path, ...) are resolved against`,
    );
  return { client: gitHubClientFromEnv(), spec, root: flags.root };
}

/** `--root` means nothing without `--from`: say so instead of ignoring it. */
export function checkLocalFlags(flags: GitHubFlags): void {
  if (flags.root !== undefined && flags.from === undefined)
    throw new ConfigError(
      '--root goes with --from github:...: a local library.yaml places paths relative to itself',
    );
  if (flags.githubPr !== undefined && flags.from === undefined)
    throw new ConfigError(
      '--github-pr N needs --from github:OWNER/REPO/PATH (the library.yaml the pull request changes)',
    );
}

/** `plan --from`: the file at the ref's commit, loaded against --root. */
export async function loadFromGitHub(
  flags: GitHubFlags,
): Promise<{ desired: DesiredState; revision: ConfigRevision }> {
  const { client, spec, root } = source(flags);
  const file = await fetchGitHubFile(client, spec);
  return {
    desired: loadGitHubLibrary(file.text, spec, file.sha, root),
    revision: gitHubRevision(spec, file.sha),
  };
}

export interface GitHubRun {
  desired: DesiredState;
  revision: ConfigRevision;
  /** Posts success or failure for the finished run. */
  finish(status: 'completed' | 'failed', summary: RunSummary, error?: string): Promise<void>;
  /** Posts failure for a run that could not be carried out. */
  fail(err: unknown): Promise<void>;
}

/**
 * `reconcile --from`: reads the file, posts `pending` on its commit, and loads it. An invalid file gets
 * `failure` with its first error (and throws the ConfigError).
 */
export async function openGitHubRun(flags: GitHubFlags): Promise<GitHubRun> {
  const { client, spec, root } = source(flags);
  const log = stderrLogger(flags.json === true);
  const file = await fetchGitHubFile(client, spec);
  const targetUrl = dashboardUrl(flags);
  const status: CommitStatusReporter = commitStatusReporter({
    client,
    spec,
    sha: file.sha,
    log,
    ...(targetUrl ? { targetUrl } : {}),
  });
  await status.pending(`reconciling ${spec.path} at ${shortSha(file.sha)}`);
  let desired: DesiredState;
  try {
    desired = loadGitHubLibrary(file.text, spec, file.sha, root);
  } catch (err) {
    const first =
      err instanceof ConfigError
        ? err.issues[0]
          ? issueLine(err.issues[0], spec)
          : err.message
        : String(err);
    await status.finish('failure', `invalid ${first}`);
    throw err;
  }
  return {
    desired,
    revision: gitHubRevision(spec, file.sha),
    async finish(state, summary, error) {
      await status.finish(
        state === 'completed' ? 'success' : 'failure',
        runDescription(state, summary, error),
      );
    },
    async fail(err) {
      await status.finish('error', `could not run: ${oneLine((err as Error)?.message ?? String(err))}`);
    },
  };
}

/** `PATH:LINE:COL: message` (the short form for a 140-character status). */
function issueLine(i: { line: number; col: number; message: string }, spec: GitHubFileSpec): string {
  return `${spec.path}:${i.line}:${i.col}: ${i.message}`;
}

function dashboardUrl(flags: GitHubFlags): string | undefined {
  const url = flags.dashboardUrl ?? process.env.CRATESYNC_DASHBOARD_URL;
  if (url === undefined || url.trim() === '') return undefined;
  if (!/^https?:\/\/\S+$/.test(url.trim()))
    throw new ConfigError(`--dashboard-url ${JSON.stringify(url)}: expected an http(s) URL`);
  return url.trim();
}

// ------------------------------------------------------------------------------------ plan --github-pr

export async function runPlanPreview(
  flags: GitHubFlags & { detailedExitcode?: boolean; limit?: string; full?: boolean; refresh?: boolean },
): Promise<number> {
  const pr = Number(flags.githubPr);
  if (!Number.isSafeInteger(pr) || pr <= 0)
    throw new ConfigError(`--github-pr ${JSON.stringify(flags.githubPr)}: expected a pull request number`);
  const { client, spec, root } = source(flags);
  if (spec.ref !== undefined)
    throw new ConfigError(
      `--github-pr reads library.yaml at the pull request's head commit: leave "@${spec.ref}" out of --from`,
    );
  if (!client.hasToken)
    throw new ConfigError(
      'GITHUB_TOKEN is not set: commenting on a pull request needs a token (pull requests: write)',
    );

  const head = await pullRequestHead(client, spec, pr);
  const ctx = { spec, sha: head.sha, pr };
  const marker = commentMarker(spec.path);
  const comment = (body: string) => upsertComment(client, spec, pr, marker, body);
  // When the plan cannot be made, the pull request is told why, and so is the terminal (by the thrown error).
  const commentFailure = async (body: string) => {
    const r = await comment(body);
    process.stderr.write(`posted the problem on pull request #${pr}${r.url ? `: ${r.url}` : ''}\n`);
    return r;
  };

  let text: string;
  try {
    const file = await readFileAt(client, spec, head.sha);
    if (file.notModified) throw new Error('unexpected 304');
    text = file.text;
  } catch (err) {
    if ((err as { kind?: string }).kind !== 'not-found') throw err;
    await commentFailure(failureComment((err as Error).message, ctx));
    throw err;
  }

  let desired: DesiredState;
  try {
    desired = loadGitHubLibrary(text, spec, head.sha, root);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const r = await commentFailure(invalidComment(err.issues, err.message, ctx));
    if (flags.json) printJson({ valid: false, pr, sha: head.sha, issues: err.issues, comment: r });
    throw err;
  }

  let pass: Awaited<ReturnType<typeof planOnly>>;
  try {
    pass = await planOnly(desired, buildDeps(desired, { json: flags.json, progress: false }), {
      full: flags.full,
      refresh: flags.refresh,
    });
  } catch (err) {
    await commentFailure(failureComment((err as Error).message ?? String(err), ctx));
    throw err;
  }
  const body = planComment(pass, desired.layout.playlists, ctx);
  const r = await comment(body);
  if (flags.json) {
    printJson({ ...planJson(pass), pr, sha: head.sha, comment: r });
  } else {
    process.stdout.write(
      `Plan for ${fileAtCommit(spec, head.sha)} (pull request #${pr}${head.state !== 'open' ? `, ${head.state}` : ''}):\n`,
    );
    printPlan(pass, { limit: Number(flags.limit ?? 50) });
    process.stdout.write(
      `${r.action === 'created' ? green('Commented') : r.action === 'updated' ? yellow('Updated the comment') : 'Comment unchanged'} on pull request #${pr}${r.url ? `: ${r.url}` : ''}\n`,
    );
  }
  return flags.detailedExitcode && pass.actions.length > 0 ? 2 : 0;
}
