// The naming rules of cratesync (DESIGN §3): how a track or playlist becomes one path component that is valid
// on Linux, macOS and Windows/exFAT alike, and how names that would collide are told apart. Everything here is
// pure and deterministic: the planner calls it, and the same inputs must give the same names on every run.

import type { Track } from '../../types.ts';

// ---------------------------------------------------------------------------------------------- sanitize

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Line breaks and tabs separate words, so they become spaces instead of gluing the words together.
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085]/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const FORBIDDEN = /[/\\:*?"<>|]/g;
const WHITESPACE_RUN = /\s+/g;
const TRAILING_DOTS_SPACES = /[.\s]+$/;
// Windows resolves these device names before looking at the disk, whatever the extension and with trailing
// spaces ignored ("con.txt", "CON .mp3"). COM0/LPT0 and CONIN$/CONOUT$ are on Microsoft's list too.
const RESERVED = /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(?= *(?:\.|$))/i;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function sanitizeComponent(name: string, maxBytes = 255): string {
  if (!(maxBytes >= 1)) throw new RangeError(`maxBytes must be at least 1, got ${maxBytes}`);
  const cleaned = name
    .replace(LONE_SURROGATE, '')
    .replace(WHITESPACE_CONTROL, ' ')
    .replace(CONTROL, '')
    .replace(FORBIDDEN, '_')
    // NFC after the removals: dropping a control character can bring a base letter and a combining mark together.
    .normalize('NFC')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
  let out = fitBytes(cleaned, maxBytes);
  if (out === '' || out === '.' || out === '..') return '_';
  if (RESERVED.test(out)) {
    out = fitBytes(out.replace(RESERVED, '$1_'), maxBytes);
    // Only a budget of 3 bytes or less can cut the '_' off again; '_' alone is always safe.
    if (out === '' || RESERVED.test(out)) return '_';
  }
  return out;
}

/** Cut to at most maxBytes, then drop the trailing dots and spaces Windows would silently strip. */
function fitBytes(s: string, maxBytes: number): string {
  for (let budget = maxBytes; ; budget--) {
    // Re-normalising is a no-op for a cut at a grapheme boundary, but not for one inside a combining sequence.
    const out = cutToBytes(s, budget).normalize('NFC').replace(TRAILING_DOTS_SPACES, '');
    if (byteLength(out) <= maxBytes) return out;
  }
}

/** The longest prefix of `s` within maxBytes UTF-8 bytes, ending on a grapheme boundary when possible. */
function cutToBytes(s: string, maxBytes: number): string {
  if (byteLength(s) <= maxBytes) return s;
  let end = 0;
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const bytes = byteLength(segment);
    if (used + bytes > maxBytes) {
      // A single cluster larger than the budget (a mark-stacked "zalgo" letter): fall back to code points.
      if (end === 0) return cutCodePoints(segment, maxBytes);
      break;
    }
    used += bytes;
    end += segment.length;
  }
  return s.slice(0, end);
}

function cutCodePoints(s: string, maxBytes: number): string {
  let end = 0;
  let used = 0;
  for (const cp of s) {
    const bytes = byteLength(cp);
    if (used + bytes > maxBytes) break;
    used += bytes;
    end += cp.length;
  }
  return s.slice(0, end);
}

// ---------------------------------------------------------------------------------------------- render

const TOKEN = /\{(\w+)\}/g;
// Private-use code points stand in for values while the template's own punctuation is tidied, so that a value
// such as the artist "-M-" is never mistaken for a separator.
const VALUE_OPEN = '\uE000';
const VALUE_CLOSE = '\uE001';
const EMPTY = '\uE002';
const MARKERS = /[\uE000-\uE002]/g;
const VALUE_MARK = /\uE000(\d+)\uE001/g;
const EMPTY_BRACKETS = /\(\s*(?:\uE002\s*)+\)|\[\s*(?:\uE002\s*)+\]/g;
const AROUND_EMPTY = /([\s\-–—_,;:·•|/~+.]*)\uE002([\s\-–—_,;:·•|/~+.]*)/;
const OPENS = /[([]$/;
const CLOSES = /^[)\]]/;

export function renderFilename(template: string, track: Track): string {
  const values = tokenValues(template, track);
  const rendered: string[] = [];
  let skeleton = '';
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    const value = values.get(m[1]!);
    if (value === undefined) continue; // unknown token: stays in the text as written
    skeleton += template.slice(last, m.index).replace(MARKERS, '');
    last = m.index + m[0].length;
    if (value === '') {
      skeleton += EMPTY;
    } else {
      skeleton += VALUE_OPEN + rendered.length + VALUE_CLOSE;
      rendered.push(value);
    }
  }
  skeleton += template.slice(last).replace(MARKERS, '');

  for (let prev = ''; prev !== skeleton; ) {
    prev = skeleton;
    skeleton = skeleton.replace(EMPTY_BRACKETS, EMPTY);
  }
  // Each missing value takes one of the separators around it with it: "A - {album} - T" → "A - T",
  // "{album} - T" → "T", "A - T ({version})" → "A - T". Of two separators the more visible one stays.
  for (let m = AROUND_EMPTY.exec(skeleton); m; m = AROUND_EMPTY.exec(skeleton)) {
    const before = skeleton.slice(0, m.index);
    const after = skeleton.slice(m.index + m[0].length);
    const [, left = '', right = ''] = m;
    let keep = visible(right) > visible(left) ? right : left;
    if (before === '' || after === '' || OPENS.test(before) || CLOSES.test(after)) keep = '';
    skeleton = before + keep + after;
  }
  const out = skeleton.replace(VALUE_MARK, (_, i: string) => rendered[Number(i)]!).trim();
  // A name must not be empty; the track id is the one value every track has and it is stable.
  return out === '' ? track.id : out;
}

