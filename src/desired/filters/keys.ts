// Musical keys for filters. Every key is compared as its Camelot code (`8A`), because that is what harmonic
// mixing reasons in: `{ compatible: 8A }` means the wheel neighbours 7A, 8A, 9A and the relative key 8B.
// The wheel arithmetic itself lives with the TIDAL mapping (camelot(), which reads TIDAL's spellings) and is reused here.

import { camelot } from '../../sources/tidal/map.ts';
import type { Track } from '../../types.ts';

const CAMELOT = /^0?([1-9]|1[0-2])([AB])$/i;
// Note, accidental, then the scale; `Ab` is A flat (major) and `Abm` A flat minor, as DJ software writes them.
const KEY_NAME = /^([A-G])(sharp|flat|#|♯|b|♭)?\s*(m|min|minor|maj|major)?$/i;

/** `8A`, `08a`, `Am`, `A minor`, `F#m`, `Ebmaj`, `C` (major) → the Camelot code; undefined when unreadable. */
export function parseKey(text: string): string | undefined {
  const t = text.trim();
  const code = CAMELOT.exec(t);
  if (code) return `${Number(code[1])}${code[2]!.toUpperCase()}`;
  const m = KEY_NAME.exec(t);
  if (!m) return undefined;
  const scale = m[3]?.toLowerCase();
  const minor = scale === 'm' || scale === 'min' || scale === 'minor';
  return camelot(`${m[1]}${m[2] ?? ''}`, minor ? 'MINOR' : 'MAJOR');
}

/** The same position, one step either way round the wheel, and the relative major or minor. */
export function compatibleKeys(code: string): string[] {
  const n = Number(code.slice(0, -1));
  const letter = code.slice(-1);
  const around = (step: number): number => ((n - 1 + step + 12) % 12) + 1;
  return [`${around(-1)}${letter}`, code, `${around(1)}${letter}`, `${n}${letter === 'A' ? 'B' : 'A'}`];
}

/** The track's Camelot code: the one the source gave, else computed from key and scale. */
export function trackKey(track: Track): string | undefined {
  if (track.camelot !== undefined) return parseKey(track.camelot);
  return camelot(track.key, track.keyScale);
}

/** Wheel order for sorting: 1A, 1B, 2A, ... 12B. */
export function keyRank(code: string): number {
  return Number(code.slice(0, -1)) * 2 + (code.endsWith('B') ? 1 : 0);
}
