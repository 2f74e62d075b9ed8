// A tiny HTTP server on a loopback address, for OAuth redirects back to the CLI (RFC 8252 §7.3). It only
// listens and answers; what a request means is the caller's business (`handle`).

import http from 'node:http';

export interface LoopbackReply {
  status: number;
  /** A short HTML page for the browser that followed the redirect. */
  html: string;
}

export interface LoopbackServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Rejects with an Error whose `code` is EADDRINUSE / EACCES when the port cannot be had. */
export function startLoopbackServer(opts: {
  host: string;
  port: number;
  handle: (url: URL) => Promise<LoopbackReply> | LoopbackReply;
}): Promise<LoopbackServer> {
  const server = http.createServer((req, res) => {
    const reply = (r: LoopbackReply) => {
      res.writeHead(r.status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        // The page is shown once and must not be kept or framed: its URL carried an authorization code.
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        Connection: 'close',
      });
      res.end(r.html);
    };
    if (req.method !== 'GET') return reply({ status: 405, html: 'method not allowed' });
    const url = new URL(req.url ?? '/', `http://${opts.host}`);
    Promise.resolve()
      .then(() => opts.handle(url))
      .then(reply, (err: unknown) => reply({ status: 500, html: escapeHtml(String(err)) }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            // close() lets a reply being written finish; a browser's idle keep-alive connection must not
            // hold the process open for long, though.
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 1000).unref();
          }),
      });
    });
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
