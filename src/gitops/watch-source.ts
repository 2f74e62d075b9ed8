// library.yaml on GitHub as the watcher's config source (`cratesync watch --from github:...`, or
// `source.git` in a bootstrap file). It reads the ref once at start (waiting out a GitHub that cannot be
// reached yet), then polls it with conditional requests (poller.ts: an unchanged ref is a 304, free of rate
// limit) and tells the watcher about every new commit, once:
// - a new commit whose file loads → `onCommit`: the watcher's loop gets CONFIG_CHANGED and applies it;
// - a new commit whose file is invalid → `onCommit` too (the loop parks in `invalid` with the errors, nothing
//   is applied) and the commit gets the status `failure` with its first error;
// - GitHub cannot be read (no network, 5xx, 401, 404, rate limit) → nothing reaches the loop: the library in
//   force stays and keeps being reconciled; the failure is in `status()` until a read succeeds, and after a
//   rate limit the next read waits for the reset.
// It also posts the commit statuses of the runs (pending → success/failure), in order, without holding up
// the runs: a status is a courtesy, a GitHub that cannot take it is a warning.

import type { ConfigSourceStatus } from '../api/port.ts';
import { ConfigError, type ConfigIssue, describeConfigError } from '../errors.ts';
import type { DesiredState, Logger } from '../types.ts';
import type { GitHubClient } from './client.ts';
import { type CommitStatusReporter, clip, commitStatusReporter, DESCRIPTION_LIMIT } from './commit-status.ts';
import { oneLine } from './errors.ts';
import { loadGitHubLibrary } from './library.ts';
import { createGitHubPoller, type GitHubPoller, type PollResult } from './poller.ts';
import { fileAtCommit, type GitHubFileSpec, shortSha } from './spec.ts';

export const DEFAULT_GIT_INTERVAL_MS = 60_000;
const DEFAULT_START_RETRY_MS = 5_000;
const MAX_START_RETRY_MS = 60_000;
/** How long stop() waits for commit statuses still being posted, and for a read in flight. */
const FLUSH_LIMIT_MS = 3_000;
const CLOSE_LIMIT_MS = 1_000;

export interface GitHubWatchOptions {
  client: GitHubClient;
  spec: GitHubFileSpec;
  /** The local folder the fetched file's relative paths resolve against (`--root`, the bootstrap's root). */
  rootDir: string;
  /** Between two reads of the ref. Default 1 min. */
  intervalMs?: number;
  /** The link of the commit statuses. */
  dashboardUrl?: string;
  /** First wait before trying again when GitHub cannot be read at start (doubles up to 1 min). Default 5 s. */
  startRetryMs?: number;
}

/** The newest commit seen at the ref: its library, or why it was refused. */
export interface GitCommit {
  sha: string;
  text: string;
  desired?: DesiredState;
  /** Every issue as FILE:LINE:COL: message, as the loop shows it. */
  error?: string;
}

export interface GitHubSource {
  /** `github:OWNER/REPO/PATH@REF`. */
  readonly source: string;
  readonly spec: GitHubFileSpec;
  /**
   * The first read: the commit the ref points at and its library. Waits and tries again while GitHub cannot
   * be reached (network, 5xx, rate limit); throws GitHubError for a 404 or 401 and ConfigError for an
   * invalid file: without a library there is nothing to lock.
   */
  first(signal?: AbortSignal): Promise<Required<Pick<GitCommit, 'sha' | 'text' | 'desired'>>>;
  /** Starts polling. `root` is the library root the watcher holds: a commit that moves it is refused. */
  follow(opts: { root: string; onCommit: (commit: GitCommit) => void; onStatus?: () => void }): void;
  /** The newest commit seen (good or refused). */
  latest(): GitCommit | undefined;
  /** What `/api/status` shows; `commit` is the one in force (the watcher knows which). */
  status(inForce?: string): ConfigSourceStatus;
  /** A run of `sha` starts: `pending`, unless this commit already has a status from an earlier run. */
  runStarted(sha: string): void;
  /** A run of `sha` ended: its final status, posted when it differs from the one the commit has. */
  runFinished(sha: string, ok: boolean, description: string): void;
  /** Stops polling (a read in flight is awaited). */
  close(): Promise<void>;
  /** Waits (a little) for the commit statuses still being posted. */
  flush(): Promise<void>;
}

const TRANSIENT = new Set(['network', 'server', 'rate-limited']);

