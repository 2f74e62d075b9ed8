// The built-in demo source: a generated DJ library that needs no account and no network (DESIGN §6).
// The catalogue is a pure function of { seed, playlists, tracks }: one seeded PRNG, no Math.random, no clock,
// so the same options always give a deep-equal catalogue. Every track is in 1 to 5 playlists (most in 1 or 2,
// about 2.8 on average), and the first playlists and tracks carry the awkward names of demo/awkward.ts.

import type { Catalog, Source, SourcePlaylist, Track } from '../types.ts';
import { AWKWARD_TRACKS, FIXED_PLAYLISTS } from './demo/awkward.ts';
import { createRng, type Rng } from './demo/prng.ts';
import {
  ADJECTIVES,
  ALBUM_WORDS,
  ALIAS_A,
  ALIAS_B,
  COUNTRIES,
  FIRST_NAMES,
  GENRES,
  type Genre,
  KEYS,
  LAST_NAMES,
  MONONYMS,
  MOODS,
  NOUNS,
  PHRASES,
  VENUES,
} from './demo/words.ts';

export interface DemoOptions {
  seed: number;
  playlists: number;
  tracks: number;
}

/**
 * Bump whenever a change to the generator changes its output: the fingerprint promises that equal
 * options give an equal catalogue (test/sources/demo.test.ts pins the output to catch a forgotten bump).
 */
export const DEMO_GENERATOR_VERSION = 1;

export function createDemoSource(opts: DemoOptions): Source {
  checkOptions(opts);
  return {
    provider: 'demo',
    async observe(signal: AbortSignal): Promise<Catalog> {
      signal.throwIfAborted();
      return generateDemoCatalog(opts);
    },
    async fingerprint(): Promise<string> {
      return `demo:v${DEMO_GENERATOR_VERSION}:${opts.seed}:${opts.playlists}:${opts.tracks}`;
    },
  };
}

export function generateDemoCatalog(opts: DemoOptions): Catalog {
  checkOptions(opts);
  const rng = createRng(opts.seed);
  const plans = makePlaylists(rng, opts.playlists);
  const pickers = makePickers(plans);
  const pool = makeArtistPool(rng, Math.max(40, Math.ceil(opts.tracks / 6)));
  const tracks = new Map<string, Track>();
  const items: string[][] = plans.map(() => []);
  const playlistCount = plans.length;
  // The playlists of the track being built, reused across tracks: at most five.
  const chosen = [0, 0, 0, 0, 0];
  const slots: ArtistSlots = { names: ['', '', ''], count: 0 };
  let duplicates = 0;
  let nextId = rng.int(10_000_000, 60_000_000);

  for (let i = 0; i < opts.tracks; i++) {
    nextId += rng.int(1, 997);
    const id = String(nextId);
    // The first tracks seed one playlist each, so no playlist is empty when there are enough tracks.
    const seeded = i < playlistCount ? i : -1;
    const seededGenres = seeded >= 0 ? plans[seeded]!.genres : [];
    const genre = seededGenres.length > 0 ? genreById(rng.pick(seededGenres)) : pickGenre(rng);
    const awkward = i < AWKWARD_TRACKS.length ? AWKWARD_TRACKS[i] : undefined;
    tracks.set(id, makeTrack(rng, i, id, genre, pool, slots, awkward));

    const wanted = Math.min(playlistCount, membershipCount(rng));
    // Mostly a crate of the track's own genre first; further crates cross genres more often, as in real life.
    chosen[0] = seeded >= 0 ? seeded : pickers.forGenre(rng, genre.id, 0.85);
    let count = 1;
    for (let tries = 0; count < wanted; tries++) {
      const p =
        tries < 50 ? pickers.forGenre(rng, genre.id, 0.5) : firstMissing(chosen, count, playlistCount);
      if (!includes(chosen, count, p)) chosen[count++] = p;
    }
    for (let c = 0; c < count; c++) {
      const p = chosen[c]!;
      items[p]!.push(id);
      if (rng.chance(0.004)) {
        items[p]!.push(id);
        duplicates++;
      }
    }
  }
  // A playlist holding one track twice is part of what the demo must show, however small it is.
  if (duplicates === 0 && opts.tracks > 0) {
    const first = items[0]!;
    first.push(first[0]!);
  }

  const playlists: SourcePlaylist[] = plans.map((plan, p) => {
    const list = items[p]!;
    shuffle(rng, list);
    const playlist: SourcePlaylist = {
      id: plan.id,
      name: plan.name,
      lastModifiedAt: plan.lastModifiedAt,
      items: list,
      expectedItems: list.length,
    };
    if (!plan.owned) playlist.owned = false;
    if (plan.favorite) playlist.favorite = true;
    return playlist;
  });
  return { playlists, tracks };
}

