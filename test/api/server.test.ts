// The status API over real HTTP on 127.0.0.1 against a fake ApiPort: routes, the token, the Host and
// Origin checks, the event stream, closing, and the token file.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardHtml } from '../../src/api/dashboard.ts';
import {
  type ApiPort,
  type ApiStatus,
  apiError,
  type ProgressEvent,
  type SyncEventData,
} from '../../src/api/port.ts';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../../src/api/routes.ts';
import { readApiToken, writeApiToken } from '../../src/api/token.ts';
import { nodeFsPort } from '../../src/io/fs.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const TOKEN = 'test-token-0123456789abcdef';

const HOSTILE_NAMES = [
  '<script>alert(1)</script>',
  'AC/DC',
  'a\\b',
  '..',
  '.',
  '%2F',
  '100% Deep',
  'what? #1 & more',
  'x+y=z',
  '"quoted" \'single\'',
  'Ünïcödé 🎧 Sets',
  '  spaced  ',
  'semi;colon,comma',
];

function fakeStatus(): ApiStatus {
  return {
    loop: { state: 'idle', reason: 'converged 2 minutes ago', nextRunAt: '2026-01-01T10:15:00Z' },
    recentRuns: [{ id: 3, status: 'failed', startedAt: '2026-01-01T10:00:00Z', error: 'source down' }],
    lastRun: { id: 3, status: 'failed', startedAt: '2026-01-01T10:00:00Z', error: 'source down' },
    playlists: [
      { name: '<b>Deep</b>', kind: 'base', syncState: 'in_sync', health: 'healthy' },
      {
        name: 'Warmup',
        kind: 'child',
        syncState: 'needs_download',
        health: 'degraded',
        reason: '3 tracks failed to download: timeout',
      },
    ],
    dedupe: { sharedTracks: 4, links: 9, bytesSaved: 123456 },
  };
}

interface Fake extends ApiPort {
  calls: string[];
  listeners: Set<(e: ProgressEvent) => void>;
  emit(e: ProgressEvent): void;
  events: Map<number, SyncEventData>;
  failPlan?: Error;
}

