import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateNames,
  fileName,
  type NameRequest,
  nameKey,
  renderFilename,
  sanitizeComponent,
} from '../../src/reconcilers/files/names.ts';
import type { Track } from '../../src/types.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const FORBIDDEN = /[/\\:*?"<>|\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Written independently of the implementation on purpose.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\..*)?$/i;
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
const clusters = (s: string) => [...graphemes.segment(s)].map((g) => g.segment);

const FAMILY = '👨‍👩‍👧‍👦'; // 4 emoji joined by 3 ZWJ: 25 bytes, one grapheme

function expectSafe(out: string, maxBytes = 255): void {
  expect(bytes(out)).toBeLessThanOrEqual(maxBytes);
  expect(out).toBe(out.normalize('NFC'));
  expect(out).not.toMatch(FORBIDDEN);
  expect(out).not.toMatch(LONE_SURROGATE);
  expect(['', '.', '..']).not.toContain(out);
  expect(out).not.toMatch(/[. ]$/);
  expect(out).toBe(out.trim());
  expect(out).not.toMatch(RESERVED);
}

// Every kind of trouble a name can bring, as units for generated strings.
const hostileUnit = fc.oneof(
  fc.constantFrom(
    '/',
    '\\',
    ':',
    '*',
    '?',
    '"',
    '<',
    '>',
    '|',
    '.',
    '..',
    ' ',
    '  ',
    '\t',
    '\n',
    '\u0000',
    '\u001F',
    '\u007F',
    '\u0085',
    '\u009F',
    '\u00A0',
    '\u3000',
    '\uFEFF',
    'CON',
    'con',
    'NUL',
    'LPT1',
    'COM¹',
    'aux',
    'prn.',
    'e',
    '\u0301',
    'é',
    'Å',
    'ß',
    'İ',
    '語',
    '😀',
    FAMILY,
    '\u200D',
    '\uD83D',
    '\uDE00',
    '\uD800',
    '\uDFFF',
    '_',
    '(2)',
  ),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const hostileString = fc.oneof(
  fc.string({ unit: hostileUnit, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.string({ unit: hostileUnit, minLength: 60, maxLength: 200 }),
);

describe('sanitizeComponent', () => {
  it.each([
    ['', '_'],
    ['.', '_'],
    ['..', '_'],
    ['...', '_'],
    [' . . ', '_'],
    ['a/b', 'a_b'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['a\\b', 'a_b'],
    ['a:b*c?d"e<f>g|h', 'a_b_c_d_e_f_g_h'],
    ['a\u0000b', 'ab'],
    ['e\u0000\u0301', 'é'],
    ['\u0000', '_'],
    ['a\u0007b\u009F\u007F', 'ab'],
    ['Artist\nTitle\tMix', 'Artist Title Mix'],
    ['  many    spaces\u00A0\u3000here  ', 'many spaces here'],
    ['Song. . .', 'Song'],
    ['Song...', 'Song'],
    ['Cafe\u0301', 'Café'],
    ['a\uD800b\uDC00c', 'abc'],
    ['😀', '😀'],
    ['CON', 'CON_'],
    ['con', 'con_'],
    ['con.mp3', 'con_.mp3'],
    ['CON .mp3', 'CON_ .mp3'],
    ['nul.tar.gz', 'nul_.tar.gz'],
    ['LPT1', 'LPT1_'],
    ['lpt9.txt', 'lpt9_.txt'],
    ['COM¹', 'COM¹_'],
    ['aux ', 'aux_'],
    ['PRN.', 'PRN_'],
    ['CONSOLE', 'CONSOLE'],
    ['Con Te Partiro', 'Con Te Partiro'],
    ['CON_', 'CON_'],
    ['COM10', 'COM10'],
  ])('%j → %j', (input, expected) => {
    const out = sanitizeComponent(input);
    expect(out).toBe(expected);
    expectSafe(out);
    expect(sanitizeComponent(out)).toBe(out);
  });

  it('cuts 300 bytes of ASCII to 255', () => {
    expect(sanitizeComponent('a'.repeat(300))).toBe('a'.repeat(255));
  });

  it('cuts 3-byte characters at a character boundary', () => {
    const out = sanitizeComponent('語'.repeat(100));
    expect(out).toBe('語'.repeat(85));
    expect(bytes(out)).toBe(255);
  });

  it('never splits a surrogate pair (4-byte emoji)', () => {
    const out = sanitizeComponent('😀'.repeat(75));
    expect(out).toBe('😀'.repeat(63));
    expect(out).not.toMatch(LONE_SURROGATE);
  });

  it('keeps emoji ZWJ sequences whole', () => {
    const out = sanitizeComponent(FAMILY.repeat(12));
    expect(out).toBe(FAMILY.repeat(10));
    expect(clusters(out).every((g) => g === FAMILY)).toBe(true);
  });

  it('keeps a base letter with its combining marks (NFD input)', () => {
    const out = sanitizeComponent('e\u0301\u0323'.repeat(80), 20);
    expect(out).toBe(out.normalize('NFC'));
    const whole = 'e\u0301\u0323'.normalize('NFC');
    expect(clusters(out).every((g) => g === whole)).toBe(true);
  });

  it('cuts inside a single cluster only when the cluster alone is over the budget', () => {
    const out = sanitizeComponent('e' + '\u0301'.repeat(300));
    expectSafe(out);
    expect(out.startsWith('é')).toBe(true);
  });

  it('re-trims trailing dots and spaces exposed by the cut', () => {
    expect(sanitizeComponent('a'.repeat(254) + ' b')).toBe('a'.repeat(254));
    expect(sanitizeComponent('a'.repeat(250) + '.....xyz')).toBe('a'.repeat(250));
  });

  it('re-checks reserved names exposed by a cut', () => {
    expect(sanitizeComponent('CON.mp3', 5)).toBe('CON_');
    expect(sanitizeComponent('CONSOLE', 3)).toBe('_');
  });

  it('handles tiny budgets', () => {
    expect(sanitizeComponent('CON', 3)).toBe('_');
    expect(sanitizeComponent('abc', 1)).toBe('a');
    expect(sanitizeComponent('語', 2)).toBe('_');
    expect(() => sanitizeComponent('a', 0)).toThrow(RangeError);
  });

  it('property: always a safe component within the budget, and idempotent', () => {
    fc.assert(
      fc.property(hostileString, fc.integer({ min: 1, max: 300 }), (input, maxBytes) => {
        const out = sanitizeComponent(input, maxBytes);
        expectSafe(out, maxBytes);
        expect(sanitizeComponent(out, maxBytes)).toBe(out);
        const def = sanitizeComponent(input);
        expectSafe(def);
        expect(sanitizeComponent(def)).toBe(def);
      }),
      { numRuns: 2000 },
    );
  });
});

// --------------------------------------------------------------------------------------------------------

describe('fileName', () => {
  it('joins stem, suffix and extension', () => {
    expect(fileName('A - Song', '', 'mp3')).toBe('A - Song.mp3');
    expect(fileName('A - Song', ' (2)', 'flac')).toBe('A - Song (2).flac');
    expect(fileName('Deep House', '', '')).toBe('Deep House');
    expect(fileName('Deep House', ' (3)', '')).toBe('Deep House (3)');
  });

  it('cuts the stem and keeps suffix and extension', () => {
    const out = fileName('a'.repeat(300), ' (12)', 'mp3');
    expect(out).toBe('a'.repeat(255 - 9) + ' (12).mp3');
    expect(bytes(out)).toBe(255);
  });

  it('cuts 4-byte stems on a code point boundary', () => {
    const out = fileName('😀'.repeat(75), ' (2)', 'mp3');
    expect(out.endsWith(' (2).mp3')).toBe(true);
    expect(out).not.toMatch(LONE_SURROGATE);
    expect(bytes(out)).toBeLessThanOrEqual(255);
  });

  it('re-trims the cut stem and re-checks reserved names', () => {
    expect(fileName('a'.repeat(250) + ' . b', '', 'mp3')).toBe('a'.repeat(250) + '.mp3');
    expect(fileName('CONSOLE', '', 'mp3', 7)).toBe('_.mp3');
    expect(fileName('CON_', '', 'mp3')).toBe('CON_.mp3');
  });

  it('refuses a suffix and extension that leave no room', () => {
    expect(() => fileName('a', ' (2)', 'mp3', 8)).toThrow(RangeError);
  });

  it('property: extension and suffix intact, ≤ 255 bytes, a safe name', () => {
    fc.assert(
      fc.property(
        hostileString,
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom('mp3', 'flac', 'm4a', ''),
        (raw, n, ext) => {
          const stem = sanitizeComponent(raw);
          const suffix = n === 1 ? '' : ` (${n})`;
          const out = fileName(stem, suffix, ext);
          const tail = suffix + (ext === '' ? '' : `.${ext}`);
          expect(out.endsWith(tail)).toBe(true);
          expect(bytes(out)).toBeLessThanOrEqual(255);
          expectSafe(out);
          const cut = out.slice(0, out.length - tail.length);
          expect(cut).toBe(sanitizeComponent(cut));
          expect(stem.startsWith(cut) || cut === '_').toBe(true);
          if (suffix === '' && bytes(stem + tail) <= 255) expect(out).toBe(stem + tail);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// --------------------------------------------------------------------------------------------------------

describe('nameKey', () => {
  it('makes NFC, NFD and upper-case spellings collide', () => {
    const keys = new Set(['Café.mp3', 'Cafe\u0301.mp3', 'CAFÉ.mp3', 'CAFE\u0301.MP3'].map(nameKey));
    expect(keys.size).toBe(1);
  });

  it('keeps different names apart', () => {
    expect(nameKey('Cafe.mp3')).not.toBe(nameKey('Café.mp3'));
    expect(nameKey('a')).not.toBe(nameKey('b'));
  });
});

// --------------------------------------------------------------------------------------------------------

describe('renderFilename', () => {
  const track: Track = {
    id: 't1',
    title: 'Song',
    version: 'Extended Mix',
    artists: ['Alpha', 'Beta'],
    album: 'Album',
    isrc: 'GBXXX2600001',
    bpm: 121.6,
    key: 'A',
    keyScale: 'MINOR',
    releaseDate: '2021-05-01',
  };
  const bare: Track = { id: 't2', title: 'Plain', artists: ['Solo'] };

  it.each([
    ['{artists} - {title}', track, 'Alpha, Beta - Song (Extended Mix)'],
    ['{artist} - {title}', track, 'Alpha - Song (Extended Mix)'],
    ['{artists} - {title} [{version}]', track, 'Alpha, Beta - Song [Extended Mix]'],
    ['{album} - {year} - {isrc} - {id}', track, 'Album - 2021 - GBXXX2600001 - t1'],
    ['{bpm} {key} {title}', track, '122 Am Song (Extended Mix)'],
    ['{artists} - {title}', bare, 'Solo - Plain'],
    ['{artists} - {title} ({version})', bare, 'Solo - Plain'],
    ['{artists} - {title} [{key}]', bare, 'Solo - Plain'],
    ['{artists} - {album} - {title}', bare, 'Solo - Plain'],
    ['{year} - {artists} - {title}', bare, 'Solo - Plain'],
    ['{artists} - {title} [{bpm}] ({key})', bare, 'Solo - Plain'],
    ['{artists} - {title} ({version}) {bpm}', { ...bare, bpm: 128 }, 'Solo - Plain 128'],
    ['({album} - {title})', bare, '(Plain)'],
    ['{artists} - {title} {foo}', bare, 'Solo - Plain {foo}'],
    ['{album}', bare, 't2'],
  ] as const)('%j', (template, t, expected) => {
    expect(renderFilename(template, t)).toBe(expected);
  });

  it('does not repeat a version the title already carries', () => {
    const t = { ...track, title: 'Song (Extended Mix)' };
    expect(renderFilename('{artists} - {title}', t)).toBe('Alpha, Beta - Song (Extended Mix)');
    expect(renderFilename('{title}', { ...track, title: 'Song (extended mix)' })).toBe('Song (extended mix)');
  });

  it('spells keys the way DJs read them', () => {
    const k = (key: string, keyScale?: string) => renderFilename('{key}', { ...bare, key, keyScale });
    expect(k('A', 'MINOR')).toBe('Am');
    expect(k('FSharp', 'MAJOR')).toBe('F#');
    expect(k('CSharp', 'MINOR')).toBe('C#m');
    expect(k('Eb', 'AEOLIAN')).toBe('Ebm');
    expect(k('G')).toBe('G');
    expect(k('UNKNOWN', 'MINOR')).toBe('t2');
  });

  it('leaves values that look like separators alone', () => {
    expect(renderFilename('{artists} - {title}', { id: 'x', title: '- -', artists: ['-M-'] })).toBe(
      '-M- - - -',
    );
  });

  it('treats bpm 0 and invalid dates as missing', () => {
    expect(renderFilename('{title} {bpm} {year}', { ...bare, bpm: 0, releaseDate: 'soon' })).toBe('Plain');
  });

  it('is not sanitized yet', () => {
    expect(renderFilename('{artists} - {title}', { id: 'x', title: 'A/B', artists: ['AC/DC'] })).toBe(
      'AC/DC - A/B',
    );
  });
});

// --------------------------------------------------------------------------------------------------------

const mp3 = { maxBytes: 255, ext: () => 'mp3' };

function expectUnique(names: Map<string, string>): void {
  const keys = [...names.values()].map(nameKey);
  expect(new Set(keys).size).toBe(keys.length);
}

/** Whether `name` is one of the names allocateNames may give `stem`. */
function validFor(name: string, stem: string, ext: string, maxBytes = 255): boolean {
  if (name === fileName(stem, '', ext, maxBytes)) return true;
  const m = / \((\d+)\)(?:\.[^.]*)?$/.exec(name);
  return m !== null && Number(m[1]) >= 2 && name === fileName(stem, ` (${m[1]})`, ext, maxBytes);
}

describe('allocateNames', () => {
  it('gives each item its plain name when nothing collides', () => {
    const out = allocateNames(
      [
        { key: 't1', stem: 'A - One' },
        { key: 't2', stem: 'A - Two' },
      ],
      mp3,
    );
    expect([...out]).toEqual([
      ['t1', 'A - One.mp3'],
      ['t2', 'A - Two.mp3'],
    ]);
  });

  it('gives two tracks differing only by case distinct names with a (2) suffix', () => {
    const out = allocateNames(
      [
        { key: 't1', stem: 'Artist - Song' },
        { key: 't2', stem: 'ARTIST - SONG' },
        { key: 't3', stem: 'Artist - So\u0301ng'.normalize('NFD') },
        { key: 't4', stem: 'artist - só\u0301ng' },
      ],
      mp3,
    );
    expect(out.get('t1')).toBe('Artist - Song.mp3');
    expect(out.get('t2')).toBe('ARTIST - SONG (2).mp3');
    expectUnique(out);
  });

  it('collides NFC and NFD spellings of the same name', () => {
    const out = allocateNames(
      [
        { key: 't1', stem: 'Café' },
        { key: 't2', stem: 'Cafe\u0301' },
      ],
      mp3,
    );
    expect(out.get('t2')).toBe('Cafe\u0301 (2).mp3'.normalize('NFC'));
  });

  it('takes the smallest free suffix', () => {
    const items: NameRequest[] = [
      { key: 'a', stem: 'X', previous: 'X (3).mp3' },
      { key: 'b', stem: 'X' },
      { key: 'c', stem: 'X' },
      { key: 'd', stem: 'X' },
    ];
    expect([...allocateNames(items, mp3).values()]).toEqual(['X (3).mp3', 'X.mp3', 'X (2).mp3', 'X (4).mp3']);
  });

  it('keeps previous names that are still valid (sticky), even over a newcomer', () => {
    const items: NameRequest[] = [
      { key: 'new', stem: 'X' },
      { key: 'old', stem: 'X', previous: 'X.mp3' },
      { key: 'old2', stem: 'X', previous: 'X (2).mp3' },
    ];
    const out = allocateNames(items, mp3);
    expect(out.get('old')).toBe('X.mp3');
    expect(out.get('old2')).toBe('X (2).mp3');
    expect(out.get('new')).toBe('X (3).mp3');
    expect([...out.keys()]).toEqual(['new', 'old', 'old2']);
  });

  it('keeps a suffix after the item that caused it is gone', () => {
    const out = allocateNames([{ key: 'b', stem: 'X', previous: 'X (2).mp3' }], mp3);
    expect(out.get('b')).toBe('X (2).mp3');
  });

  it('gives a contested previous name to the earlier item', () => {
    const out = allocateNames(
      [
        { key: 'a', stem: 'X', previous: 'X.mp3' },
        { key: 'b', stem: 'x', previous: 'x.mp3' },
      ],
      mp3,
    );
    expect(out.get('a')).toBe('X.mp3');
    expect(out.get('b')).toBe('x (2).mp3');
  });

  it('renames an item whose previous name no longer fits its stem', () => {
    const items: NameRequest[] = [
      { key: 'a', stem: 'New Title', previous: 'Old Title.mp3' },
      { key: 'b', stem: 'X', previous: 'X (02).mp3' },
      { key: 'c', stem: 'X', previous: 'X (1).mp3' },
      { key: 'd', stem: 'Y', previous: 'Y.flac' },
    ];
    expect([...allocateNames(items, mp3).values()]).toEqual(['New Title.mp3', 'X.mp3', 'X (2).mp3', 'Y.mp3']);
  });

  it('accepts a stem that itself ends in a number in brackets', () => {
    const out = allocateNames([{ key: 'a', stem: 'Song (2)', previous: 'Song (2).mp3' }], mp3);
    expect(out.get('a')).toBe('Song (2).mp3');
  });

  it('uses the per-item extension; folders have none', () => {
    const out = allocateNames(
      [
        { key: 'p1', stem: 'Deep House' },
        { key: 'p2', stem: 'deep house' },
        { key: 't1', stem: 'Deep House' },
      ],
      { maxBytes: 255, ext: (k) => (k.startsWith('p') ? '' : 'flac') },
    );
    expect([...out.values()]).toEqual(['Deep House', 'deep house (2)', 'Deep House.flac']);
  });

  it('stays within maxBytes with a suffix, also for long names that only differ after the cut', () => {
    const items: NameRequest[] = Array.from({ length: 20 }, (_, i) => ({
      key: `t${i}`,
      stem: sanitizeComponent('語'.repeat(90) + i),
    }));
    const out = allocateNames(items, mp3);
    expectUnique(out);
    for (const name of out.values()) {
      expect(bytes(name)).toBeLessThanOrEqual(255);
      expect(name.endsWith('.mp3')).toBe(true);
    }
    expect(out.get('t1')).toMatch(/ \(2\)\.mp3$/);
  });

  it('refuses duplicate keys', () => {
    expect(() =>
      allocateNames(
        [
          { key: 'a', stem: 'X' },
          { key: 'a', stem: 'Y' },
        ],
        mp3,
      ),
    ).toThrow(/duplicate key/);
  });

  it('handles 100,000 items with the same stem in linear time', () => {
    const items: NameRequest[] = Array.from({ length: 100_000 }, (_, i) => ({
      key: `t${i}`,
      stem: i % 2 === 0 ? 'Intro' : 'INTRO',
      ...(i % 7 === 0 ? { previous: `${i % 2 === 0 ? 'Intro' : 'INTRO'} (${i + 2}).mp3` } : {}),
    }));
    const started = performance.now();
    const out = allocateNames(items, mp3);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(out.size).toBe(100_000);
    expectUnique(out);
    expect(out.get('t0')).toBe('Intro (2).mp3');
    expect(out.get('t7')).toBe('INTRO (9).mp3');
    expect(out.get('t1')).toBe('INTRO.mp3');
    expect(out.get('t2')).toBe('Intro (3).mp3');
  });

  it('property: unique, valid for each stem, deterministic, and a fixpoint when fed back', () => {
    const stems = fc.constantFrom(
      'Song',
      'SONG',
      'song',
      'Café',
      'Cafe\u0301',
      'Other',
      'X (2)',
      'X',
      '語'.repeat(84),
    );
    const item = fc.record({
      stem: stems.map((s) => sanitizeComponent(s)),
      prev: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      ext: fc.constantFrom('mp3', 'MP3', ''),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.constantFrom(255, 40), (raw, maxBytes) => {
        const exts = new Map(raw.map((r, i) => [`k${i}`, r.ext]));
        const opts = { maxBytes, ext: (k: string) => exts.get(k)! };
        const items: NameRequest[] = raw.map((r, i) => ({
          key: `k${i}`,
          stem: r.stem,
          ...(r.prev === undefined
            ? {}
            : { previous: fileName(r.stem, r.prev === 1 ? '' : ` (${r.prev})`, r.ext, maxBytes) }),
        }));
        const out = allocateNames(items, opts);
        expect(out.size).toBe(items.length);
        expectUnique(out);
        expect(allocateNames(items, opts)).toEqual(out);
        const held = new Set([...out.values()].map(nameKey));
        for (const req of items) {
          const name = out.get(req.key)!;
          const ext = exts.get(req.key)!;
          expect(bytes(name)).toBeLessThanOrEqual(maxBytes);
          expect(validFor(name, req.stem, ext, maxBytes)).toBe(true);
          if (name === req.previous) continue;
          // A name that was not kept is the smallest free one: every smaller candidate is held by another item.
          const n =
            name === fileName(req.stem, '', ext, maxBytes)
              ? 1
              : Number(/ \((\d+)\)(?:\.[^.]*)?$/.exec(name)![1]);
          for (let k = 1; k < n; k++) {
            const smaller = fileName(req.stem, k === 1 ? '' : ` (${k})`, ext, maxBytes);
            expect(held.has(nameKey(smaller))).toBe(true);
          }
        }
        // Stickiness: feeding the result back as `previous` changes nothing, even in another order.
        const again = items.map((req) => ({ key: req.key, stem: req.stem, previous: out.get(req.key)! }));
        expect(allocateNames(again, opts)).toEqual(out);
        const reversed = allocateNames([...again].reverse(), opts);
        for (const [k, v] of out) expect(reversed.get(k)).toBe(v);
        // Newcomers never displace the names already held.
        const grown = allocateNames([{ key: 'new', stem: items[0]?.stem ?? 'Song' }, ...again], opts);
        for (const [k, v] of out) expect(grown.get(k)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });
});
