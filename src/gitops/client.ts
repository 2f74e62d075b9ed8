// The GitHub REST client (octokit): token from GITHUB_TOKEN, API base from GITHUB_API_URL (GitHub Enterprise,
// tests), a time limit on every request, and octokit's own logging silenced (it would print every 304 as an
// error; cratesync reports what matters itself). The token is handed to octokit and never logged.

import { Octokit } from '@octokit/rest';

export type GitHub = Octokit;

export const DEFAULT_API_URL = 'https://api.github.com';
const DEFAULT_TIMEOUT_MS = 20_000;

export interface GitHubClientOptions {
  token?: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** The clock messages are written with ("resets in 10 min"); tests set it. */
  now?: () => number;
}

export interface GitHubClient {
  gh: GitHub;
  baseUrl: string;
  hasToken: boolean;
  now: () => number;
}

export function createGitHubClient(opts: GitHubClientOptions = {}): GitHubClient {
  const baseUrl = (opts.baseUrl?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const token = opts.token?.trim() || undefined;
  const silent = () => {};
  const gh = new Octokit({
    ...(token ? { auth: token } : {}),
    baseUrl,
    userAgent: 'cratesync',
    log: { debug: silent, info: silent, warn: silent, error: silent },
    request: {
      fetch: (url: string | URL, init: RequestInit = {}) => {
        const limit = AbortSignal.timeout(timeoutMs);
        const signal = init.signal ? AbortSignal.any([init.signal, limit]) : limit;
        return globalThis.fetch(url, { ...init, signal });
      },
    },
  });
  return { gh, baseUrl, hasToken: token !== undefined, now: opts.now ?? Date.now };
}

/** The client the CLI uses: GITHUB_TOKEN and GITHUB_API_URL from the environment. */
export function gitHubClientFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubClient {
  return createGitHubClient({ token: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL });
}