function checkOptions(opts: DemoOptions): void {
  if (!Number.isFinite(opts.seed)) {
    throw new RangeError(`demo seed must be a finite number, got ${opts.seed}`);
  }
  for (const key of ['playlists', 'tracks'] as const) {
    const n = opts[key];
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`demo ${key} must be an integer >= 0, got ${n}`);
  }
  if (opts.tracks > 0 && opts.playlists < 1) {
    throw new RangeError('demo tracks need at least one playlist to live in');
  }
}

// ------------------------------------------------------------------------------------------ playlists

interface PlaylistPlan {
  id: string;
  name: string;
  genres: string[];
  lastModifiedAt: string;
  owned: boolean;
  favorite: boolean;
  /** Relative size: real crates range from a handful of tracks to a thousand. */
  weight: number;
}

/** Every lastModifiedAt lies in the five years before this instant; a constant, not the clock. */
const NEWEST_CHANGE = Date.UTC(2026, 0, 20, 18, 0, 0);
const FIVE_YEARS_MS = 5 * 365 * 24 * 3600 * 1000;

function makePlaylists(rng: Rng, count: number): PlaylistPlan[] {
  const used = new Set<string>();
  const plans: PlaylistPlan[] = [];
  for (let i = 0; i < count; i++) {
    const fixed = FIXED_PLAYLISTS[i];
    const { name, genres } = fixed ?? uniqueGeneratedName(rng, used, i);
    used.add(name);
    const followed = i >= FIXED_PLAYLISTS.length && rng.chance(0.04);
    plans.push({
      id: uuid(rng),
      name,
      genres,
      lastModifiedAt: new Date(NEWEST_CHANGE - Math.floor(rng.next() * FIVE_YEARS_MS)).toISOString(),
      owned: !followed,
      favorite: followed || rng.chance(0.08),
      weight: (fixed ? 2 : 1) * (0.15 - Math.log(1 - rng.next())),
    });
  }
  return plans;
}

function uniqueGeneratedName(rng: Rng, used: Set<string>, index: number): { name: string; genres: string[] } {
  for (let tries = 0; tries < 5; tries++) {
    const candidate = generatedName(rng, index);
    if (!used.has(candidate.name)) return candidate;
  }
  const fallback = generatedName(rng, index);
  return { name: `${fallback.name} #${index}`, genres: fallback.genres };
}

function generatedName(rng: Rng, index: number): { name: string; genres: string[] } {
  const genre = pickGenre(rng);
  const r = rng.next();
  if (r < 0.35) return { name: `${genre.label} ${rng.int(2012, 2026)}`, genres: [genre.id] };
  if (r < 0.6) return { name: `${genre.label} – ${rng.pick(MOODS)}`, genres: [genre.id] };
  if (r < 0.75) {
    const date = isoDate(rng.int(2015, 2026), rng.int(1, 12), rng.int(1, 28));
    return { name: `Gig – ${rng.pick(VENUES)} ${date}`, genres: [genre.id, pickGenre(rng).id] };
  }
  if (r < 0.85) {
    const lo = rng.int(genre.bpm[0], genre.bpm[1]);
    return { name: `${rng.pick(MOODS)} ${lo}-${lo + 4}`, genres: [genre.id] };
  }
  if (r < 0.93) return { name: `Radio Show Ep. ${rng.int(1, 400)}`, genres: [] };
  return { name: `Crate #${index}`, genres: [] };
}

interface Pickers {
  /** A playlist of the genre with probability `affinity` (when there is one), otherwise any playlist. */
  forGenre(rng: Rng, genre: string, affinity: number): number;
}

