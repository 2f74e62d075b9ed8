// The watcher's HTTP API: which requests exist, who may make them, and what they answer. Every request
// passes the Host check first (DNS rebinding), then, except the dashboard page itself, the Origin check
// (cross-site requests); POSTs also need the bearer token. Errors are JSON `{ error }`. Everything the
// answers contain comes from the ApiPort; this file only translates HTTP to port calls and back.

import { randomBytes } from 'node:crypto';
import {
  type BodyReply,
  DEFAULT_HOST,
  type HttpReply,
  type HttpRequest,
  type HttpServer,
  type StreamSink,
  startHttpServer,
} from '../io/http-server.ts';
import { dashboardHtml } from './dashboard.ts';
import { allowedAuthorities, formatHost, hostAllowed, originAllowed } from './guard.ts';
import { type ApiPort, errorStatus } from './port.ts';
import { bearerToken, tokensEqual } from './token.ts';

export const DEFAULT_EVENTS_LIMIT = 20;
export const MAX_EVENTS_LIMIT = 1000;
export const HEARTBEAT_MS = 15_000;
const MAX_REASON_LENGTH = 1000;
/** A client that stops reading loses intermediate progress events instead of growing our memory. */
const MAX_STREAM_BUFFER = 256 * 1024;

export interface ApiHandlerOptions {
  api: ApiPort;
  token: string;
  /** The `host:port` values a Host header may carry; read per request because the port is known only
   * once the server is bound. */
  authorities: () => ReadonlySet<string>;
  heartbeatMs?: number;
  onError?: (err: unknown) => void;
}

type Handler = (req: HttpRequest, params: string[]) => Promise<HttpReply> | HttpReply;
type Methods = Partial<Record<'GET' | 'POST', Handler>>;

export function createApiHandler(opts: ApiHandlerOptions): (req: HttpRequest) => Promise<HttpReply> {
  const { api } = opts;
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;

  const routes = (segs: readonly string[]): { methods: Methods; params: string[] } | undefined => {
    const [a, b, c, ...rest] = segs;
    if (segs.length === 1 && a === '') return { methods: { GET: dashboard }, params: [] };
    if (a !== 'api' || b === undefined || rest.length > 0) return undefined;
    if (c === undefined) {
      const fixed: Record<string, Methods> = {
        status: { GET: async () => json(200, await api.status()) },
        plan: { GET: async () => json(200, await api.plan()) },
        reconcile: { POST: reconcile },
        'sync-events': { GET: syncEvents },
        suspend: { POST: suspend },
        resume: { POST: resume },
        events: { GET: events },
      };
      return Object.hasOwn(fixed, b) ? { methods: fixed[b]!, params: [] } : undefined;
    }
    if (c === '') return undefined;
    if (b === 'sync-events') return { methods: { GET: syncEvent }, params: [c] };
    if (b === 'playlists') return { methods: { GET: playlist }, params: [c] };
    return undefined;
  };

  const dashboard: Handler = () => {
    // A fresh nonce per page: only the page's own script and style run, so even a mistake in escaping
    // data could not run someone else's script.
    const nonce = randomBytes(16).toString('base64');
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': [
          "default-src 'none'",
          `script-src 'nonce-${nonce}'`,
          `style-src 'nonce-${nonce}'`,
          "connect-src 'self'",
          'img-src data:',
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join('; '),
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      },
      body: dashboardHtml({ nonce }),
    };
  };

  const reconcile: Handler = async () => {
    const { eventId } = await api.requestRun();
    // `syncEventId` is the name in the public contract (DESIGN §8); `eventId` matches the port.
    return json(202, { eventId, syncEventId: eventId });
  };

  const syncEvents: Handler = async (req) => {
    const raw = req.query.get('limit');
    const limit = raw === null ? DEFAULT_EVENTS_LIMIT : positiveInt(raw);
    if (limit === undefined || limit > MAX_EVENTS_LIMIT)
      return jsonError(400, `limit must be an integer from 1 to ${MAX_EVENTS_LIMIT}`);
    return json(200, await api.syncEvents(limit));
  };

  const syncEvent: Handler = async (_req, [raw]) => {
    const id = positiveInt(raw!);
    if (id === undefined) return jsonError(400, 'a sync event id is a positive integer');
    const event = await api.syncEvent(id);
    return event === undefined ? jsonError(404, `no sync event ${id}`) : json(200, event);
  };

  const playlist: Handler = async (_req, [name]) => {
    const found = await api.playlist(name!);
    return found === undefined ? jsonError(404, 'no such playlist') : json(200, found);
  };

  const suspend: Handler = async (req) => {
    const body = parseJson(req.body);
    const reason = isObject(body) && typeof body.reason === 'string' ? body.reason.trim() : '';
    if (reason === '' || reason.length > MAX_REASON_LENGTH)
      return jsonError(
        400,
        `expected a JSON body { "reason": "..." } of at most ${MAX_REASON_LENGTH} characters`,
      );
    await api.suspend(reason);
    return json(200, { ok: true });
  };

  const resume: Handler = async () => {
    await api.resume();
    return json(200, { ok: true });
  };

  const events: Handler = () => ({
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // Reverse proxies must pass events on as they come.
      'X-Accel-Buffering': 'no',
    },
    stream: (sink) => streamProgress(api, sink, heartbeatMs, opts.onError),
  });

  return async (req) => {
    const authorities = opts.authorities();
    if (!hostAllowed(req.headers.host, authorities)) return jsonError(403, 'unexpected Host header');
    if (!req.path.startsWith('/')) return jsonError(404, 'not found');
    const segs = splitPath(req.path);
    if (segs === undefined) return jsonError(400, 'malformed percent-encoding in the path');
    const match = routes(segs);
    if (!match) return jsonError(404, 'not found');
    // Following a link to the dashboard from elsewhere is a navigation, not an attack: the page it gets
    // cannot be read or framed by the linking site.
    const isPage = segs.length === 1 && req.method === 'GET';
    if (!isPage && !originAllowed(req.headers, authorities))
      return jsonError(403, 'cross-site request refused');
    const handler = match.methods[req.method as keyof Methods];
    if (!handler) {
      const allow = Object.keys(match.methods).join(', ');
      return {
        ...jsonError(405, `method not allowed; use ${allow}`),
        headers: { ...JSON_HEADERS, Allow: allow },
      };
    }
    if (req.method === 'POST') {
      const given = bearerToken(req.headers.authorization);
      if (given === undefined)
        return {
          ...jsonError(401, 'missing Authorization: Bearer token (see .cratesync/api-token)'),
          headers: { ...JSON_HEADERS, 'WWW-Authenticate': 'Bearer realm="cratesync"' },
        };
      if (!tokensEqual(given, opts.token)) return jsonError(403, 'wrong API token');
    }
    try {
      return await handler(req, match.params);
    } catch (err) {
      const status = errorStatus(err);
      // A status the port chose comes with a message meant for the client; anything else may carry
      // paths or internals and stays in the log.
      if (status !== undefined) return jsonError(status, (err as Error).message);
      opts.onError?.(err);
      return jsonError(500, 'internal error');
    }
  };
}

