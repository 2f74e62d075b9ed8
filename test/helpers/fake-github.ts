// A fake GitHub REST API on a real node:http server at 127.0.0.1, for the GitOps tests: repositories with
// branches and commits of files, pull requests, issue comments and commit statuses. It answers what octokit
// asks for cratesync: a ref's sha (`Accept: application/vnd.github.sha`) and a file's content (raw, or the
// base64 JSON form), both with ETags and 304 to a matching If-None-Match; 404 for an unknown repository,
// ref or path; 401 for a wrong token; and scripted faults (a rate-limit 403 with x-ratelimit-reset, a 500,
// a dropped connection), or no server at all for a while (offline/online keep the port and the repositories).
// Every request is logged with its answer's status so tests can count them.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface FakeStatus {
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  ifNoneMatch?: string;
  accept?: string;
}

export type Fault =
  | { kind: 'rate-limit'; resetEpochSeconds: number }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'drop' };

interface Repo {
  defaultBranch: string;
  branches: Map<string, string>;
  /** sha → files at that commit. */
  commits: Map<string, Map<string, string>>;
  pulls: Map<number, { head: string; state: string; title: string }>;
}

export interface FakeGitHub {
  url: string;
  /** Requests so far. */
  log: LoggedRequest[];
  comments: FakeComment[];
  statuses: FakeStatus[];
  /** The token requests must carry (`token X` or `Bearer X`); undefined accepts anonymous requests too. */
  token: string | undefined;
  /** Serve file content only as base64 JSON, as a server ignoring the raw media type would. */
  jsonContentOnly: boolean;
  /** Commits `files` (merged over the branch's current files unless `replace`) and moves the branch. */
  commit(owner: string, repo: string, files: Record<string, string>, branch?: string): string;
  openPull(owner: string, repo: string, n: number, headSha: string, title?: string): void;
  /** The next matching requests (or the next requests, when `match` is left out) answer with `fault`. */
  fail(fault: Fault, times?: number, match?: RegExp): void;
  /** Forgets the faults not yet used up. */
  clearFaults(): void;
  /** Stops listening (connections refused) until online(); the repositories stay. */
  offline(): Promise<void>;
  /** Listens again on the same port. */
  online(): Promise<void>;
  count(filter?: (r: LoggedRequest) => boolean): number;
  close(): Promise<void>;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const repos = new Map<string, Repo>();
  const log: LoggedRequest[] = [];
  const comments: FakeComment[] = [];
  const statuses: FakeStatus[] = [];
  const faults: { fault: Fault; times: number; match?: RegExp }[] = [];
  let nextCommit = 1;
  let nextComment = 1000;
  let clock = 1;

  const repoOf = (owner: string, name: string): Repo => {
    const key = `${owner}/${name}`;
    let r = repos.get(key);
    if (!r) {
      r = { defaultBranch: 'main', branches: new Map(), commits: new Map(), pulls: new Map() };
      repos.set(key, r);
    }
    return r;
  };

