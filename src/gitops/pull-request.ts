// Pull request plumbing for the plan preview: the head commit of a PR, and the one comment cratesync keeps
// on it, found again by its hidden marker and edited in place (never a second one).

import type { GitHubClient } from './client.ts';
import { GitHubError, toGitHubError } from './errors.ts';
import type { GitHubFileSpec } from './spec.ts';

export interface PullRequestHead {
  number: number;
  sha: string;
  state: string;
  title: string;
}

export async function pullRequestHead(
  client: GitHubClient,
  spec: GitHubFileSpec,
  pr: number,
): Promise<PullRequestHead> {
  try {
    const { data } = await client.gh.rest.pulls.get({ owner: spec.owner, repo: spec.repo, pull_number: pr });
    const sha = data.head?.sha;
    if (typeof sha !== 'string' || sha === '')
      throw new GitHubError(`GitHub answered pull request #${pr} without a head commit`, 'invalid');
    return { number: pr, sha, state: data.state, title: data.title };
  } catch (err) {
    throw toGitHubError(err, `pull request #${pr} in ${spec.owner}/${spec.repo}`, client);
  }
}

export interface CommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url?: string;
}

/** Creates the comment, or edits the existing one that carries `marker`. */
export async function upsertComment(
  client: GitHubClient,
  spec: GitHubFileSpec,
  pr: number,
  marker: string,
  body: string,
): Promise<CommentResult> {
  const base = { owner: spec.owner, repo: spec.repo };
  let comments: { id: number; body?: string | null; html_url?: string }[];
  try {
    comments = await client.gh.paginate(client.gh.rest.issues.listComments, {
      ...base,
      issue_number: pr,
      per_page: 100,
    });
  } catch (err) {
    throw toGitHubError(err, `the comments of pull request #${pr} in ${spec.owner}/${spec.repo}`, client);
  }
  const mine = comments.find((c) => (c.body ?? '').trimStart().startsWith(marker));
  try {
    if (mine) {
      if (mine.body === body) return { action: 'unchanged', id: mine.id, ...url(mine.html_url) };
      const { data } = await client.gh.rest.issues.updateComment({ ...base, comment_id: mine.id, body });
      return { action: 'updated', id: data.id, ...url(data.html_url) };
    }
    const { data } = await client.gh.rest.issues.createComment({ ...base, issue_number: pr, body });
    return { action: 'created', id: data.id, ...url(data.html_url) };
  } catch (err) {
    throw toGitHubError(err, `the plan comment on pull request #${pr} in ${spec.owner}/${spec.repo}`, client);
  }
}

const url = (u: string | undefined): { url?: string } => (u ? { url: u } : {});