function streamProgress(
  api: ApiPort,
  sink: StreamSink,
  heartbeatMs: number,
  onError: ((err: unknown) => void) | undefined,
): void {
  // `retry` tells EventSource how soon to reconnect after the watcher restarts; the comment makes the
  // first bytes arrive at once, so a client knows the stream is open.
  sink.write('retry: 3000\n: connected\n\n');
  const unsubscribe = api.onProgress((event) => {
    if (sink.buffered > MAX_STREAM_BUFFER) return;
    // JSON.stringify escapes newlines, so one data line always holds the whole event.
    sink.write(`event: progress\ndata: ${JSON.stringify(event)}\n\n`);
  });
  // Proxies and browsers drop connections that stay silent too long.
  const heartbeat = setInterval(() => sink.write(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();
  sink.signal.addEventListener(
    'abort',
    () => {
      clearInterval(heartbeat);
      try {
        unsubscribe();
      } catch (err) {
        onError?.(err);
      }
    },
    { once: true },
  );
}

export interface ApiServerOptions extends Omit<ApiHandlerOptions, 'authorities'> {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  /** More `host:port` values to accept in the Host header, for a watcher bound to a non-loopback address. */
  allowedHosts?: readonly string[];
  maxBodyBytes?: number;
  closeGraceMs?: number;
}

export interface ApiServer extends HttpServer {
  /** Where the dashboard is, e.g. http://127.0.0.1:7465/ */
  url: string;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  let authorities: ReadonlySet<string> = new Set();
  const server = await startHttpServer({
    host: opts.host ?? DEFAULT_HOST,
    port: opts.port,
    maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024,
    closeGraceMs: opts.closeGraceMs,
    handle: createApiHandler({ ...opts, authorities: () => authorities }),
    errorReply: jsonError,
    onError: opts.onError,
  });
  authorities = allowedAuthorities(server.host, server.port, opts.allowedHosts);
  const wildcard = server.host === '0.0.0.0' || server.host === '::';
  const shown = wildcard ? 'localhost' : formatHost(server.host);
  return { ...server, url: `http://${shown}:${server.port}/` };
}

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function json(status: number, data: unknown): BodyReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(data) };
}

function jsonError(status: number, message: string): BodyReply {
  return json(status, { error: message });
}

/** Path segments, each percent-decoded on its own so an encoded `/` stays inside its segment. */
function splitPath(path: string): string[] | undefined {
  try {
    return path.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function positiveInt(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