function fakeApi(): Fake {
  const listeners = new Set<(e: ProgressEvent) => void>();
  const events = new Map<number, SyncEventData>([
    [1, { id: 1, status: 'completed' }],
    [2, { id: 2, status: 'failed', error: 'boom' }],
  ]);
  const fake: Fake = {
    calls: [],
    listeners,
    events,
    emit: (e) => {
      for (const l of listeners) l(e);
    },
    status: () => fakeStatus(),
    plan: async () => {
      if (fake.failPlan) throw fake.failPlan;
      return { actions: [{ type: 'download', id: 't1' }], skipped: [] };
    },
    requestRun: async () => {
      fake.calls.push('requestRun');
      return { eventId: 42 };
    },
    syncEvents: (limit) => {
      fake.calls.push(`syncEvents ${limit}`);
      return [...events.values()].reverse().slice(0, limit);
    },
    syncEvent: (id) => events.get(id),
    playlist: (name) => {
      fake.calls.push(`playlist ${name}`);
      return HOSTILE_NAMES.includes(name) || name === 'Deep House' ? { name, entries: 3 } : undefined;
    },
    suspend: (reason) => {
      fake.calls.push(`suspend ${reason}`);
    },
    resume: () => {
      fake.calls.push('resume');
    },
    onProgress: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return fake;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Typed for the common case: an error reply. */
  json: <T = { error: string }>() => T;
}

function request(
  port: number,
  method: string,
  target: string,
  opts: { headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        headers: opts.headers,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };

let api: Fake;
let server: ApiServer;
let errors: unknown[];

async function start(extra: Partial<ApiServerOptions> = {}): Promise<ApiServer> {
  server = await startApiServer({ api, token: TOKEN, port: 0, onError: (e) => errors.push(e), ...extra });
  return server;
}

beforeEach(() => {
  api = fakeApi();
  errors = [];
});

afterEach(async () => {
  await server?.close();
});

describe('binding', () => {
  it('binds 127.0.0.1 by default and reports the port and the dashboard URL', async () => {
    await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });
});

describe('GET routes', () => {
  beforeEach(() => start());

  it('GET /api/status answers the port status as JSON', async () => {
    const r = await request(server.port, 'GET', '/api/status');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.json()).toEqual(fakeStatus());
  });

  it('GET /api/plan answers the plan; a failing plan is a 500 without internals, a port status is kept', async () => {
    const ok = await request(server.port, 'GET', '/api/plan');
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ actions: [{ type: 'download', id: 't1' }], skipped: [] });

    api.failPlan = new Error('ENOENT /home/secret/path');
    const bad = await request(server.port, 'GET', '/api/plan');
    expect(bad.status).toBe(500);
    expect(bad.json()).toEqual({ error: 'internal error' });
    expect(bad.text).not.toContain('secret');
    expect(errors).toEqual([api.failPlan]);

    api.failPlan = apiError(409, 'library.yaml is invalid');
    const conflict = await request(server.port, 'GET', '/api/plan');
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toEqual({ error: 'library.yaml is invalid' });
  });

  it('GET /api/sync-events uses limit 20 by default and validates ?limit=', async () => {
    const r = await request(server.port, 'GET', '/api/sync-events');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual([
      { id: 2, status: 'failed', error: 'boom' },
      { id: 1, status: 'completed' },
    ]);
    expect((await request(server.port, 'GET', '/api/sync-events?limit=1')).json()).toHaveLength(1);
    expect((await request(server.port, 'GET', '/api/sync-events?limit=1000')).status).toBe(200);
    expect(api.calls).toEqual(['syncEvents 20', 'syncEvents 1', 'syncEvents 1000']);
    for (const bad of ['0', '1001', '-1', '1.5', 'abc', '', '1e3', '99999999999999999999']) {
      const res = await request(server.port, 'GET', `/api/sync-events?limit=${bad}`);
      expect(res.status, `limit=${bad}`).toBe(400);
      expect(res.json().error).toMatch(/limit/);
    }
    expect(api.calls).toHaveLength(3);
  });

  it('GET /api/sync-events/:id answers one event, 404 when unknown, 400 when not an id', async () => {
    const r = await request(server.port, 'GET', '/api/sync-events/2');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ id: 2, status: 'failed', error: 'boom' });
    const missing = await request(server.port, 'GET', '/api/sync-events/99');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'no sync event 99' });
    for (const bad of ['abc', '0', '-1', '01', '1.0']) {
      expect((await request(server.port, 'GET', `/api/sync-events/${bad}`)).status, bad).toBe(400);
    }
  });

  it('GET /api/playlists/:name round-trips hostile names, percent-decoded', async () => {
    for (const name of HOSTILE_NAMES) {
      const r = await request(server.port, 'GET', `/api/playlists/${encodeURIComponent(name)}`);
      expect(r.status, name).toBe(200);
      expect(r.json(), name).toEqual({ name, entries: 3 });
    }
    // `..` and `.` encoded as %2E must reach the port as names, not as path steps.
    const dots = await request(server.port, 'GET', '/api/playlists/%2E%2E');
    expect(dots.json()).toEqual({ name: '..', entries: 3 });
    expect(api.calls.filter((c) => c.startsWith('playlist '))).toEqual([
      ...HOSTILE_NAMES.map((n) => `playlist ${n}`),
      'playlist ..',
    ]);
  });

  it('GET /api/playlists/:name is 404 for an unknown name and 400 for broken encoding', async () => {
    const r = await request(server.port, 'GET', '/api/playlists/Nope');
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ error: 'no such playlist' });
    expect((await request(server.port, 'GET', '/api/playlists/%E0%A4%A')).status).toBe(400);
    expect((await request(server.port, 'GET', '/api/playlists/Deep%20House')).status).toBe(200);
    // A raw slash splits segments: it is not one name.
    expect((await request(server.port, 'GET', '/api/playlists/AC/DC')).status).toBe(404);
  });

  it('unknown paths are 404 JSON', async () => {
    for (const p of [
      '/api/nope',
      '/nope',
      '/api/status/',
      '/api/playlists/',
      '/api',
      '/api/',
      '/index.html',
    ]) {
      const r = await request(server.port, 'GET', p);
      expect(r.status, p).toBe(404);
      expect(r.json(), p).toEqual({ error: 'not found' });
    }
  });

  it('a wrong method is 405 with Allow', async () => {
    const get = await request(server.port, 'GET', '/api/reconcile');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json().error).toMatch(/method/);
    const post = await request(server.port, 'POST', '/api/status', { headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect((await request(server.port, 'DELETE', '/api/suspend', { headers: auth })).status).toBe(405);
    expect(api.calls).toEqual([]);
  });
});