/** Weighted playlist choice by binary search over cumulative weights: a few steps per pick at 1,000 lists. */
function makePickers(plans: PlaylistPlan[]): Pickers {
  const all = weightedPicker(
    plans.map((_, i) => i),
    plans,
  );
  const byGenre = new Map<string, (rng: Rng) => number>();
  for (const genre of GENRES) {
    const members = plans.flatMap((plan, i) => (plan.genres.includes(genre.id) ? [i] : []));
    if (members.length > 0) byGenre.set(genre.id, weightedPicker(members, plans));
  }
  return {
    forGenre: (rng, genre, affinity) => {
      const pick = byGenre.get(genre);
      return pick && rng.chance(affinity) ? pick(rng) : all(rng);
    },
  };
}

function weightedPicker(indices: number[], plans: PlaylistPlan[]): (rng: Rng) => number {
  const cumulative = new Float64Array(indices.length);
  let total = 0;
  indices.forEach((p, i) => {
    total += plans[p]!.weight;
    cumulative[i] = total;
  });
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = indices.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return indices[lo]!;
  };
}

/** 1 or 2 for about half the tracks; a long tail of tracks a DJ files under several crates. */
function membershipCount(rng: Rng): number {
  const r = rng.next();
  if (r < 0.27) return 1;
  if (r < 0.51) return 2;
  if (r < 0.63) return 3;
  if (r < 0.75) return 4;
  return 5;
}

function includes(list: number[], count: number, value: number): boolean {
  for (let i = 0; i < count; i++) if (list[i] === value) return true;
  return false;
}

function firstMissing(chosen: number[], count: number, playlists: number): number {
  for (let p = 0; p < playlists; p++) if (!includes(chosen, count, p)) return p;
  return 0;
}

function shuffle<T>(rng: Rng, list: T[]): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = list[i]!;
    list[i] = list[j]!;
    list[j] = t;
  }
}

// ------------------------------------------------------------------------------------------ tracks

const GENRE_TOTAL = GENRES.reduce((sum, genre) => sum + genre.weight, 0);
const GENRE_BY_ID = new Map(GENRES.map((genre) => [genre.id, genre]));

function genreById(id: string): Genre {
  return GENRE_BY_ID.get(id) ?? GENRES[0]!;
}

function pickGenre(rng: Rng): Genre {
  let x = rng.next() * GENRE_TOTAL;
  for (const genre of GENRES) {
    x -= genre.weight;
    if (x < 0) return genre;
  }
  return GENRES[GENRES.length - 1]!;
}

const SONG_GENRES = new Set(['hiphop', 'downtempo', 'ambient']);

function makeTrack(
  rng: Rng,
  index: number,
  id: string,
  genre: Genre,
  pool: string[],
  slots: ArtistSlots,
  awkward: (typeof AWKWARD_TRACKS)[number] | undefined,
): Track {
  pickArtists(rng, pool, slots);
  let title = makeTitle(rng);
  const baseTitle = title;
  if (slots.count < 3 && rng.chance(0.1)) {
    const featured = pickArtist(rng, pool);
    if (addArtist(slots, featured)) title += ` (feat. ${featured})`;
  }
  let version = makeVersion(rng, genre, pool, slots);
  if (awkward) {
    title = awkward.title;
    if (awkward.version !== undefined) version = awkward.version ?? undefined;
  }

  const year = releaseYear(rng, genre);
  const album = makeAlbum(rng, awkward ? awkward.title : baseTitle, year);
  const durationSeconds = makeDuration(rng, genre, version);
  const bpm = makeBpm(rng, genre);
  const key = rng.chance(0.92) ? rng.pick(KEYS) : undefined;
  const minorShare = SONG_GENRES.has(genre.id) ? 0.45 : 0.65;
  const keyScale = key && rng.chance(0.97) ? (rng.chance(minorShare) ? 'MINOR' : 'MAJOR') : undefined;
  const u = rng.next();
  // Fields every track has go into one literal and the optional ones after it: adding all of them one by
  // one makes V8 regrow the property store several times per track, which is most of the garbage at 100k.
  const track: Track = {
    id,
    title,
    artists: awkward ? [...awkward.artists] : slots.names.slice(0, slots.count),
    isrc: makeIsrc(rng, index, year),
    durationSeconds,
    releaseDate: isoDate(year, rng.int(1, 12), rng.int(1, 28)),
    explicit: rng.chance(genre.explicitRate),
    popularity: Math.round(u * u * 1000) / 1000,
  };
  if (version) track.version = version;
  if (album) track.album = album;
  if (bpm !== undefined) track.bpm = bpm;
  if (key) track.key = key;
  if (keyScale) track.keyScale = keyScale;
  return track;
}

