import { afterEach, describe, expect, it } from 'vitest';
import type { UserDocument } from '../../../src/sources/tidal/api-types.ts';
import { virtualClock } from '../../../src/sources/tidal/clock.ts';
import { createTidalHttp, resolveUrl, TidalApiError, withQuery } from '../../../src/sources/tidal/http.ts';
import { createRateLimiter } from '../../../src/sources/tidal/rate-limit.ts';
import type { FakeTidal } from '../../helpers/fake-tidal.ts';
import { never, type Rig, rig } from './setup.ts';

describe('resolveUrl', () => {
  const api = 'https://openapi.tidal.com/v2';

  it('puts the /v2 back in front of a links.next path, keeping its query byte for byte', () => {
    const next =
      '/userCollectionTracks/me/relationships/items?include=items&countryCode=US&page%5Bcursor%5D=3nI1Esi';
    expect(resolveUrl(api, next)).toBe(`https://openapi.tidal.com/v2${next}`);
    expect(resolveUrl(`${api}/`, next)).toBe(`https://openapi.tidal.com/v2${next}`);
    expect(resolveUrl(api, 'tracks')).toBe('https://openapi.tidal.com/v2/tracks');
  });

  it('does not prefix a path that already carries the base path', () => {
    expect(resolveUrl(api, '/v2/playlists?a=1')).toBe('https://openapi.tidal.com/v2/playlists?a=1');
  });

  it('joins to a base without a path', () => {
    expect(resolveUrl('http://127.0.0.1:8080', '/tracks')).toBe('http://127.0.0.1:8080/tracks');
  });

  it('follows absolute URLs on the API origin only, so the token stays home', () => {
    expect(resolveUrl(api, 'https://openapi.tidal.com/v2/tracks')).toBe(
      'https://openapi.tidal.com/v2/tracks',
    );
    expect(() => resolveUrl(api, 'https://evil.example/v2/tracks')).toThrow(TidalApiError);
  });
});

describe('withQuery', () => {
  it('repeats array keys, keeps brackets and commas, encodes the rest, skips undefined', () => {
    expect(
      withQuery('https://x/v2/tracks', {
        'filter[id]': ['1', '2'],
        include: 'artists,albums',
        countryCode: undefined,
        'filter[query]': 'a&b c',
      }),
    ).toBe('https://x/v2/tracks?filter[id]=1&filter[id]=2&include=artists,albums&filter[query]=a%26b%20c');
    expect(withQuery('https://x/v2/p?a=1', { b: 2 })).toBe('https://x/v2/p?a=1&b=2');
    expect(withQuery('https://x/v2/p', {})).toBe('https://x/v2/p');
  });
});