describe('POST routes and the token', () => {
  beforeEach(() => start({ maxBodyBytes: 1024 }));

  it('POST /api/reconcile answers 202 with the sync event id', async () => {
    const r = await request(server.port, 'POST', '/api/reconcile', { headers: auth });
    expect(r.status).toBe(202);
    expect(r.json()).toEqual({ eventId: 42, syncEventId: 42 });
    expect(api.calls).toEqual(['requestRun']);
  });

  it('without a bearer token a POST is 401 and reaches nothing', async () => {
    const cases: Record<string, string>[] = [
      {},
      { Authorization: `Basic ${TOKEN}` },
      { Authorization: 'Bearer' },
    ];
    for (const headers of cases) {
      const r = await request(server.port, 'POST', '/api/reconcile', { headers });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.json().error).toMatch(/token/);
    }
    expect(api.calls).toEqual([]);
  });

  it('a wrong token is 403 and reaches nothing', async () => {
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), 'x']) {
      for (const p of ['/api/reconcile', '/api/resume', '/api/suspend']) {
        const r = await request(server.port, 'POST', p, {
          headers: { Authorization: `Bearer ${wrong}` },
          body: '{"reason":"x"}',
        });
        expect(r.status, `${p} ${wrong}`).toBe(403);
        expect(r.json()).toEqual({ error: 'wrong API token' });
      }
    }
    expect(api.calls).toEqual([]);
  });

  it('the bearer scheme is case-insensitive', async () => {
    const r = await request(server.port, 'POST', '/api/resume', {
      headers: { Authorization: `bearer ${TOKEN}` },
    });
    expect(r.status).toBe(200);
  });

  it('POST /api/suspend needs a JSON reason', async () => {
    const ok = await request(server.port, 'POST', '/api/suspend', {
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: '  gig tonight  ' }),
    });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    for (const body of ['', 'not json', '{}', '{"reason":""}', '{"reason":"   "}', '{"reason":3}', '["x"]']) {
      const r = await request(server.port, 'POST', '/api/suspend', { headers: auth, body });
      expect(r.status, body).toBe(400);
      expect(r.json().error).toMatch(/reason/);
    }
    expect(api.calls).toEqual(['suspend gig tonight']);
  });

  it('POST /api/resume resumes', async () => {
    const r = await request(server.port, 'POST', '/api/resume', { headers: auth });
    expect(r.status).toBe(200);
    expect(api.calls).toEqual(['resume']);
  });

  it('a body over the limit is 413 JSON and reaches nothing', async () => {
    const body = JSON.stringify({ reason: 'x'.repeat(5000) });
    const r = await request(server.port, 'POST', '/api/suspend', { headers: auth, body });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json().error).toMatch(/larger than 1024/);
    // Chunked, so no Content-Length to refuse up front.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/suspend',
          headers: auth,
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(800));
      req.end('y'.repeat(800));
    });
    expect(chunked).toBe(413);
    expect(api.calls).toEqual([]);
  });
});

