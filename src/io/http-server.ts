// A small generic HTTP server: it binds (loopback unless the caller names another host), reads a request
// whole up to a size limit, hands it to `handle` and writes the reply, or keeps the connection open for a
// streaming reply (server-sent events). It owns connection lifetimes: close() must not wait for a browser's
// keep-alive socket or an event stream that would otherwise never end. What a request means is the caller's
// business.

import http from 'node:http';

export interface HttpRequest {
  method: string;
  /** The request target's path exactly as sent: still percent-encoded, dot segments not resolved. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text ('' when there is none). */
  body: string;
}

export interface StreamSink {
  /** Queue text for the client; ignored once the stream has ended. */
  write(text: string): void;
  /** Bytes queued but not yet taken by the socket: a slow client shows here. */
  readonly buffered: number;
  end(): void;
  /** Aborted when the stream ends for any reason: end(), the client going away, or close(). */
  readonly signal: AbortSignal;
}

export interface BodyReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface StreamReply {
  status: number;
  headers?: Record<string, string>;
  /** Called once the head is sent; the stream lasts until sink.end() or its signal aborts. */
  stream(sink: StreamSink): void;
}

export type HttpReply = BodyReply | StreamReply;

export interface HttpServerOptions {
  /** Default 127.0.0.1: anything reachable from elsewhere must be asked for explicitly. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Default 64 KiB; a larger body gets 413 without reaching `handle`. */
  maxBodyBytes?: number;
  handle(req: HttpRequest): Promise<HttpReply> | HttpReply;
  /** Replies the server makes itself (413, 500), so they can match the handler's format. */
  errorReply?(status: number, message: string): BodyReply;
  /** A handler that threw or a stream that failed; the client only sees a generic 500. */
  onError?(err: unknown): void;
  /** How long close() lets replies in flight finish before cutting every connection. Default 500 ms. */
  closeGraceMs?: number;
}

export interface HttpServer {
  host: string;
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** Rejects with an Error whose `code` is EADDRINUSE / EACCES / EADDRNOTAVAIL when the address cannot be had. */
export function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const errorReply =
    opts.errorReply ??
    ((status: number, message: string): BodyReply => ({
      status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: `${message}\n`,
    }));
  const streams = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const fail = (err: unknown) => {
      opts.onError?.(err);
      writeBody(res, errorReply(500, 'internal error'));
    };
    readBody(req, maxBody).then((body) => {
      if (body === GONE) return;
      if (body === TOO_LARGE) {
        // The client may still be sending: closing the connection after the reply keeps it from being
        // reused in a state where the rest of its body would be read as the next request.
        writeBody(res, errorReply(413, `request body larger than ${maxBody} bytes`), true);
        return;
      }
      const target = splitTarget(req.url ?? '/');
      const request: HttpRequest = {
        method: req.method ?? 'GET',
        path: target.path,
        query: target.query,
        headers: flattenHeaders(req.headers),
        body,
      };
      Promise.resolve()
        .then(() => opts.handle(request))
        .then((reply) => {
          if ('stream' in reply) startStream(res, reply, streams, opts.onError);
          else writeBody(res, reply);
        })
        .catch(fail);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      // A socket error after listening (a client resetting) must not crash the process.
      server.on('clientError', (_err, socket) => socket.destroy());
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      let closing: Promise<void> | undefined;
      resolve({
        host,
        port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            // server.close() also drops idle keep-alive connections; streams are never idle, so end them.
            server.close(() => done());
            for (const end of [...streams]) end();
            setTimeout(() => server.closeAllConnections(), opts.closeGraceMs ?? 500).unref();
          });
          return closing;
        },
      });
    });
  });
}

const TOO_LARGE = Symbol('too large');
/** The client went away before its body was complete: nobody is left to answer. */
const GONE = Symbol('gone');

function readBody(req: http.IncomingMessage, max: number): Promise<string | typeof TOO_LARGE | typeof GONE> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // A reset or a close before 'end' means the client is gone (after 'end' these settle nothing).
    req.on('close', () => resolve(GONE));
    req.on('error', () => resolve(GONE));
  });
}

function splitTarget(target: string): { path: string; query: URLSearchParams } {
  // Absolute-form targets (`GET http://host/path`) are legal; keep only the path and query. The path is not
  // run through URL parsing on purpose: that would resolve `%2e%2e` segments and change what a route sees.
  let rest = target;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q < 0
    ? { path: rest, query: new URLSearchParams() }
    : { path: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function writeBody(res: http.ServerResponse, reply: BodyReply, closeAfter = false): void {
  if (res.headersSent || res.destroyed) return;
  const body = reply.body ?? '';
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Length': String(Buffer.byteLength(body)),
    ...(closeAfter ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

function startStream(
  res: http.ServerResponse,
  reply: StreamReply,
  streams: Set<() => void>,
  onError: ((err: unknown) => void) | undefined,
): void {
  if (res.headersSent || res.destroyed) return;
  const ac = new AbortController();
  const end = () => {
    if (ac.signal.aborted) return;
    streams.delete(end);
    ac.abort();
    if (!res.writableEnded) res.end();
  };
  streams.add(end);
  res.on('close', end);
  // A stream owns its connection: once it ends the socket goes too, rather than idling as keep-alive.
  res.writeHead(reply.status, { ...reply.headers, Connection: 'close' });
  res.flushHeaders();
  const sink: StreamSink = {
    write(text) {
      if (!ac.signal.aborted && !res.writableEnded) res.write(text);
    },
    get buffered() {
      return res.writableLength;
    },
    end,
    signal: ac.signal,
  };
  try {
    reply.stream(sink);
  } catch (err) {
    onError?.(err);
    end();
  }
}
