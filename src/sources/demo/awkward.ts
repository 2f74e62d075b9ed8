// Names that are awkward on purpose. The demo catalogue exists to exercise the whole system, so its first
// playlists and tracks carry every naming hazard the layout rules (DESIGN §3) must survive: path separators,
// `..`, Windows reserved names, NFC and NFD accents, emoji, control characters, over-long names, names that
// collide case-insensitively or exactly, and two playlists with the same name. They come first so that even a
// small catalogue (12 playlists, 300 tracks) contains all of them.

import type { Track } from '../../types.ts';

export interface FixedPlaylist {
  name: string;
  /** Genre ids whose tracks this playlist collects; empty for a mixed playlist. */
  genres: string[];
}

export const FIXED_PLAYLISTS: readonly FixedPlaylist[] = [
  { name: 'Deep House', genres: ['deep-house'] },
  { name: 'Warm-up 118-122', genres: ['deep-house', 'nu-disco', 'afro', 'melodic'] },
  { name: 'Peak Time Techno', genres: ['techno'] },
  { name: 'Disco Edits', genres: ['disco', 'nu-disco'] },
  { name: 'Sunday Chill ☀️', genres: ['downtempo', 'ambient'] },
  // A second playlist with exactly the same name as an earlier one.
  { name: 'Peak Time Techno', genres: ['techno', 'melodic'] },
  { name: 'Afro/Organic', genres: ['afro', 'amapiano'] },
  // NFD: "Après-Club" with a combining grave accent.
  { name: 'Apre\u0300s-Club', genres: ['melodic', 'deep-house'] },
  { name: 'Drum & Bass: 170+', genres: ['dnb', 'jungle'] },
  { name: 'Closing Tracks...', genres: [] },
  { name: 'CON', genres: ['tech-house'] },
  { name: 'Hip-Hop | 85-100', genres: ['hiphop'] },
  // Ordinary names follow; a large catalogue adds generated ones after these.
  { name: 'Tech House Rollers', genres: ['tech-house'] },
  { name: 'Melodic & Progressive', genres: ['melodic'] },
  { name: 'Nu-Disco / Indie Dance', genres: ['nu-disco'] },
  { name: 'UK Garage & 2-Step', genres: ['garage'] },
  { name: 'Breaks & Electro', genres: ['breaks', 'electro'] },
  { name: 'Amapiano 🇿🇦', genres: ['amapiano'] },
  { name: 'Jungle Pressure', genres: ['jungle', 'dnb'] },
  { name: 'Ambient Mornings', genres: ['ambient', 'downtempo'] },
  { name: 'Italo & Cosmic', genres: ['disco', 'electro'] },
  { name: 'Balearic Sunset 🌅', genres: ['downtempo', 'nu-disco'] },
  { name: 'Acid Trax', genres: ['techno'] },
  { name: 'Détroit Classics', genres: ['techno', 'deep-house'] },
  { name: 'Open Air Day Set', genres: ['deep-house', 'melodic', 'afro'] },
  { name: 'After Hours', genres: ['techno', 'melodic'] },
  { name: 'Edits – To Check', genres: [] },
  { name: 'Favourites ❤️', genres: [] },
  { name: 'Vinyl Rips', genres: ['disco', 'deep-house'] },
  { name: 'Back to Back w/ Friends', genres: [] },
];

/** Over 300 bytes of UTF-8, with multi-byte characters around the 255-byte mark where names get cut. */
const LONG_TITLE =
  'The Extremely Long And Winding Extended Journey Through Every Single Room Of The Warehouse Until The Sun ' +
  'Comes Up Over The River And The Last Dancers Go Home Humming This Bassline, Part Ⅱ — Épilogue Dans ' +
  'La Lumière 🎧🌅🎶 Du Matin (Bonus Beats For The Cloakroom Staff, The Bar Team And Everyone Who Stayed)';

type Override = Pick<Track, 'title' | 'artists'> & { version?: string | null };

/** Overrides for the first tracks. `version: null` removes the generated version; absent keeps it. */
export const AWKWARD_TRACKS: readonly Override[] = [
  { title: 'Sunrise 🌅 Groove', artists: ['Solar Drift'], version: 'Original Mix' },
  // The same artist and title in NFC and in NFD: equal once normalised, so they collide on disk.
  { title: 'Café Noir', artists: ['Zoë Laurent'], version: 'Original Mix' },
  { title: 'Cafe\u0301 Noir', artists: ['Zoe\u0308 Laurent'], version: 'Dub' },
  {
    title: 'Cre\u0300me Bru\u0302le\u0301e',
    artists: ['Ju\u0308rgen Mu\u0308ller'],
    version: 'Extended Mix',
  },
  { title: 'Work/Life', artists: ['AM/PM Collective'], version: 'Extended Mix' },
  { title: 'Left\\Right', artists: ['Escape Sequence'], version: 'Dub' },
  { title: '..', artists: ['Dots'], version: null },
  { title: 'CON', artists: ['AUX'], version: 'Radio Edit' },
  { title: LONG_TITLE, artists: ['Marathon Men', 'The Night Shift Orchestra'], version: 'Extended Mix' },
  { title: 'Tab\tNew\nLine\u0000Null\u001b[31mRed', artists: ['Control\u0007Freak'], version: null },
  // "{artists} - {title}" differs only by case.
  { title: 'Into The Night', artists: ['Moon Unit'], version: 'Original Mix' },
  { title: 'Into the Night', artists: ['Moon Unit'], version: 'Radio Edit' },
  // Two different tracks with identical artists and title.
  { title: 'Midnight Express', artists: ['Hidden Grooves'], version: 'Original Mix' },
  { title: 'Midnight Express', artists: ['Hidden Grooves'], version: 'Extended Mix' },
  { title: 'Why? "Because" <Yes> | No: *Maybe*', artists: ['Punctuation'], version: null },
  { title: 'Wait For It...', artists: ['Ellipsis '], version: 'Original Mix' },
  {
    title: 'Higher (feat. Amara Okafor)',
    artists: ['Kenji Sato', 'Lena Weber', 'Amara Okafor'],
    version: 'Kenji Sato Remix',
  },
  { title: '?', artists: ['The Unknowns'], version: null },
];