describe('a client that leaves mid-request', () => {
  it('is dropped quietly and the server goes on', async () => {
    await start();
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/suspend',
        headers: { ...auth, 'Content-Length': '100' },
        agent: false,
      });
      req.on('error', () => resolve());
      req.write('{"reason":', () => setTimeout(() => req.destroy(), 20));
    });
    await new Promise((r) => setTimeout(r, 50));
    expect((await request(server.port, 'GET', '/api/status')).status).toBe(200);
    expect(api.calls).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('Host and Origin checks', () => {
  beforeEach(() => start());

  it('refuses a Host that is not ours (DNS rebinding), for the page and the API', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
    ]) {
      for (const p of ['/', '/api/status']) {
        const r = await request(server.port, 'GET', p, { headers: { Host: host } });
        expect(r.status, `${host} ${p}`).toBe(403);
        expect(r.json()).toEqual({ error: 'unexpected Host header' });
        expect(r.text).not.toContain(TOKEN);
      }
    }
    const post = await request(server.port, 'POST', '/api/reconcile', {
      headers: { ...auth, Host: `evil.example:${server.port}` },
    });
    expect(post.status).toBe(403);
    expect(api.calls).toEqual([]);
  });

  it('accepts the bound address and localhost, in any case', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LocalHost:${server.port}`]) {
      expect(
        (await request(server.port, 'GET', '/api/status', { headers: { Host: host } })).status,
        host,
      ).toBe(200);
    }
  });

  it('refuses cross-site POSTs even with the right token', async () => {
    const cases: Record<string, string>[] = [
      { Origin: 'http://evil.example' },
      { Origin: `http://evil.example:${server.port}` },
      { Origin: `http://localhost:${server.port + 1}` },
      { Origin: `https://127.0.0.1:${server.port}` },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of cases) {
      const r = await request(server.port, 'POST', '/api/reconcile', { headers: { ...auth, ...headers } });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.json()).toEqual({ error: 'cross-site request refused' });
    }
    expect(api.calls).toEqual([]);
  });

  it('accepts POSTs from our own origin', async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const r = await request(server.port, 'POST', '/api/reconcile', {
        headers: { ...auth, Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
      });
      expect(r.status, origin).toBe(202);
    }
    expect(api.calls).toEqual(['requestRun', 'requestRun']);
  });

  it('refuses cross-site reads of the API but lets a link open the dashboard', async () => {
    const read = await request(server.port, 'GET', '/api/status', {
      headers: { Origin: 'http://evil.example' },
    });
    expect(read.status).toBe(403);
    const page = await request(server.port, 'GET', '/', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(page.status).toBe(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});

describe('the dashboard', () => {
  beforeEach(() => start());

  it('is served at / as HTML with a strict CSP, and never carries the token', async () => {
    const r = await request(server.port, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.text).not.toContain(TOKEN);
    const csp = String(r.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(r.text).toContain(`<script nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // No external resources.
    expect(r.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const id of [
      'loop-state',
      'reconcile-now',
      'suspend',
      'resume',
      'playlists',
      'runs',
      'dedupe-savings',
    ]) {
      expect(r.text).toContain(`data-testid="${id}"`);
    }
    // A new nonce per page.
    const again = await request(server.port, 'GET', '/');
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });
});

describe('dashboardHtml', () => {
  it('escapes the nonce', () => {
    const html = dashboardHtml({ nonce: 'n"><script>x</script>' });
    expect(html).not.toContain('<script>x');
    expect(html).toContain('nonce="n&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
  });

  it('has a script that parses and never builds markup from strings', () => {
    const html = dashboardHtml({ nonce: 'n' });
    const script = /<script nonce="n">([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(script).toBeTruthy();
    expect(() => new Function(script!)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    for (const id of ['playlist-row', 'run-row', 'run-progress', 'playlist-health', 'playlist-reason']) {
      expect(script).toContain(`'${id}'`);
    }
  });
});

/** An open event stream, collecting what arrives. */
function openEvents(
  port: number,
): Promise<{ res: http.IncomingMessage; text: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api/events', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({ res, text: () => text, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the event stream', () => {
  it('sends progress events and heartbeats, and unsubscribes when the client leaves', async () => {
    await start({ heartbeatMs: 40 });
    const s = await openEvents(server.port);
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await until(() => api.listeners.size === 1);
    const event: ProgressEvent = { phase: 'download', done: 3, total: 10, message: 'A - "B"\nC', eventId: 5 };
    api.emit(event);
    await until(() => s.text().includes('event: progress'));
    const data = /event: progress\ndata: (.*)\n\n/.exec(s.text())?.[1];
    expect(JSON.parse(data!)).toEqual(event);
    await until(() => s.text().includes(': heartbeat\n\n'));
    s.res.destroy();
    await until(() => api.listeners.size === 0);
  });

  it('close() ends open event streams and idle keep-alive connections at once', async () => {
    // A long grace: close() must not be waiting for it.
    await start({ closeGraceMs: 30_000 });
    const a = await openEvents(server.port);
    const b = await openEvents(server.port);
    const agent = new http.Agent({ keepAlive: true });
    expect((await request(server.port, 'GET', '/api/status', { agent })).status).toBe(200);
    await until(() => api.listeners.size === 2);
    const t0 = Date.now();
    await server.close();
    await Promise.all([a.ended, b.ended]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(api.listeners.size).toBe(0);
    agent.destroy();
    await expect(request(server.port, 'GET', '/api/status')).rejects.toThrow();
  });
});

describe('the token file', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('cratesync-api-');
  });
  afterEach(() => removeTempDir(dir));

  it('is written with mode 0600 and read back', () => {
    const cs = path.join(dir, '.cratesync');
    expect(readApiToken(nodeFsPort, cs)).toBeUndefined();
    const token = writeApiToken(nodeFsPort, cs);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(cs, 'api-token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
    expect(readApiToken(nodeFsPort, cs)).toBe(token);
    expect(fs.readdirSync(cs)).toEqual(['api-token']);
  });

  it('a new token replaces an old, too-open file and is 0600 again', () => {
    const file = path.join(dir, 'api-token');
    fs.writeFileSync(file, 'old\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const token = writeApiToken(nodeFsPort, dir);
    expect(token).not.toBe('old');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readApiToken(nodeFsPort, dir)).toBe(token);
    expect(writeApiToken(nodeFsPort, dir)).not.toBe(token);
  });

  it('the token the file holds opens the API', async () => {
    const token = writeApiToken(nodeFsPort, dir);
    await startApiServer({ api, token, port: 0 }).then((s) => {
      server = s;
    });
    const r = await request(server.port, 'POST', '/api/resume', {
      headers: { Authorization: `Bearer ${readApiToken(nodeFsPort, dir)}` },
    });
    expect(r.status).toBe(200);
  });
});
