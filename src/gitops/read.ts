// Reading a file from GitHub at one commit, in two steps that make polling cheap and race-free:
// 1. the commit the ref points at, as a bare sha (`Accept: application/vnd.github.sha`), sent with the last
//    ETag: an unchanged ref answers 304, which costs no rate limit;
// 2. the file's content at that sha (immutable), with `repos.getContent` in raw form (base64 JSON is
//    understood too), again with the last ETag so a new commit that left the file alone costs nothing.

import type { GitHubClient } from './client.ts';
import { asHttpError, GitHubError, toGitHubError } from './errors.ts';
import type { GitHubFileSpec } from './spec.ts';

export type Conditional<T> = ({ notModified: false; etag?: string } & T) | { notModified: true };

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The sha `spec.ref` (or the default branch) points at. */
export async function resolveCommit(
  client: GitHubClient,
  spec: GitHubFileSpec,
  etag?: string,
): Promise<Conditional<{ sha: string }>> {
  const ref = spec.ref ?? 'HEAD';
  try {
    const res = await client.gh.rest.repos.getCommit({
      owner: spec.owner,
      repo: spec.repo,
      ref,
      headers: { accept: 'application/vnd.github.sha', ...(etag ? { 'if-none-match': etag } : {}) },
    });
    const sha = bodyText(res.data).trim();
    if (!SHA.test(sha)) {
      // A server that ignored the sha media type answers the commit as JSON.
      const json = (res.data as { sha?: unknown }).sha;
      if (typeof json !== 'string' || !SHA.test(json))
        throw new GitHubError(
          `GitHub answered no commit sha for ${spec.ref ?? 'the default branch'}`,
          'invalid',
        );
      return { notModified: false, sha: json, ...etagOf(res.headers) };
    }
    return { notModified: false, sha, ...etagOf(res.headers) };
  } catch (err) {
    if (asHttpError(err)?.status === 304) return { notModified: true };
    const what =
      asHttpError(err)?.status === 422
        ? `ref "${ref}" in ${spec.owner}/${spec.repo}`
        : `repository ${spec.owner}/${spec.repo}${spec.ref ? ` or its ref "${spec.ref}"` : ''}`;
    throw toGitHubError(err, what, client);
  }
}

/** The text of `spec.path` at `sha`. */
export async function readFileAt(
  client: GitHubClient,
  spec: GitHubFileSpec,
  sha: string,
  etag?: string,
): Promise<Conditional<{ text: string }>> {
  const what = `${spec.path} in ${spec.owner}/${spec.repo} at ${sha.slice(0, 7)}`;
  try {
    // repos.getContent's endpoint, with the path's slashes kept: `{path}` would send them as %2F, which
    // GitHub answers 404 for some tokens (fine-grained ones). Each segment is still percent-encoded.
    const res = await client.gh.request('GET /repos/{owner}/{repo}/contents/{+path}', {
      owner: spec.owner,
      repo: spec.repo,
      path: spec.path.split('/').map(encodeURIComponent).join('/'),
      ref: sha,
      mediaType: { format: 'raw' },
      ...(etag ? { headers: { 'if-none-match': etag } } : {}),
    });
    return { notModified: false, text: contentText(res.data, what), ...etagOf(res.headers) };
  } catch (err) {
    if (asHttpError(err)?.status === 304) return { notModified: true };
    throw toGitHubError(err, what, client);
  }
}

/** Raw text, bytes, or the JSON form ({ type: 'file', encoding: 'base64', content }). */
function contentText(data: unknown, what: string): string {
  if (typeof data === 'string' || data instanceof ArrayBuffer) return bodyText(data);
  if (Array.isArray(data)) throw new GitHubError(`GitHub: ${what} is a folder, not a file`, 'invalid');
  const d = data as { type?: string; encoding?: string; content?: string };
  if (d?.type !== undefined && d.type !== 'file')
    throw new GitHubError(`GitHub: ${what} is a ${d.type}, not a file`, 'invalid');
  if (typeof d?.content === 'string' && d.encoding === 'base64')
    return Buffer.from(d.content.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (typeof d?.content === 'string' && (d.encoding === 'utf-8' || d.encoding === 'utf8')) return d.content;
  throw new GitHubError(
    `GitHub answered ${what} without its content (files over 100 MB cannot be read this way)`,
    'invalid',
  );
}

function bodyText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder('utf-8').decode(data);
  return '';
}

function etagOf(headers: Record<string, unknown>): { etag?: string } {
  const etag = headers.etag;
  return typeof etag === 'string' && etag !== '' ? { etag } : {};
}