  const state: FakeGitHub = {
    url: '',
    log,
    comments,
    statuses,
    token: undefined,
    jsonContentOnly: false,
    commit(owner, name, files, branch = 'main') {
      const r = repoOf(owner, name);
      const parent = r.branches.get(branch);
      const tree = new Map(parent ? r.commits.get(parent) : undefined);
      for (const [p, text] of Object.entries(files)) tree.set(p, text);
      const sha = createHash('sha1').update(`commit ${nextCommit++} ${owner}/${name}`).digest('hex');
      r.commits.set(sha, tree);
      r.branches.set(branch, sha);
      return sha;
    },
    openPull(owner, name, n, headSha, title = `PR ${n}`) {
      repoOf(owner, name).pulls.set(n, { head: headSha, state: 'open', title });
    },
    fail(fault, times = 1, match) {
      faults.push({ fault, times, ...(match ? { match } : {}) });
    },
    clearFaults() {
      faults.length = 0;
    },
    offline: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    online: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    count(filter) {
      return filter ? log.filter(filter).length : log.length;
    },
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const entry: LoggedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        status: 0,
        ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
        ...(req.headers.accept ? { accept: String(req.headers.accept) } : {}),
      };
      log.push(entry);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        entry.status = status;
        const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
        res.writeHead(status, {
          'content-type':
            typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4999',
          ...headers,
        });
        res.end(status === 304 ? undefined : text);
      };
      const conditional = (etag: string, answer: () => void) => {
        if (req.headers['if-none-match'] === etag) send(304, undefined, { etag });
        else answer();
      };

      const fault = faults.find(
        (f) => f.times > 0 && (!f.match || f.match.test(`${entry.method} ${url.pathname}`)),
      );
      if (fault) {
        fault.times--;
        const f = fault.fault;
        if (f.kind === 'drop') {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        if (f.kind === 'rate-limit') {
          send(
            403,
            {
              message: 'API rate limit exceeded for user ID 1.',
              documentation_url: 'https://docs.github.com/rest',
            },
            { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(f.resetEpochSeconds) },
          );
          return;
        }
        send(f.status, { message: f.message ?? 'Server Error' });
        return;
      }

      if (state.token !== undefined) {
        const auth = String(req.headers.authorization ?? '');
        if (auth !== `token ${state.token}` && auth !== `Bearer ${state.token}`) {
          send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
          return;
        }
      }

      const seg = url.pathname.split('/').slice(1).map(decodeURIComponent);
      const notFound = () =>
        send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      if (seg[0] !== 'repos' || seg.length < 4) return notFound();
      const repo = repos.get(`${seg[1]}/${seg[2]}`);
      if (!repo) return notFound();
      const resolveRef = (ref: string): string | undefined => {
        if (ref === 'HEAD') return repo.branches.get(repo.defaultBranch);
        if (repo.commits.has(ref)) return ref;
        return repo.branches.get(ref.replace(/^refs\/heads\/|^heads\//, ''));
      };
      const method = entry.method;
      const kind = seg[3];

      // GET /repos/o/r/commits/REF
      if (method === 'GET' && kind === 'commits' && seg.length === 5) {
        const sha = resolveRef(seg[4]!);
        if (!sha) return send(422, { message: `No commit found for SHA: ${seg[4]}` });
        const etag = `W/"commit-${sha}"`;
        return conditional(etag, () => {
          if (String(req.headers.accept).includes('application/vnd.github.sha'))
            send(200, sha, { etag, 'content-type': 'application/vnd.github.sha; charset=utf-8' });
          else send(200, { sha, commit: { message: 'fake' } }, { etag });
        });
      }
      // GET /repos/o/r/contents/PATH?ref=
      if (method === 'GET' && kind === 'contents') {
        const path = seg.slice(4).join('/');
        const sha = resolveRef(url.searchParams.get('ref') ?? 'HEAD');
        const text = sha === undefined ? undefined : repo.commits.get(sha)?.get(path);
        if (text === undefined) return notFound();
        const blob = createHash('sha1').update(text).digest('hex');
        const raw = String(req.headers.accept).includes('raw') && !state.jsonContentOnly;
        const etag = `"${raw ? 'raw' : 'json'}-${blob}"`;
        return conditional(etag, () => {
          if (raw) send(200, text, { etag, 'content-type': 'application/vnd.github.raw' });
          else
            send(
              200,
              {
                type: 'file',
                path,
                sha: blob,
                encoding: 'base64',
                // GitHub wraps base64 at 60 characters.
                content: Buffer.from(text)
                  .toString('base64')
                  .replace(/(.{60})/g, '$1\n'),
              },
              { etag },
            );
        });
      }
      // GET /repos/o/r/pulls/N
      if (method === 'GET' && kind === 'pulls' && seg.length === 5) {
        const pr = repo.pulls.get(Number(seg[4]));
        if (!pr) return notFound();
        return send(200, {
          number: Number(seg[4]),
          state: pr.state,
          title: pr.title,
          head: { sha: pr.head, ref: 'feature' },
        });
      }
      // GET|POST /repos/o/r/issues/N/comments
      if (kind === 'issues' && seg[5] === 'comments' && seg.length === 6) {
        const issue = Number(seg[4]);
        if (!repo.pulls.has(issue)) return notFound();
        if (method === 'GET') {
          const perPage = Number(url.searchParams.get('per_page') ?? 30);
          const page = Number(url.searchParams.get('page') ?? 1);
          const all = comments.filter((c) => c.issue === issue);
          const slice = all.slice((page - 1) * perPage, page * perPage);
          const headers: Record<string, string> = {};
          if (page * perPage < all.length) {
            const next = new URL(url);
            next.searchParams.set('page', String(page + 1));
            headers.link = `<${state.url}${next.pathname}${next.search}>; rel="next"`;
          }
          return send(
            200,
            slice.map((c) => commentJson(c, seg)),
            headers,
          );
        }
        if (method === 'POST') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string };
          if (typeof body.body !== 'string') return send(422, { message: 'body is missing' });
          if (body.body.length > 65_536)
            return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
          const c = { id: nextComment++, issue, body: body.body, createdAt: clock, updatedAt: clock++ };
          comments.push(c);
          return send(201, commentJson(c, seg));
        }
      }
      // PATCH /repos/o/r/issues/comments/ID
      if (method === 'PATCH' && kind === 'issues' && seg[4] === 'comments' && seg.length === 6) {
        const c = comments.find((x) => x.id === Number(seg[5]));
        if (!c) return notFound();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string };
        if (typeof body.body !== 'string') return send(422, { message: 'body is missing' });
        if (body.body.length > 65_536)
          return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
        c.body = body.body;
        c.updatedAt = clock++;
        return send(200, commentJson(c, seg));
      }
      // POST /repos/o/r/statuses/SHA
      if (method === 'POST' && kind === 'statuses' && seg.length === 5) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<FakeStatus, 'sha'>;
        if (!repo.commits.has(seg[4]!)) return send(422, { message: `No commit found for SHA: ${seg[4]}` });
        if (!['pending', 'success', 'failure', 'error'].includes(body.state))
          return send(422, { message: 'Validation Failed' });
        if ((body.description ?? '').length > 140)
          return send(422, { message: 'description is too long (maximum is 140 characters)' });
        statuses.push({ sha: seg[4]!, ...body });
        return send(201, { id: statuses.length, ...body });
      }
      notFound();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  return state;
}

function commentJson(c: FakeComment, seg: string[]) {
  return {
    id: c.id,
    body: c.body,
    html_url: `https://github.example/${seg[1]}/${seg[2]}/pull/${c.issue}#issuecomment-${c.id}`,
    user: { login: 'cratesync-bot' },
  };
}
