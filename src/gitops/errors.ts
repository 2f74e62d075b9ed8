// GitHub failures as one clear line each: not found, bad token, rate limit (with the time it resets), no
// network. Nothing here retries: the caller decides when to try again (the watcher's next poll).

export type GitHubErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'network'
  | 'server'
  | 'invalid';

export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
    readonly status?: number,
    /** When a rate limit resets (epoch ms). */
    readonly resetAt?: number,
  ) {
    super(message);
  }
}

/** What the messages need to know of the client. */
export interface ErrorContext {
  baseUrl: string;
  hasToken: boolean;
  now?: () => number;
}

/**
 * Any error from an octokit call → GitHubError with a one-line message. `what` names what was asked for,
 * e.g. `library.yaml in me/crates at 1a2b3c4`. GitHubErrors pass through.
 */
export function toGitHubError(err: unknown, what: string, client: ErrorContext): GitHubError {
  if (err instanceof GitHubError) return err;
  const ctx = { ...client, what };
  const now = client.now ?? Date.now;
  const http = asHttpError(err);
  if (http === undefined) {
    const e = err as Error & { name?: string };
    const why = e?.name === 'TimeoutError' ? 'no answer in time' : oneLine(e?.message ?? String(err));
    return new GitHubError(`cannot reach GitHub at ${ctx.baseUrl}: ${why}`, 'network');
  }
  const { status, headers } = http;
  const said = apiMessage(http.data);
  if (
    (status === 403 || status === 429) &&
    (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'])
  ) {
    return rateLimited(status, headers, ctx, now());
  }
  if (status === 401) {
    return new GitHubError(
      ctx.hasToken
        ? `GitHub rejected the token (401${said ? ` ${said}` : ''}): check GITHUB_TOKEN`
        : `GitHub asks for a token (401) to read ${ctx.what}: set GITHUB_TOKEN`,
      'unauthorized',
      401,
    );
  }
  if (status === 404) {
    return new GitHubError(
      `GitHub: ${ctx.what} not found (404); check the owner, repository, path and ref${ctx.hasToken ? ', and that GITHUB_TOKEN may read the repository' : ' (a private repository needs GITHUB_TOKEN)'}`,
      'not-found',
      404,
    );
  }
  if (status === 422) {
    return new GitHubError(`GitHub: ${ctx.what}: ${said || 'unprocessable (422)'}`, 'not-found', 422);
  }
  if (status === 403) {
    return new GitHubError(
      `GitHub refused access to ${ctx.what} (403${said ? `: ${said}` : ''}); the token may lack a scope (contents: read, statuses: write, pull requests: write)`,
      'forbidden',
      403,
    );
  }
  return new GitHubError(
    `GitHub answered ${status} for ${ctx.what}${said ? `: ${said}` : ''}; try again later`,
    'server',
    status,
  );
}

function rateLimited(
  status: number,
  headers: Record<string, string | undefined>,
  ctx: ErrorContext & { what: string },
  now: number,
): GitHubError {
  const retryAfter = Number(headers['retry-after']);
  const reset = Number(headers['x-ratelimit-reset']);
  let resetAt: number | undefined;
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) resetAt = reset * 1000;
  else if (Number.isFinite(retryAfter) && retryAfter >= 0) resetAt = now + retryAfter * 1000;
  const limit = headers['x-ratelimit-limit'];
  const when =
    resetAt === undefined
      ? 'try again later'
      : `it resets at ${new Date(resetAt).toISOString().replace('.000Z', 'Z')} (${inWords(resetAt - now)})`;
  const hint = ctx.hasToken ? '' : '; set GITHUB_TOKEN for a higher limit';
  return new GitHubError(
    `GitHub API rate limit exceeded${limit ? ` (${limit} requests an hour)` : ''} reading ${ctx.what}: ${when}${hint}`,
    'rate-limited',
    status,
    resetAt,
  );
}

interface HttpFailure {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

/** Octokit's RequestError (name "HttpError") that carries an answer; undefined for network failures. */
export function asHttpError(err: unknown): HttpFailure | undefined {
  const e = err as { name?: string; status?: unknown; response?: { headers?: unknown; data?: unknown } };
  if (e?.name !== 'HttpError' || typeof e.status !== 'number' || e.response === undefined) return undefined;
  return {
    status: e.status,
    headers: (e.response.headers ?? {}) as Record<string, string | undefined>,
    data: e.response.data,
  };
}

function inWords(ms: number): string {
  if (ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `in ${s} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `in ${m} min` : `in ${(m / 60).toFixed(1)} h`;
}

function apiMessage(data: unknown): string {
  if (data && typeof data === 'object' && 'message' in data) return oneLine(String(data.message));
  return typeof data === 'string' ? oneLine(data).slice(0, 200) : '';
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
