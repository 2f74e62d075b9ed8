// Owns how a cratesync Track fills rekordbox TRACK attributes (reference §2). Unknown values take the
// format's own "unknown" spelling, as rekordbox writes it for an unanalysed file: 0 for integers,
// `0.00` for AverageBpm and an empty Tonality.

import { camelot } from '../../sources/tidal/map.ts';
import type { Track } from '../../types.ts';

/** Title with its version in parentheses, unless the title already says it ("Song (Extended Mix)"). */
export function trackName(t: Track): string {
  const version = t.version?.trim() ?? '';
  if (version === '' || fold(t.title).includes(fold(version))) return t.title;
  return t.title === '' ? `(${version})` : `${t.title} (${version})`;
}

export function trackArtist(t: Track): string {
  return t.artists.join(', ');
}

/** The release year, 0 when unknown. */
export function trackYear(t: Track): number {
  const year = /^\d{4}/.exec(t.releaseDate?.trim() ?? '')?.[0];
  return year === undefined ? 0 : Number(year);
}

/** Whole seconds, 0 when unknown. */
export function trackTotalTime(t: Track): number {
  const s = t.durationSeconds;
  return s !== undefined && Number.isFinite(s) && s > 0 ? Math.round(s) : 0;
}

/** `128.00`; `0.00` when unknown, as rekordbox writes it before analysis. */
export function trackAverageBpm(t: Track): string {
  const bpm = t.bpm;
  return (bpm !== undefined && Number.isFinite(bpm) && bpm > 0 ? bpm : 0).toFixed(2);
}

// rekordbox's own spelling of the 24 keys (sharps and flats as its key column shows them), by Camelot code.
const CLASSIC: ReadonlyMap<string, string> = new Map([
  ['1A', 'Abm'],
  ['1B', 'B'],
  ['2A', 'Ebm'],
  ['2B', 'F#'],
  ['3A', 'Bbm'],
  ['3B', 'Db'],
  ['4A', 'Fm'],
  ['4B', 'Ab'],
  ['5A', 'Cm'],
  ['5B', 'Eb'],
  ['6A', 'Gm'],
  ['6B', 'Bb'],
  ['7A', 'Dm'],
  ['7B', 'F'],
  ['8A', 'Am'],
  ['8B', 'C'],
  ['9A', 'Em'],
  ['9B', 'G'],
  ['10A', 'Bm'],
  ['10B', 'D'],
  ['11A', 'F#m'],
  ['11B', 'A'],
  ['12A', 'Dbm'],
  ['12B', 'E'],
]);

/**
 * The key in classic notation (`Am`, `F#m`, `Db`), or '' when unknown. The reference finds both classic
 * and Camelot in rekordbox files and prefers neither; classic is what its real rekordbox export holds
 * (`Fm`), and it says the key itself rather than one notation of it. Going through the Camelot code
 * keeps one rule for major/minor: modal scales (dorian, …) have no Camelot position and get no key.
 */
export function trackTonality(t: Track): string {
  const code = t.camelot?.trim().toUpperCase() || camelot(t.key, t.keyScale);
  return (code !== undefined && CLASSIC.get(code)) || '';
}

function fold(s: string): string {
  return s.normalize('NFC').toLowerCase();
}
