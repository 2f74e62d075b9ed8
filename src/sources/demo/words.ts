// Vocabulary of the demo catalogue: genres with their tempo and era, and the words that titles, artists,
// albums and playlist names are built from. All names are made up.

/** Comma-separated so the lists stay compact under the formatter; names never contain commas. */
function list(text: string): readonly string[] {
  return text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
}

export interface Genre {
  id: string;
  label: string;
  bpm: [number, number];
  years: [number, number];
  /** Relative share of the catalogue. */
  weight: number;
  explicitRate: number;
  noBpmRate: number;
  /** Radio edits and long album cuts skew the duration; [min, max] seconds of a typical cut. */
  duration: [number, number];
}

export const GENRES: readonly Genre[] = [
  g('deep-house', 'Deep House', [118, 124], [1990, 2026], 14, 0.02, 0.08, [320, 480]),
  g('tech-house', 'Tech House', [124, 128], [2004, 2026], 10, 0.04, 0.06, [300, 420]),
  g('techno', 'Techno', [128, 140], [1988, 2026], 12, 0.01, 0.07, [330, 500]),
  g('melodic', 'Melodic Techno', [120, 126], [2012, 2026], 7, 0.01, 0.06, [360, 520]),
  g('disco', 'Disco', [110, 128], [1975, 2026], 9, 0.02, 0.12, [240, 420]),
  g('nu-disco', 'Nu-Disco', [112, 122], [2005, 2026], 6, 0.03, 0.08, [280, 400]),
  g('afro', 'Afro House', [118, 124], [2010, 2026], 6, 0.02, 0.08, [330, 480]),
  g('dnb', 'Drum & Bass', [170, 175], [1995, 2026], 6, 0.06, 0.05, [240, 380]),
  g('breaks', 'Breaks', [125, 135], [1995, 2026], 4, 0.03, 0.1, [280, 400]),
  g('garage', 'UK Garage', [130, 134], [1997, 2026], 4, 0.05, 0.08, [230, 360]),
  g('electro', 'Electro', [125, 135], [1982, 2026], 3, 0.02, 0.1, [260, 400]),
  g('hiphop', 'Hip-Hop', [85, 100], [1985, 2026], 6, 0.35, 0.1, [160, 270]),
  g('downtempo', 'Downtempo', [85, 110], [1992, 2026], 6, 0.03, 0.2, [220, 400]),
  g('ambient', 'Ambient', [85, 110], [1978, 2026], 2, 0, 0.5, [300, 720]),
  g('amapiano', 'Amapiano', [110, 115], [2016, 2026], 3, 0.08, 0.08, [330, 480]),
  g('jungle', 'Jungle', [160, 175], [1992, 2026], 2, 0.05, 0.1, [260, 420]),
];

function g(
  id: string,
  label: string,
  bpm: [number, number],
  years: [number, number],
  weight: number,
  explicitRate: number,
  noBpmRate: number,
  duration: [number, number],
): Genre {
  return { id, label, bpm, years, weight, explicitRate, noBpmRate, duration };
}

export const FIRST_NAMES = list(`
  Marcus, Lena, Kenji, Amara, Jonas, Sofia, Thabo, Ines, Luca, Maya, Oskar, Nadia, Rafael, Yuki,
  Kwame, Elif, Mateo, Freya, Dario, Aisha, Henrik, Priya, Tomás, Zoë, Malik, Clara, Felix, Nia, Sven,
  Lucía, Andre, Hana, Olu, Greta, Pablo, Chloé, Kofi, Ingrid, Ravi, Mireille, Jesse, Anouk, Diego,
  Saoirse, Emeka, Björn, Leïla, Nikolai, Carmen, Tariq, Astrid, Joaquín, Femi, Vera, Idris, Noor,
  Linus, Paloma, Sipho, Agnès, Rory, Mei, Kasper, Dalia, Ezra, Rosa, Bram, Ayla, Quentin, Wanjiru
`);

