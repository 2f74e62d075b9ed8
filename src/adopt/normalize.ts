// Text normalisation for matching files to tracks by artist, title and version. Pure.
//
// A title is split into its base and its version phrases: "Song (Extended Mix)", "Song - Extended Mix",
// "Song [Extended Mix]" and title "Song" + version "Extended Mix" all give base "song" and version
// "extended mix". Featured artists in the title ("Song (feat. X)") go to the artists. "Original Mix" is
// what stores call a track that has no other version, so it counts as no version at all; every other
// version must be equal on both sides: an Extended Mix is never taken for the Original Mix.

export interface TitleParts {
  /** The folded title without its version phrases. */
  base: string;
  /** The folded, sorted version phrases, joined by ' + ' ('' for none). */
  version: string;
  /** Artists named in the title (feat./ft./with). */
  featured: string[];
}

const BRACKETED = /\s*[([{]([^()[\]{}]*)[)\]}]/g;
const FEATURING = /^(?:feat\.?|ft\.?|featuring|with)\s+(.+)$/i;
const FEAT_INLINE = /\s+(?:feat\.?|ft\.?|featuring)\s+(.+)$/i;
const VERSION_WORDS =
  /\b(?:mix|remix|rmx|edit|version|dub|rework|bootleg|vip|remaster(?:ed)?|live|instrumental|acapella|a cappella|radio|club|extended|original|reprise|demo|mono|stereo|flip)\b/i;
const NEUTRAL_VERSIONS = new Set(['original mix', 'original', 'original version']);

/** Lower case, accents and punctuation gone, '&' read as 'and', single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function splitTitle(title: string, version?: string): TitleParts {
  const versions: string[] = [];
  const featured: string[] = [];
  let rest = title.replace(BRACKETED, (_, inner: string) => {
    const feat = FEATURING.exec(inner.trim());
    if (feat) featured.push(...splitArtists(feat[1]!));
    else if (inner.trim() !== '') versions.push(inner);
    return ' ';
  });
  // "Song - Extended Mix": a dash suffix that reads like a version.
  const dash = /\s+[-–—]\s+([^-–—]+)$/.exec(rest);
  if (dash && VERSION_WORDS.test(dash[1]!)) {
    versions.push(dash[1]!);
    rest = rest.slice(0, dash.index);
  }
  const inline = FEAT_INLINE.exec(rest);
  if (inline) {
    featured.push(...splitArtists(inline[1]!));
    rest = rest.slice(0, inline.index);
  }
  if (version !== undefined && version.trim() !== '') versions.push(version);
  return { base: fold(rest), version: versionKey(versions), featured };
}

/** The version phrases as one comparable key: folded, neutral ones dropped, duplicates merged, sorted. */
export function versionKey(phrases: readonly string[]): string {
  const set = new Set<string>();
  for (const p of phrases) {
    const f = fold(p);
    if (f === '' || NEUTRAL_VERSIONS.has(f)) continue;
    set.add(f);
  }
  return [...set].sort().join(' + ');
}

/** "A, B & C feat. D" → the folded names ["a", "b", "c", "d"]. */
export function splitArtists(text: string): string[] {
  return text
    .split(/\s*(?:,|;|\/|&|\+|\bx\b|\band\b|\bfeat\.?|\bft\.?|\bfeaturing\b|\bvs\.?|\bwith\b)\s*/i)
    .map(fold)
    .filter((a) => a !== '');
}

export function artistSet(artists: readonly string[], featured: readonly string[] = []): Set<string> {
  return new Set([...artists.flatMap(splitArtists), ...featured]);
}

/** |a ∩ b| / |a ∪ b|; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}

export interface NameParts {
  artist?: string;
  title: string;
  /** Track ids the name carries: the whole stem, or a bracketed or long numeric token. */
  ids: string[];
}

/**
 * What a file name says: `01. Artist - Title (Extended Mix).flac`, `Artist - Title.mp3`, `12345678.flac`,
 * `Artist - Title [12345678].m4a`. Leading track numbers are dropped.
 */
export function parseFileName(fileName: string): NameParts {
  const dot = fileName.lastIndexOf('.');
  const stem = (dot > 0 ? fileName.slice(0, dot) : fileName).normalize('NFC').trim();
  const ids = new Set<string>([stem]);
  for (const m of stem.matchAll(/[([{]([A-Za-z0-9_-]{3,})[)\]}]/g)) ids.add(m[1]!);
  for (const m of stem.matchAll(/(?<![\p{L}\p{N}])(\d{6,})(?![\p{L}\p{N}])/gu)) ids.add(m[1]!);
  const name = stem
    .replace(/^\d{1,3}\s*[.)_]\s*/, '')
    .replace(/^\d{1,3}\s+-\s+/, '')
    .replace(/^0\d\s+/, '');
  const sep = /\s+[-–—]\s+/.exec(name);
  if (!sep) return { title: name, ids: [...ids] };
  return {
    artist: name.slice(0, sep.index),
    title: name.slice(sep.index + sep[0].length),
    ids: [...ids],
  };
}