function visible(separator: string): number {
  return separator.replace(/\s/g, '').length;
}

function tokenValues(template: string, track: Track): Map<string, string> {
  const artists = track.artists.map((a) => a.trim()).filter((a) => a !== '');
  const title = track.title.trim();
  const version = track.version?.trim() ?? '';
  const bpm = track.bpm !== undefined && Number.isFinite(track.bpm) && track.bpm > 0 ? track.bpm : undefined;
  return new Map([
    ['artist', artists[0] ?? ''],
    ['artists', artists.join(', ')],
    ['title', template.includes('{version}') ? title : titleWithVersion(title, version)],
    ['version', version],
    ['album', track.album?.trim() ?? ''],
    ['year', /^\d{4}/.exec(track.releaseDate?.trim() ?? '')?.[0] ?? ''],
    ['isrc', track.isrc?.trim() ?? ''],
    ['id', track.id],
    ['bpm', bpm === undefined ? '' : String(Math.round(bpm))],
    ['key', musicalKey(track.key, track.keyScale)],
  ]);
}

function titleWithVersion(title: string, version: string): string {
  if (version === '') return title;
  if (fold(title).includes(fold(version))) return title; // "Song (Extended Mix)" already says it
  return title === '' ? `(${version})` : `${title} (${version})`;
}

function fold(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

// TIDAL spells keys as an enum mixing sharps and flats ("CSharp", "Eb"); DJs read "C#", "Eb", "Am".
export function musicalKey(key: string | undefined, scale: string | undefined): string {
  const k = key?.trim() ?? '';
  if (k === '' || k.toUpperCase() === 'UNKNOWN') return '';
  const note = k.replace(/Sharp$/i, '#').replace(/Flat$/i, 'b');
  const s = scale?.trim().toUpperCase() ?? '';
  // Every minor-type scale (aeolian is the natural minor) counts as minor: DJ notation knows only major/minor.
  const minor = s === 'AEOLIAN' || s.includes('MINOR');
  return minor ? `${note}m` : note;
}

// ---------------------------------------------------------------------------------------------- compose

export function fileName(stem: string, suffix: string, ext: string, maxBytes = 255): string {
  const tail = suffix + (ext === '' ? '' : `.${ext}`);
  const budget = maxBytes - byteLength(tail);
  if (budget < 1) throw new RangeError(`"${tail}" leaves no room for a name within ${maxBytes} bytes`);
  // Re-sanitizing a clean stem only cuts it; it also re-checks what the cut may expose ("CONSOLE" → "CON").
  return sanitizeComponent(stem, budget) + tail;
}

export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC');
}

// ---------------------------------------------------------------------------------------------- allocate

export interface NameRequest {
  /** Opaque unique id of the item (a track id or a playlist id). */
  key: string;
  /** The sanitized desired stem. */
  stem: string;
  /** The name the item held on the last run, if any. */
  previous?: string;
}

export function allocateNames(
  items: readonly NameRequest[],
  opts: { maxBytes: number; ext: (key: string) => string },
): Map<string, string> {
  const names = new Array<string | undefined>(items.length);
  const exts = new Array<string>(items.length);
  const seen = new Set<string>();
  const taken = new Set<string>();

  // Sticky names first: a file that may keep its name must not be moved because a newcomer wanted it.
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (seen.has(item.key)) throw new Error(`allocateNames: duplicate key ${JSON.stringify(item.key)}`);
    seen.add(item.key);
    const ext = opts.ext(item.key);
    exts[i] = ext;
    const prev = item.previous;
    if (prev === undefined || !stillValid(prev, item.stem, ext, opts.maxBytes)) continue;
    const k = nameKey(prev);
    if (taken.has(k)) continue;
    taken.add(k);
    names[i] = prev;
  }

  // Per base name, the next suffix number to try: numbers below it are already taken, and taken names are
  // never released, so 100,000 tracks called "Intro" cost O(n) rather than O(n²).
  const nextSuffix = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    if (names[i] !== undefined) continue;
    const { stem } = items[i]!;
    const ext = exts[i]!;
    const base = fileName(stem, '', ext, opts.maxBytes);
    const baseKey = nameKey(base);
    if (!taken.has(baseKey)) {
      taken.add(baseKey);
      names[i] = base;
      continue;
    }
    let n = nextSuffix.get(baseKey) ?? 2;
    let name = fileName(stem, ` (${n})`, ext, opts.maxBytes);
    while (taken.has(nameKey(name))) {
      n++;
      name = fileName(stem, ` (${n})`, ext, opts.maxBytes);
    }
    nextSuffix.set(baseKey, n + 1);
    taken.add(nameKey(name));
    names[i] = name;
  }

  const result = new Map<string, string>();
  for (let i = 0; i < items.length; i++) result.set(items[i]!.key, names[i]!);
  return result;
}

/** Whether `prev` is one of the names allocateNames could give this stem today: the base or a " (N)" form. */
function stillValid(prev: string, stem: string, ext: string, maxBytes: number): boolean {
  if (prev === fileName(stem, '', ext, maxBytes)) return true;
  const dotExt = ext === '' ? '' : `.${ext}`;
  if (!prev.endsWith(dotExt)) return false;
  const m = / \(([1-9]\d*)\)$/.exec(prev.slice(0, prev.length - dotExt.length));
  if (!m) return false;
  const n = Number(m[1]);
  if (n < 2 || !Number.isSafeInteger(n)) return false;
  return prev === fileName(stem, ` (${n})`, ext, maxBytes);
}
