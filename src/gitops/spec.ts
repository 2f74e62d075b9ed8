// `github:OWNER/REPO/PATH@REF`: where a library.yaml lives on GitHub. REF (a branch, tag or commit sha) is
// optional: without it the repository's default branch is meant. PATH may hold slashes; the last `@`
// starts REF.

import { ConfigError } from '../errors.ts';

export interface GitHubFileSpec {
  owner: string;
  repo: string;
  /** Path of the file inside the repository, without a leading slash. */
  path: string;
  /** Branch, tag or sha; undefined for the default branch. */
  ref?: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

export const FORMAT = 'github:OWNER/REPO/PATH@REF';

/**
 * Throws ConfigError with the expected form when `text` is not a GitHub file reference; `what` names where
 * the text came from (`--from`, `source.git`).
 */
export function parseGitHubSpec(text: string, what = '--from'): GitHubFileSpec {
  const fail = (why: string): never => {
    throw new ConfigError(
      `${what} ${JSON.stringify(text)}: ${why}; expected ${FORMAT} (e.g. github:me/crates/library.yaml@main)`,
    );
  };
  if (!text.startsWith('github:')) fail('only GitHub is supported');
  let rest = text.slice('github:'.length);
  let ref: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    ref = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (ref === '' || /[\s~^:?*[\\]|\.\.|@\{/.test(ref)) fail(`"${ref}" is not a valid ref`);
  }
  const [owner, repo, ...segments] = rest.split('/');
  if (owner === undefined || !OWNER.test(owner)) fail('the owner is missing or invalid');
  if (repo === undefined || !REPO.test(repo) || repo === '.' || repo === '..')
    fail('the repository is missing or invalid');
  const path = segments.join('/');
  if (path === '' || segments.some((s) => s === '' || s === '.' || s === '..'))
    fail('the path of the file in the repository is missing or invalid');
  return { owner: owner!, repo: repo!, path, ...(ref !== undefined ? { ref } : {}) };
}

/** The canonical text of a spec, as recorded in sync_events.config_source. */
export function formatGitHubSpec(spec: GitHubFileSpec): string {
  return `github:${spec.owner}/${spec.repo}/${spec.path}${spec.ref !== undefined ? `@${spec.ref}` : ''}`;
}

/** `OWNER/REPO/PATH@abc1234`: how messages name the file at one commit. */
export function fileAtCommit(spec: GitHubFileSpec, sha: string): string {
  return `${spec.owner}/${spec.repo}/${spec.path}@${shortSha(sha)}`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
