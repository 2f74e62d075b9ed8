// The commit status `cratesync/reconcile` on the commit a run applies: pending when the run starts, success
// or failure with a one-line summary when it ends, linking to the dashboard when one is configured.
// Posting a status is a courtesy: a failure to post is a warning, never a failed run.

import type { RunSummary } from '../controller/summary.ts';
import type { Logger } from '../types.ts';
import type { GitHubClient } from './client.ts';
import { oneLine, toGitHubError } from './errors.ts';
import type { GitHubFileSpec } from './spec.ts';

export const STATUS_CONTEXT = 'cratesync/reconcile';
/** GitHub refuses longer descriptions. */
export const DESCRIPTION_LIMIT = 140;

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatusReporter {
  pending(description?: string): Promise<boolean>;
  finish(state: Exclude<CommitState, 'pending'>, description: string): Promise<boolean>;
}

export interface CommitStatusOptions {
  client: GitHubClient;
  spec: GitHubFileSpec;
  sha: string;
  /** The dashboard URL, shown as the status's link. */
  targetUrl?: string;
  log: Pick<Logger, 'warn'>;
}

export function commitStatusReporter(opts: CommitStatusOptions): CommitStatusReporter {
  const { client, spec, sha } = opts;
  let warnedNoToken = false;
  const post = async (state: CommitState, description: string): Promise<boolean> => {
    if (!client.hasToken) {
      if (!warnedNoToken) opts.log.warn('GITHUB_TOKEN is not set: no commit status is posted');
      warnedNoToken = true;
      return false;
    }
    try {
      await client.gh.rest.repos.createCommitStatus({
        owner: spec.owner,
        repo: spec.repo,
        sha,
        state,
        context: STATUS_CONTEXT,
        description: clip(description, DESCRIPTION_LIMIT),
        ...(opts.targetUrl ? { target_url: opts.targetUrl } : {}),
      });
      return true;
    } catch (err) {
      const e = toGitHubError(
        err,
        `a commit status on ${spec.owner}/${spec.repo}@${sha.slice(0, 7)}`,
        client,
      );
      opts.log.warn(`could not post the commit status (${state}): ${e.message}`);
      return false;
    }
  };
  return {
    pending: (description = 'cratesync is reconciling this commit') => post('pending', description),
    finish: (state, description) => post(state, description),
  };
}

/** The one-line description of a finished run. */
export function runDescription(status: 'completed' | 'failed', s: RunSummary, error?: string): string {
  if (status === 'failed') {
    const why = error ?? s.errors[0] ?? 'the run failed';
    return clip(
      `failed: ${s.failed > 0 ? `${s.failed} action(s) failed; ` : ''}${oneLine(why)}`,
      DESCRIPTION_LIMIT,
    );
  }
  const done: string[] = [];
  if (s.downloads) done.push(`${s.downloads} downloaded`);
  if (s.linksCreated + s.relinks) done.push(`${s.linksCreated + s.relinks} linked`);
  if (s.moves) done.push(`${s.moves} moved`);
  if (s.removed) done.push(`${s.removed} removed`);
  if (s.playlistFiles + s.exportsWritten) done.push(`${s.playlistFiles + s.exportsWritten} files written`);
  if (s.remoteWrites) done.push(`${s.remoteWrites} TIDAL writes`);
  const library = `${s.playlists} playlists, ${s.tracks} tracks`;
  const head = done.length > 0 ? `applied: ${done.join(', ')}` : 'in sync, nothing to change';
  const tail =
    s.failed > 0
      ? `; ${s.failed} failed, retried later`
      : s.remaining > 0
        ? `; ${s.remaining} left for the next run`
        : '';
  return clip(`${head} (${library})${tail}`, DESCRIPTION_LIMIT);
}

export function clip(text: string, limit: number): string {
  const t = oneLine(text);
  const chars = Array.from(t);
  return chars.length <= limit ? t : `${chars.slice(0, limit - 1).join('')}…`;
}