function makeArtistPool(rng: Rng, size: number): string[] {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) pool.push(makeArtistName(rng));
  return pool;
}

function makeArtistName(rng: Rng): string {
  const r = rng.next();
  if (r < 0.45) return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  if (r < 0.72) return `${rng.pick(ALIAS_A)} ${rng.pick(ALIAS_B)}`;
  if (r < 0.8) return `DJ ${rng.pick(FIRST_NAMES)}`;
  if (r < 0.88) return rng.pick(MONONYMS);
  if (r < 0.94) return `The ${rng.pick(ALIAS_A)} ${rng.pick(ALIAS_B)}`;
  return `${rng.pick(ALIAS_A)} ${rng.pick(ALIAS_B)}`.toLowerCase();
}

/** Skewed towards the start of the pool: a few artists fill much of any collection. */
function pickArtist(rng: Rng, pool: string[]): string {
  const u = rng.next();
  return pool[Math.floor(pool.length * u ** 1.7)]!;
}

/**
 * The artists of the track being built: at most three, filled in place so that picking, adding a featured
 * artist or a remixer allocates nothing; makeTrack copies them out into an exact-size array.
 */
interface ArtistSlots {
  names: string[];
  count: number;
}

function addArtist(slots: ArtistSlots, name: string): boolean {
  if (slots.count === 3) return false;
  for (let i = 0; i < slots.count; i++) if (slots.names[i] === name) return false;
  slots.names[slots.count++] = name;
  return true;
}

function pickArtists(rng: Rng, pool: string[], slots: ArtistSlots): void {
  const r = rng.next();
  const count = r < 0.76 ? 1 : r < 0.95 ? 2 : 3;
  slots.count = 0;
  addArtist(slots, pickArtist(rng, pool));
  // A repeated pick ends the list early rather than retrying: the share of duos and trios barely moves.
  while (slots.count < count) {
    if (!addArtist(slots, pickArtist(rng, pool))) break;
  }
}