export function createGitHubSource(
  opts: GitHubWatchOptions,
  deps: { log: Logger; now?: () => number },
): GitHubSource {
  const { spec, client, log } = { ...opts, ...deps };
  const now = deps.now ?? Date.now;
  const intervalMs = opts.intervalMs ?? DEFAULT_GIT_INTERVAL_MS;
  const iso = (ms: number) => new Date(ms).toISOString();

  let lockedRoot: string | undefined;
  // What `check` made of each commit it was shown (the poller calls it once per new commit).
  const loaded = new Map<string, DesiredState>();
  const refused = new Map<string, { error: string; first: string; err: unknown }>();
  const check = (text: string, sha: string) => {
    try {
      const desired = loadGitHubLibrary(text, spec, sha, opts.rootDir);
      if (lockedRoot !== undefined && desired.root !== lockedRoot)
        throw new ConfigError(
          `${fileAtCommit(spec, sha)}: root is now ${desired.root}, but this watcher holds the lock of ${lockedRoot}; restart cratesync watch to switch libraries`,
        );
      loaded.set(sha, desired);
    } catch (err) {
      const issue = err instanceof ConfigError ? err.issues[0] : undefined;
      refused.set(sha, {
        err,
        error: describeConfigError(err),
        first: issue ? issueLine(spec, issue) : oneLine((err as Error).message ?? String(err)),
      });
      throw err;
    }
  };
  const poller: GitHubPoller = createGitHubPoller({ client, spec, check });

  let latest: GitCommit | undefined;
  let checkedAt: number | undefined;
  let nextCheckAt: number | undefined;
  let failure: { message: string; kind: string; since: number; resetAt?: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const commitOf = (sha: string, text: string): GitCommit => {
    const desired = loaded.get(sha);
    const bad = refused.get(sha);
    return { sha, text, ...(desired ? { desired } : {}), ...(bad ? { error: bad.error } : {}) };
  };

  // ------------------------------------------------------------------------------------ commit statuses
  const reporters = new Map<string, CommitStatusReporter>();
  const reporter = (sha: string) => {
    let r = reporters.get(sha);
    if (!r) {
      reporters.clear(); // one commit at a time is enough
      r = commitStatusReporter({
        client,
        spec,
        sha,
        log,
        ...(opts.dashboardUrl ? { targetUrl: opts.dashboardUrl } : {}),
      });
      reporters.set(sha, r);
    }
    return r;
  };
  // The state each commit was last given, so that later runs of the same commit (the poll, a request)
  // post again only when the outcome changes. GitHub keeps at most 1000 statuses per commit and context.
  let posted: { sha: string; state: string } | undefined;
  let posting: Promise<unknown> = Promise.resolve();
  const post = (sha: string, state: 'pending' | 'success' | 'failure', description: string) => {
    posted = { sha, state };
    const r = reporter(sha);
    posting = posting
      .then(() => (state === 'pending' ? r.pending(description) : r.finish(state, description)))
      .catch(() => undefined);
  };

  // ---------------------------------------------------------------------------------------------- polls
  const note = (r: PollResult) => {
    if (r.ok || r.kind === 'invalid-file') {
      if (failure) log.info(`GitHub can be read again (${spec.owner}/${spec.repo})`);
      failure = undefined;
      checkedAt = now();
      return;
    }
    const resetAt = r.resetAt;
    if (failure?.message !== r.error) {
      // Once per distinct failure, not once a minute.
      if (failure?.kind !== r.kind)
        log.warn(`${r.error}; the library in force stays and is still reconciled`);
      failure = {
        message: r.error,
        kind: r.kind,
        since: failure?.kind === r.kind ? failure.since : now(),
        ...(resetAt !== undefined ? { resetAt } : {}),
      };
    }
  };

  const first: GitHubSource['first'] = async (signal) => {
    let wait = opts.startRetryMs ?? DEFAULT_START_RETRY_MS;
    for (;;) {
      const r = await poller.poll();
      if (r.ok) {
        note(r);
        latest = commitOf(r.sha, r.text);
        return { sha: r.sha, text: r.text, desired: latest.desired! };
      }
      if (r.kind === 'invalid-file') {
        // check() threw the ConfigError (every issue as FILE:LINE:COL): the CLI shows it as it is.
        const bad = refused.get(r.sha ?? '');
        throw bad?.err instanceof ConfigError ? bad.err : new ConfigError(bad?.error ?? r.error);
      }
      if (!TRANSIENT.has(r.kind)) throw new ConfigError(r.error);
      const until = r.resetAt !== undefined ? Math.max(wait, r.resetAt - now() + 1000) : wait;
      log.warn(`${r.error}; trying again in ${Math.ceil(until / 1000)} s`);
      await delay(until, signal);
      wait = Math.min(wait * 2, MAX_START_RETRY_MS);
    }
  };

  const pollOnce = async (onCommit: (c: GitCommit) => void) => {
    const r = await poller.poll();
    // A read that outlived close() tells nobody: the loop is stopping.
    if (closed) return;
    note(r);
    if (r.ok) {
      if (r.changed) {
        latest = commitOf(r.sha, r.text);
        log.info(`${fileAtCommit(spec, r.sha)} is the new head of ${spec.ref ?? 'the default branch'}`);
        onCommit(latest);
      }
      return;
    }
    if (r.kind === 'invalid-file' && r.sha !== undefined && r.sha !== latest?.sha) {
      // A new commit whose file is refused: once, however often it is polled again. Its text is not
      // kept: nothing is ever applied from it.
      latest = commitOf(r.sha, '');
      const bad = refused.get(r.sha);
      log.error(`${fileAtCommit(spec, r.sha)} is invalid and not applied: ${bad?.first ?? r.error}`);
      post(r.sha, 'failure', `invalid ${bad?.first ?? r.error}`);
      onCommit(latest);
    }
  };

  const api: GitHubSource = {
    source: poller.source,
    spec,
    first,
    follow({ root, onCommit, onStatus }) {
      lockedRoot = root;
      let lastShown = '';
      const shown = () => {
        const s = JSON.stringify({ ...api.status(), checkedAt: undefined, nextCheckAt: undefined });
        if (s !== lastShown) {
          lastShown = s;
          onStatus?.();
        }
      };
      const schedule = () => {
        if (closed) return;
        // After a rate limit, the next read waits for the reset: reads before it would be refused too.
        const resetIn = failure?.resetAt !== undefined ? failure.resetAt - now() + 1000 : 0;
        const ms = Math.max(intervalMs, resetIn);
        nextCheckAt = now() + ms;
        timer = setTimeout(() => {
          timer = undefined;
          inFlight = pollOnce(onCommit)
            .catch((err) => log.warn(`reading ${poller.source}: ${(err as Error).message}`))
            .finally(() => {
              inFlight = undefined;
              if (closed) return;
              shown();
              schedule();
            });
        }, ms);
        timer.unref?.();
      };
      shown();
      schedule();
    },
    latest: () => latest,
    status(inForce) {
      const rejected = latest?.error !== undefined ? refused.get(latest.sha) : undefined;
      return {
        source: poller.source,
        ...(inForce !== undefined ? { commit: inForce } : {}),
        ...(rejected && latest ? { rejected: { commit: latest.sha, error: rejected.first } } : {}),
        ...(checkedAt !== undefined ? { checkedAt: iso(checkedAt) } : {}),
        ...(nextCheckAt !== undefined && !closed ? { nextCheckAt: iso(nextCheckAt) } : {}),
        ...(failure
          ? {
              error: {
                message: failure.message,
                kind: failure.kind,
                since: iso(failure.since),
                ...(failure.resetAt !== undefined ? { resetAt: iso(failure.resetAt) } : {}),
              },
            }
          : {}),
      };
    },
    runStarted(sha) {
      if (posted?.sha === sha) return;
      post(sha, 'pending', `reconciling ${spec.path} at ${shortSha(sha)}`);
    },
    runFinished(sha, ok, description) {
      const state = ok ? 'success' : 'failure';
      if (posted?.sha === sha && posted.state === state) return;
      post(sha, state, description);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      // A GitHub that does not answer must not hold up a stop (its requests time out on their own).
      await within(inFlight, CLOSE_LIMIT_MS);
    },
    flush: () => within(posting, FLUSH_LIMIT_MS),
  };
  return api;
}

/** `PATH:LINE:COL: message`, short enough for a 140-character status. */
function issueLine(spec: GitHubFileSpec, i: ConfigIssue): string {
  return clip(`${spec.path}:${i.line}:${i.col}: ${i.message}`, DESCRIPTION_LIMIT);
}

/** Waits for `p`, but no longer than `ms`. */
async function within(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (p === undefined) return;
  let limit: NodeJS.Timeout | undefined;
  await Promise.race([
    p.catch(() => undefined),
    new Promise((resolve) => {
      limit = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(limit);
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
