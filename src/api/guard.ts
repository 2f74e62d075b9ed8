// Which browsers' requests the API accepts. The API listens on loopback, but a web page can still reach it:
// through DNS rebinding (evil.example resolving to 127.0.0.1, so the page counts as same-origin) or with
// a cross-site form or fetch. The Host check defeats the first (a rebound name is still in the Host header),
// the Origin and Sec-Fetch-Site checks the second. No CORS headers are ever sent, so no other site can read
// a reply either; the dashboard page itself forbids framing.

/** `host:port` pairs a request may name in its Host header, lower-case. */
export function allowedAuthorities(host: string, port: number, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(['localhost']);
  const wildcard = host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
  if (wildcard) {
    names.add('127.0.0.1');
    names.add('[::1]');
  } else {
    names.add(formatHost(host));
  }
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${name}:${port}`.toLowerCase());
    // Clients leave the default port out of Host.
    if (port === 80) out.add(name.toLowerCase());
  }
  for (const a of extra) out.add(a.toLowerCase());
  return out;
}

/** An IPv6 literal in brackets, as it appears in URLs and Host headers. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.trim().toLowerCase());
}

/** A request without Origin (curl, the CLI) is fine; a browser's must be one of ours. */
export function originAllowed(
  headers: Readonly<Record<string, string>>,
  allowed: ReadonlySet<string>,
): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  const m = /^http:\/\/([^/]+)$/i.exec(origin.trim());
  return m !== null && allowed.has(m[1]!.toLowerCase());
}