describe('createTidalHttp against the fake server', () => {
  let r: Rig;
  let server: FakeTidal;
  const start = async (...args: Parameters<typeof rig>) => {
    r = await rig(...args);
    server = r.server;
  };
  afterEach(async () => {
    await server?.close();
  });

  const me = () => r.http.get<UserDocument>('/users/me', {}, never);

  it('sends the JSON:API Accept header and the bearer token, and parses the document', async () => {
    await start();
    const doc = await me();
    expect(doc.data.attributes?.country).toBe('NO');
    expect(r.http.counters()).toEqual({ requests: 1, throttled: 0 });
  });

  it('on 401 invalidates the token once and retries with the new one', async () => {
    await start();
    server.expireToken(r.tokens.current());
    await me();
    expect(r.tokens.invalidations).toBe(1);
    expect(server.requests.map((q) => q.status)).toEqual([401, 200]);
  });

  it('a second 401 is terminal and tells the user to log in', async () => {
    await start();
    const stuck = { accessToken: async () => 'revoked', invalidate: async () => undefined };
    const http = createTidalHttp({
      apiUrl: server.url,
      tokens: stuck,
      limiter: r.limiter,
      timeoutMs: 1000,
      maxRetries: 5,
    });
    const err = await http.get('/users/me', {}, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidalApiError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect((err as Error).message).toMatch(/cratesync login/);
    expect(server.count()).toBe(2);
  });

  it('retries 500s with exponential backoff and jitter', async () => {
    await start();
    server.fault({ status: 500, times: 2 });
    await me();
    expect(server.requests.map((q) => q.status)).toEqual([500, 500, 200]);
    // random() is 0.5, so jitter is 0.75: 500 ms · 2^n · 0.75.
    expect(r.clock.slept.filter((ms) => ms === 375 || ms === 750)).toEqual([375, 750]);
  });

  it('gives up after maxRetries with a retryable error', async () => {
    await start({}, { maxRetries: 3 });
    server.fault({ status: 503, times: Infinity, detail: 'Service Unavailable' });
    await expect(me()).rejects.toMatchObject({ status: 503, retryable: true });
    expect(server.count()).toBe(4);
  });

  it.each([400, 403, 404])(
    'answers %d with a terminal error carrying the server detail, without retrying',
    async (status) => {
      await start();
      server.fault({ status, detail: `the server says ${status}` });
      const err = await me().catch((e: unknown) => e);
      expect(err).toMatchObject({ status, retryable: false });
      expect((err as Error).message).toContain(`the server says ${status}`);
      expect(server.count()).toBe(1);
    },
  );

  it('converges through a 429 storm that sends Retry-After, waiting at least that long each time', async () => {
    await start({}, { maxRetries: 6 });
    server.fault({ status: 429, retryAfter: '3', times: 5 });
    await me();
    expect(server.requests.map((q) => q.status)).toEqual([429, 429, 429, 429, 429, 200]);
    expect(r.http.counters().throttled).toBe(5);
    expect(r.clock.now()).toBeGreaterThanOrEqual(5 * 3000);
  });

  it('converges through a 429 storm without Retry-After by backing off exponentially', async () => {
    await start({}, { maxRetries: 8 });
    server.fault({ status: 429, times: 6 });
    await me();
    expect(server.count()).toBe(7);
    // 375 + 750 + 1500 + 3000 + 6000 + 12000 ms of pauses at least.
    expect(r.clock.now()).toBeGreaterThanOrEqual(23_625);
    expect(r.limiter.state().ratePerSecond).toBeLessThan(1);
  });

  it('a 429 pauses every caller, not just the one that got it', async () => {
    await start();
    server.fault({ status: 429, retryAfter: '10', times: 1 });
    // Another caller starts the moment the 429 is known: it must wait out the pause as well.
    const sentAt: number[] = [];
    let other: Promise<unknown> | undefined;
    const http = createTidalHttp({
      apiUrl: server.url,
      tokens: r.tokens,
      limiter: {
        ...r.limiter,
        throttled: (ms, headers) => {
          r.limiter.throttled(ms, headers);
          other = http.get('/users/me', {}, never);
        },
      },
      timeoutMs: 1000,
      maxRetries: 3,
      fetch: (url, init) => {
        sentAt.push(r.clock.now());
        return fetch(url, init);
      },
    });
    await http.get('/users/me', {}, never);
    await other;
    expect(server.requests.map((q) => q.status)).toEqual([429, 200, 200]);
    expect(sentAt[0]).toBe(0);
    expect(sentAt.slice(1).every((t) => t >= 10_000)).toBe(true);
  });

  it('reads a Retry-After HTTP date against the Date header', async () => {
    await start();
    server.fault({
      status: 429,
      retryAfter: 'Wed, 21 Oct 2026 07:28:04 GMT',
      headers: { date: 'Wed, 21 Oct 2026 07:28:00 GMT' },
    });
    await me();
    expect(r.limiter.state().pausedUntil).toBeGreaterThanOrEqual(4000);
    expect(r.clock.now()).toBeGreaterThanOrEqual(4000);
  });

  it('fails at once (retryable) when Retry-After asks for more than it is willing to wait', async () => {
    await start();
    server.fault({ status: 429, retryAfter: '3600' });
    await expect(me()).rejects.toMatchObject({
      status: 429,
      retryable: true,
      message: expect.stringMatching(/3600 s/),
    });
    expect(server.count()).toBe(1);
  });

  it('times out a slow answer and retries it', async () => {
    await start({}, { timeoutMs: 100 });
    server.fault({ delayMs: 1000 });
    await me();
    expect(server.count()).toBe(2);
    expect(r.log.lines.some((l) => l.includes('no answer within 100 ms'))).toBe(true);
  });

  it('retries a dropped connection', async () => {
    await start();
    server.fault({ drop: true });
    await me();
    expect(server.count()).toBe(2);
    expect(r.log.lines.some((l) => l.includes('network error'))).toBe(true);
  });

  it("stops at once when the caller aborts, with the caller's reason", async () => {
    await start();
    server.fault({ delayMs: 5000 });
    const ctl = new AbortController();
    const pending = r.http.get('/users/me', {}, ctl.signal);
    setTimeout(() => ctl.abort(new Error('user pressed ^C')), 30);
    await expect(pending).rejects.toThrow('user pressed ^C');
    expect(server.count()).toBe(1);
  });

  it('adapts the shared limiter to x-ratelimit-* headers', async () => {
    await start({
      headers: {
        'x-ratelimit-remaining': '8',
        'x-ratelimit-replenish-rate': '4',
        'x-ratelimit-burst-capacity': '10',
        'x-ratelimit-requested-tokens': '2',
      },
    });
    await me();
    expect(r.limiter.state()).toMatchObject({ normalRatePerSecond: 2, burst: 5 });
  });

  it('never writes a token into the log', async () => {
    await start();
    server.expireToken(r.tokens.current());
    server.fault({ status: 500, times: 2 });
    await me();
    expect(r.log.lines.length).toBeGreaterThan(0);
    expect(r.log.lines.join('\n')).not.toMatch(/fake-token|Bearer/);
  });
});

describe('writes', () => {
  /** A fetch that answers from a script and records what it was sent. */
  function scripted(statuses: number[]) {
    const calls: { method: string; headers: Record<string, string>; body: string }[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      calls.push({
        method: String(init.method),
        headers: init.headers as Record<string, string>,
        body: String(init.body),
      });
      const status = statuses.shift() ?? 200;
      return new Response(status === 200 ? '{"data":[]}' : '{"errors":[{"status":"500"}]}', { status });
    }) as unknown as typeof globalThis.fetch;
    const http = createTidalHttp({
      apiUrl: 'https://openapi.tidal.com/v2',
      tokens: { accessToken: async () => 't', invalidate: async () => undefined },
      limiter: createRateLimiter({ clock: virtualClock() }),
      fetch,
      timeoutMs: 1000,
      maxRetries: 3,
    });
    return { http, calls };
  }
  const body = { data: [{ id: '1', type: 'tracks' }] };

  it('sends a write without an Idempotency-Key exactly once', async () => {
    const { http, calls } = scripted([500, 200]);
    await expect(
      http.send({ method: 'POST', path: '/playlists/p/relationships/items', body }, never),
    ).rejects.toMatchObject({ status: 500 });
    expect(calls).toHaveLength(1);
  });

  it('retries a write that carries an Idempotency-Key, with the same key and body', async () => {
    const { http, calls } = scripted([500, 500, 200]);
    await http.send(
      { method: 'POST', path: '/playlists/p/relationships/items', body, idempotencyKey: 'k-1' },
      never,
    );
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.headers['Idempotency-Key']).toBe('k-1');
      expect(c.headers['Content-Type']).toBe('application/vnd.api+json');
      expect(JSON.parse(c.body)).toEqual(body);
    }
  });
});