function makeTitle(rng: Rng): string {
  const r = rng.next();
  if (r < 0.3) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  if (r < 0.45) return rng.pick(NOUNS);
  if (r < 0.7) return rng.pick(PHRASES);
  if (r < 0.8) return `${rng.pick(NOUNS)} Of The ${rng.pick(NOUNS)}`;
  if (r < 0.88) return `The ${rng.pick(NOUNS)}`;
  if (r < 0.94) return `${rng.pick(PHRASES)} (${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)})`;
  return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} Pt. ${rng.int(2, 4)}`;
}

/** Stores often list the remixer among the artists as well. */
function remixerOf(rng: Rng, pool: string[], slots: ArtistSlots): string {
  const name = pickArtist(rng, pool);
  if (rng.chance(0.4)) addArtist(slots, name);
  return name;
}

function makeVersion(rng: Rng, genre: Genre, pool: string[], slots: ArtistSlots): string | undefined {
  const r = rng.next();
  if (SONG_GENRES.has(genre.id)) {
    if (r < 0.7) return undefined;
    if (r < 0.8) return `${remixerOf(rng, pool, slots)} Remix`;
    if (r < 0.9) return 'Instrumental';
    return 'Radio Edit';
  }
  if (genre.id === 'disco' && r < 0.3) return `${remixerOf(rng, pool, slots)} Edit`;
  if (r < 0.15) return undefined;
  if (r < 0.43) return 'Original Mix';
  if (r < 0.59) return 'Extended Mix';
  if (r < 0.73) return `${remixerOf(rng, pool, slots)} Remix`;
  if (r < 0.8) return 'Radio Edit';
  if (r < 0.84) return rng.chance(0.5) ? 'Dub' : `${remixerOf(rng, pool, slots)} Dub`;
  if (r < 0.87) return 'Club Mix';
  if (r < 0.92) return rng.chance(0.5) ? 'Edit' : `${remixerOf(rng, pool, slots)} Edit`;
  if (r < 0.94) return 'Instrumental';
  if (r < 0.96) return 'Remastered';
  if (r < 0.98) return rng.chance(0.5) ? 'VIP' : `${remixerOf(rng, pool, slots)} VIP Mix`;
  return `${remixerOf(rng, pool, slots)} Extended Remix`;
}

function releaseYear(rng: Rng, genre: Genre): number {
  // Disco crates are half originals from its first era, half modern edits.
  if (genre.id === 'disco' && rng.chance(0.5)) return rng.int(1975, 1986);
  const [lo, hi] = genre.years;
  const u = rng.next();
  return hi - Math.floor((hi - lo + 1) * u ** 1.8);
}

function makeAlbum(rng: Rng, title: string, year: number): string | undefined {
  const r = rng.next();
  if (r < 0.4) return title;
  if (r < 0.62) return `${rng.pick(NOUNS)} EP`;
  if (r < 0.75) return `${title} (The Remixes)`;
  if (r < 0.87) return `${rng.pick(ALBUM_WORDS)} Vol. ${rng.int(1, 12)}`;
  if (r < 0.95) return `${rng.pick(ALBUM_WORDS)} ${year}`;
  return undefined;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * CC + 3-character registrant + 2-digit year + 5-digit designation: 12 characters. Unique by construction
 * (up to 3.6 million tracks) instead of by a lookup set: the designation walks 0..99999 in a scrambled order
 * (7919 is coprime with 100000) and the registrant's first character changes every 100,000 tracks.
 */
function makeIsrc(rng: Rng, index: number, year: number): string {
  const country = rng.pick(COUNTRIES);
  const designation = (index * 7919 + 40_503) % 100_000;
  // Built from character codes: one string per ISRC instead of a chain of intermediate ones.
  return String.fromCharCode(
    country.charCodeAt(0),
    country.charCodeAt(1),
    ALNUM.charCodeAt(Math.floor(index / 100_000) % 36),
    ALNUM.charCodeAt(rng.int(0, 35)),
    ALNUM.charCodeAt(rng.int(0, 35)),
    digit(year, 10),
    digit(year, 1),
    digit(designation, 10_000),
    digit(designation, 1000),
    digit(designation, 100),
    digit(designation, 10),
    digit(designation, 1),
  );
}

/** The character code of the decimal digit of `n` at `place` (1, 10, 100, ...). */
function digit(n: number, place: number): number {
  return 48 + (Math.floor(n / place) % 10);
}

function makeDuration(rng: Rng, genre: Genre, version: string | undefined): number {
  const r = rng.next();
  if (r < 0.02) return rng.int(600, 960);
  if (r < 0.03) return rng.int(60, 150);
  if (version === 'Radio Edit') return rng.int(150, 240);
  const [lo, hi] = genre.duration;
  const extended = version?.includes('Extended') ? 60 : 0;
  return rng.int(lo + extended, hi + extended);
}

function makeBpm(rng: Rng, genre: Genre): number | undefined {
  if (rng.chance(genre.noBpmRate)) return undefined;
  const [lo, hi] = genre.bpm;
  // Analysed tempos are sometimes fractional.
  if (rng.chance(0.04)) return Math.round((rng.int(lo, hi - 1) + rng.next()) * 100) / 100;
  return rng.int(lo, hi);
}

// ------------------------------------------------------------------------------------------ helpers

const DASH = '-'.charCodeAt(0);

/** YYYY-MM-DD in one string allocation, like makeIsrc, since it runs for every track. */
function isoDate(year: number, month: number, day: number): string {
  return String.fromCharCode(
    digit(year, 1000),
    digit(year, 100),
    digit(year, 10),
    digit(year, 1),
    DASH,
    digit(month, 10),
    digit(month, 1),
    DASH,
    digit(day, 10),
    digit(day, 1),
  );
}

const HEX = '0123456789abcdef';

/** A version-4 UUID, as TIDAL uses for playlist ids, drawn from the PRNG. */
function uuid(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += HEX[rng.int(0, 15)];
  const variant = HEX[8 + rng.int(0, 3)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
