// `adopt.pins` in library.yaml: root-relative path or glob → source track id. A pin is the user's own word
// and beats every other evidence. An exact path beats a glob; among globs the first listed wins.
// Globs: `**` (any number of folders), `*` and `?` (never across a '/'); everything else is literal.

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
    out.push({ pattern, trackId, exact, re: new RegExp(`^${globSource(clean)}$`, 'u') });
  }
  // Exact paths first (stable: the order of library.yaml otherwise).
  return [...out.filter((p) => p.exact), ...out.filter((p) => !p.exact)];
}

export function pinFor(pins: readonly Pin[], path: string): Pin | undefined {
  const nfc = path.normalize('NFC');
  return pins.find((p) => p.re.test(path) || p.re.test(nfc));
}

function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const before = i === 0 ? '/' : glob[i - 1];
    if (c === '*' && glob[i + 1] === '*' && before === '/') {
      const after = glob[i + 2];
      if (after === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
        continue;
      }
      if (after === undefined) {
        out += '.*';
        i += 1;
        continue;
      }
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return out;
}
