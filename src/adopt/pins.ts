// `adopt.pins` in library.yaml: root-relative path or glob → source track id. A pin is the user's own word
// and beats every other evidence. An exact path beats a glob; among globs the first listed wins.
// Globs: `**` (any number of folders), `*` and `?` (never across a '/'); everything else is literal.

import { globSource as pathGlobSource } from '../downloaders/output-glob.ts';

export interface Pin {
  pattern: string;
  trackId: string;
  exact: boolean;
  re: RegExp;
}

export function compilePins(pins: Readonly<Record<string, string>> | undefined): Pin[] {
  const out: Pin[] = [];
  for (const [pattern, trackId] of Object.entries(pins ?? {})) {
    const clean = pattern.normalize('NFC').replace(/^\.\//, '').replace(/\\/g, '/');
    const exact = !/[*?]/.test(clean);
    out.push({ pattern, trackId, exact, re: new RegExp(`^${pathGlobSource(clean)}$`, 'u') });
  }
  // Exact paths first (stable: the order of library.yaml otherwise).
  return [...out.filter((p) => p.exact), ...out.filter((p) => !p.exact)];
}

export function pinFor(pins: readonly Pin[], path: string): Pin | undefined {
  const nfc = path.normalize('NFC');
  return pins.find((p) => p.re.test(path) || p.re.test(nfc));
}
