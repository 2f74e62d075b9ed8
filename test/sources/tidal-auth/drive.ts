// Driving login() as a user would: watch what it prints for the authorize URL, then do the browser's part.

import { type LoginOptions, login } from '../../../src/sources/tidal/login.ts';
import type { TokenStore } from '../../../src/sources/tidal/token-store.ts';
import { browserLogin, type FakeTidalAuth } from '../../helpers/fake-tidal-auth.ts';

/** Everything printed, line by line. */
export function capture(): { lines: string[]; out: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), text: () => lines.join('\n') };
}

/** The authorize URL once it has been printed (polls; a test timeout bounds it). */
export async function printedAuthorizeUrl(printed: readonly string[] | (() => string)): Promise<string> {
  for (;;) {
    const url = authorizeUrlIn(typeof printed === 'function' ? printed() : printed.join('\n'));
    if (url) return url;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function authorizeUrlIn(text: string): string | undefined {
  return /^\s+(http\S*\/authorize\?\S+)$/m.exec(text)?.[1];
}

/** A complete login through the fake browser; resolves to login()'s result and the page the browser saw. */
export async function loginWithBrowser(
  fake: FakeTidalAuth,
  store: TokenStore,
  extra: Partial<LoginOptions> = {},
) {
  const { lines, out, text } = capture();
  const result = login({
    clientId: fake.clientId,
    authUrl: fake.url,
    store,
    port: 0,
    timeoutMs: 5000,
    out,
    ...extra,
  });
  const browser = printedAuthorizeUrl(lines).then(browserLogin);
  const [r, b] = await Promise.all([result, browser]);
  return { result: r, browser: b, printed: text() };
}
