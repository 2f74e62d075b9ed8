// Following a library.yaml on GitHub (for `cratesync watch`, and one-shot for plan and reconcile).
//
// The poller keeps the ETags of its last answers, so an unchanged ref costs one conditional request that
// GitHub answers 304 (free of rate limit), and it keeps the last good revision: when GitHub cannot be read
// (no network, bad token, rate limit) or the new commit's file is refused by `check`, the poll reports the
// failure and hands back the last good text, so the caller goes on applying the library it has.
// A new commit is reported `changed` once: later polls of the same commit are not changes.

import type { GitHubClient } from './client.ts';
import { type GitHubError, toGitHubError } from './errors.ts';
import { readFileAt, resolveCommit } from './read.ts';
import { fileAtCommit, formatGitHubSpec, type GitHubFileSpec } from './spec.ts';

export interface Revision {
  sha: string;
  text: string;
}

export type PollResult =
  | {
      ok: true;
      /** A commit not seen before (its file may or may not differ from the last one). */
      changed: boolean;
      /** The file's text differs from the last good revision's (always true on the first poll). */
      textChanged: boolean;
      sha: string;
      text: string;
    }
  | {
      ok: false;
      changed: false;
      /** One line: why this poll failed. */
      error: string;
      kind: GitHubError['kind'] | 'invalid-file';
      /** When GitHub's rate limit resets (epoch ms), for a caller that schedules the next poll. */
      resetAt?: number;
      /** The commit whose file `check` refused, for an invalid file. */
      sha?: string;
      /** The last good revision, which stays in force; undefined until one was read. */
      last?: Revision;
    };

export interface PollerOptions {
  client: GitHubClient;
  spec: GitHubFileSpec;
  /** Throws when the text is not acceptable (e.g. library.yaml does not validate): it then never becomes the last good revision. */
  check?: (text: string, sha: string) => void;
}

export interface GitHubPoller {
  readonly spec: GitHubFileSpec;
  /** `github:OWNER/REPO/PATH@REF`, as recorded in sync_events. */
  readonly source: string;
  poll(): Promise<PollResult>;
  /** The revision in force. */
  readonly last: Revision | undefined;
  /** The last failure, until a poll succeeds again. */
  readonly lastError: { message: string; at: number } | undefined;
  /** Requests made, and how many of them GitHub answered 304. */
  readonly stats: { requests: number; notModified: number };
}

export function createGitHubPoller(opts: PollerOptions): GitHubPoller {
  const { client, spec } = opts;
  const now = client.now;
  let last: Revision | undefined;
  let lastError: { message: string; at: number } | undefined;
  // The commit the ref pointed at when last read in full, with the ETag of that answer.
  let head: { sha: string; etag?: string; refused?: { error: string } } | undefined;
  // The last content fetched (good or not) and its ETag.
  let content: { text: string; etag?: string } | undefined;
  const stats = { requests: 0, notModified: 0 };

  const fail = (r: Omit<Extract<PollResult, { ok: false }>, 'ok' | 'changed' | 'last'>): PollResult => {
    lastError = { message: r.error, at: now() };
    return { ok: false, changed: false, ...r, ...(last ? { last } : {}) };
  };

  async function poll(): Promise<PollResult> {
    try {
      stats.requests++;
      const commit = await resolveCommit(client, spec, head?.etag);
      if (commit.notModified) stats.notModified++;
      if (commit.notModified && head === undefined) throw new Error('GitHub answered 304 to a plain request');
      const sha = commit.notModified ? head!.sha : commit.sha;
      if (sha === head?.sha) {
        if (!commit.notModified) head.etag = commit.etag;
        if (head.refused) return fail({ error: head.refused.error, kind: 'invalid-file', sha });
        lastError = undefined;
        return { ok: true, changed: false, textChanged: false, sha, text: last!.text };
      }
      stats.requests++;
      const file = await readFileAt(client, spec, sha, content?.etag);
      if (file.notModified) stats.notModified++;
      const text = file.notModified ? content!.text : file.text;
      if (!file.notModified) content = { text, ...(file.etag ? { etag: file.etag } : {}) };
      const etag = commit.notModified ? undefined : commit.etag;
      try {
        opts.check?.(text, sha);
      } catch (err) {
        const error = `${fileAtCommit(spec, sha)} is not applied: ${(err as Error).message.split('\n')[0]}`;
        head = { sha, ...(etag ? { etag } : {}), refused: { error } };
        return fail({ error, kind: 'invalid-file', sha });
      }
      head = { sha, ...(etag ? { etag } : {}) };
      const textChanged = last?.text !== text;
      last = { sha, text };
      lastError = undefined;
      return { ok: true, changed: true, textChanged, sha, text };
    } catch (err) {
      const e = toGitHubError(err, formatGitHubSpec(spec), client);
      return fail({
        error: last ? `${e.message} (keeping ${fileAtCommit(spec, last.sha)})` : e.message,
        kind: e.kind,
        ...(e.resetAt !== undefined ? { resetAt: e.resetAt } : {}),
      });
    }
  }

  return {
    spec,
    source: formatGitHubSpec(spec),
    poll,
    get last() {
      return last;
    },
    get lastError() {
      return lastError;
    },
    stats,
  };
}

/** One read: the sha the ref points at and the file's text there. Throws GitHubError. */
export async function fetchGitHubFile(client: GitHubClient, spec: GitHubFileSpec): Promise<Revision> {
  const commit = await resolveCommit(client, spec);
  if (commit.notModified) throw new Error('unexpected 304 without a conditional request');
  const file = await readFileAt(client, spec, commit.sha);
  if (file.notModified) throw new Error('unexpected 304 without a conditional request');
  return { sha: commit.sha, text: file.text };
}