export const LAST_NAMES = list(`
  Weber, Okafor, Sato, Lindqvist, Moreau, Santos, Nkosi, Fischer, Rossi, Kowalski, Haddad, Jensen,
  Mendes, Tanaka, Mensah, Dubois, Larsen, Ferreira, Novak, Abiodun, Bergström, Castillo, Nakamura,
  Owusu, Schäfer, Van Dijk, Ortega, Kim, Adeyemi, Horvat, Müller, García, Petrov, Achebe, Laurent,
  Kaplan, Ivanova, Oyelaran, Nilsen, Brennan, O'Neill, De Souza, Marín, Yilmaz, Holm, Bianchi,
  Dlamini, Aalto, Costa, Eriksen, Blackwood, Carvalho, Vidal, Sørensen, Hart, Quist, Mbeki, Lopez,
  Stein, Crowe
`);

export const ALIAS_A = list(`
  Solar, Velvet, Midnight, Concrete, Neon, Deep, Analog, Lunar, Crystal, Echo, Hidden, Golden,
  Silent, Electric, Cosmic, Urban, Paper, Blue, Iron, Mirror, Night, Tropical, Dusty, Liquid, Static,
  Northern, Secret, Broken, Modular, Polar, Savanna, Glass
`);

export const ALIAS_B = list(`
  Drift, Collective, Unit, Society, Machine, Theory, Express, Sound System, Orchestra, Grooves,
  Tapes, Department, Club, Brothers, Sisters, Dreams, Motion, Frequency, Signal, Tribe, Circuit,
  Lovers, Experience, Project, Syndicate, Affair, Ensemble
`);

export const MONONYMS = list(`
  Kalimba, Nørdlys, Vantablack, Ozymandias, Sundara, Mirage, Halcyon, Ébène, Tessellate, Rünefold,
  Obsidian, Kintsugi, Marigold, Zephyr, Lumen, Quasar, Tundra, Saudade
`);

export const ADJECTIVES = list(`
  Endless, Golden, Broken, Electric, Silent, Purple, Hypnotic, Lost, Sweet, Dark, Higher, Deeper,
  Wild, Secret, Velvet, Cosmic, Burning, Frozen, Distant, Sacred, Restless, Tender, Infinite, Hazy,
  Magnetic, Solid, Twisted, Open, Late, First
`);

export const NOUNS = list(`
  Horizon, Groove, Dream, Fire, Rhythm, Sunrise, Signal, Motion, Paradise, Shadow, Heart, Ocean,
  Machine, Gravity, Light, Soul, Memory, River, Desire, Tension, Echo, Garden, Fever, Journey,
  Dancer, Mirror, Thunder, Satellite, Dust, Bassline, City, Rain, Spirit, Pulse, Voices, Steps,
  Waves, Dawn, Lights, Love, Night, Skyline
`);

export const PHRASES = list(`
  Don't Stop, Keep On Moving, Tonight, All Night Long, Feel The Rhythm, Lose Control, Take Me Higher,
  Move Your Body, Hold On, Let It Go, Come Together, Never Enough, Release Me, One More Time,
  Just Us, Until Dawn, Bring It Back, Can You Feel It, Say My Name, Body Talk, Stay With Me,
  Turn It Up, Show Me Love, Right Here, Nuit Blanche, Amor Eterno, Sommernacht, Água Viva,
  Été Indien, Ça Va, Kärlek, Señorita, Jour de Fête, Mañana, Sehnsucht, Sakura, Ubuntu, Yébo, Ngoma
`);

export const ALBUM_WORDS = list(`
  Night Moves, Deep Cuts, Sessions, Afterglow, Club Classics, Summer Sampler, Basement Tapes,
  Future Sounds, Late Night Tales, Warehouse Anthems, Sunset Grooves, Selected Works,
  Dance Floor Weapons, Edits, Rarities, Balearic Beats, Future Disco, Underground Sound
`);

export const COUNTRIES = ['GB', 'US', 'DE', 'NL', 'FR', 'SE', 'NO', 'IT', 'ES', 'BE', 'ZA', 'AU', 'JP', 'BR'];

export const KEYS = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

export const VENUES = list(`
  Panorama Bar, Fabrik, Warehouse Project, Rooftop, Boat Party, Beach Club, Basement, Open Air,
  Wedding, Radio Show, Festival Tent, Afterparty, Record Store, Loft Party
`);

export const MOODS = list(`
  Warm-up, Peak Time, Closing, Deep Cuts, Bangers, Tools, Vocals, Dubs, Selects, Crate, Edits,
  Classics, New In, Maybe, B2B, Sunrise, Groovers, Rollers
`);
