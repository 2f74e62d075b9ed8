// Golden tests of the filter language over the hand-written catalogue (catalogue.ts): for each expression
// the exact ids, in order. Unless a test says otherwise the child takes from Deep House + Minimal Deep,
// whose union is t01 t02 t03 t04 t05 t06 t07 t10 t08 t09.

import { describe, expect, it } from 'vitest';
import { ids, run, UNION } from './catalogue.ts';

describe('field predicates', () => {
  it.each([
    ['inclusive range', { bpm: '118..122' }, ['t01', 't02', 't03', 't07', 't10']],
    ['range open above', { bpm: '120..' }, ['t01', 't03', 't04', 't06', 't10']],
    ['range open below', { bpm: '..119' }, ['t02', 't07']],
    ['one number', { bpm: 120 }, ['t01']],
    ['a list is any of its values', { bpm: [118, 128] }, ['t02', 't06']],
    ['year range', { year: '2020..' }, ['t01', 't03', 't04', 't06', 't07']],
    ['a year is the whole year of a date', { releaseDate: 2021 }, ['t01']],
    [
      'date range runs to the end of its last month',
      { releaseDate: '2019-11..2021-05' },
      ['t01', 't02', 't04'],
    ],
    ['duration as m:ss', { duration: '5:30' }, ['t01']],
    ['duration range', { duration: '6:00..' }, ['t02', 't03', 't05', 't10']],
    ['boolean', { explicit: false }, ['t01', 't06']],
    ['popularity', { popularity: '0.5..' }, ['t01', 't03', 't06']],
    ['isrc substring', { isrc: 'usxx121' }, ['t01']],
    ['playlist membership', { playlist: 'Played Out' }, ['t02', 't07']],
    ['playlist substring, any base playlist', { playlist: 'techno' }, ['t04', 't06']],
    ['several fields in one mapping must all hold', { bpm: '118..122', year: '..2020' }, ['t02', 't10']],
  ])('%s', (_name, where, expected) => {
    expect(ids(where)).toEqual(expected);
  });
});

describe('text', () => {
  it.each([
    ['substring, any of the artists', { artist: 'moodymann' }, ['t01', 't02', 't10']],
    ['substring of a second artist', { artist: 'theo' }, ['t02']],
    ['= is the whole value', { artist: '=Theo' }, []],
    ['= ignores case', { artist: '=MOODYMANN' }, ['t01', 't02', 't10']],
    ['title finds its version', { title: 'edit' }, ['t01', 't04']],
    ['title = is the title alone', { title: '=Show Me Love' }, ['t01']],
    ['title = with the version', { title: '=show me love (radio edit)' }, ['t01']],
    ['regex is case-sensitive', { artist: { regex: '^Moodymann' } }, ['t01', 't02']],
    ['(?i) makes a regex ignore case', { artist: { regex: '(?i)^moodymann' } }, ['t01', 't02', 't10']],
    ['glob is the whole value', { title: { glob: 's*' } }, ['t01', 't06']],
    ['glob with a set', { title: { glob: '*[nr]' } }, ['t02', 't03']],
    ['in is exact membership', { artist: { in: ['Echo Motion', 'kenji sato', 'Echo'] } }, ['t05', 't06']],
    ['composed accents match decomposed ones', { title: 'après' }, ['t07']],
    ['case of accented letters', { artist: 'ZOË' }, ['t03']],
    ['decomposed text in the filter', { artist: 'chloe\u0301' }, ['t07']],
  ])('%s', (_name, where, expected) => {
    expect(ids(where)).toEqual(expected);
  });
});

describe('keys', () => {
  it.each([
    [
      'Camelot neighbours of 8A: 7A 8A 9A 8B',
      { key: { compatible: '8A' } },
      ['t01', 't02', 't03', 't04', 't05', 't10'],
    ],
    ['compatible with a key name', { key: { compatible: 'C' } }, ['t01', 't04', 't07', 't10']],
    ['12A: 11A is a neighbour', { key: { compatible: '12A' } }, ['t06']],
    ['Am is 8A', { key: 'Am' }, ['t01', 't10']],
    ['A minor is 8A', { key: 'A minor' }, ['t01', 't10']],
    ['E minor is 9A', { key: 'E minor' }, ['t02', 't03']],
    ['F#m matches the TIDAL spelling FSharp', { key: 'F#m' }, ['t06']],
    ['a bare note is major', { key: 'C' }, ['t04']],
    ['lower-case Camelot', { key: '9b' }, ['t07']],
    ['a list of keys', { key: ['Dm', '11A'] }, ['t05', 't06']],
  ])('%s', (_name, where, expected) => {
    expect(ids(where)).toEqual(expected);
  });
});

describe('missing values', () => {
  it('never match a positive predicate', () => {
    // t05 has no BPM, t08 only a title, t09 no metadata at all.
    expect(ids({ bpm: '0..' })).toEqual(['t01', 't02', 't03', 't04', 't06', 't07', 't10']);
    expect(ids({ explicit: true })).toEqual(['t02']);
    expect(ids({ explicit: false })).not.toContain('t03');
    expect(ids({ key: { compatible: '11A' } })).toEqual(['t06']);
  });

  it('do match a negated one', () => {
    expect(ids({ not: { bpm: '0..' } })).toEqual(['t05', 't08', 't09']);
    expect(ids({ not: { explicit: true } })).toEqual([
      't01',
      't03',
      't04',
      't05',
      't06',
      't07',
      't10',
      't08',
      't09',
    ]);
  });
});

describe('relative dates and addedAt', () => {
  it('counts from the `now` passed in, with the earliest time a track was added', () => {
    // now = 2026-01-31. t01 was added 2026-01-20 and, earlier, 2025-01-01: the earlier one counts.
    expect(ids({ addedAt: '-30d..' })).toEqual(['t03']);
    expect(ids({ addedAt: '-2w..' })).toEqual(['t03']);
    expect(ids({ addedAt: '-1y..' })).toEqual(['t02', 't03', 't05']);
    expect(ids({ addedAt: '..2025-12-31' })).toEqual(['t01', 't02', 't05']);
    expect(ids({ releaseDate: '-5y..' })).toEqual(['t01', 't03', 't06', 't07']);
  });
});

describe('OR groups and combinators', () => {
  it('any: at least one must hold', () => {
    const where = { any: [{ year: '2023..' }, { artist: { regex: '(?i)^moodymann' } }] };
    expect(ids(where)).toEqual(['t01', 't02', 't03', 't06', 't10']);
  });

  it('all, any and not nest', () => {
    const where = {
      all: [{ bpm: '118..124' }, { any: [{ key: 'Am' }, { not: { year: '..2022' } }] }, { not: 'edit' }],
    };
    // 118..124: t01 t02 t03 t04 t07 t10; Am or after 2022: t01 t03 t10; no "edit": drops t01.
    expect(ids(where)).toEqual(['t03', 't10']);
  });

  it('the example of the issue', () => {
    const [child] = run([
      {
        name: 'Warm-up 118-122',
        from: ['Deep House', 'Minimal Deep'],
        except: ['Played Out'],
        where: {
          all: [
            { bpm: '118..122' },
            { key: { compatible: '8A' } },
            { any: [{ year: '2020..' }, { artist: { regex: '(?i)^moodymann' } }] },
            '^title:edit',
          ],
        },
        sort: ['bpm+', 'addedAt-'],
        limit: 100,
      },
    ]);
    expect(child!.trackIds).toEqual(['t10', 't03']);
  });
});

describe('query strings (beets syntax)', () => {
  it.each([
    ['field:value is a substring', 'artist:moodymann', ['t01', 't02', 't10']],
    ['^ negates a term', '^title:edit', ['t02', 't03', 't05', 't06', 't07', 't10', 't08', 't09']],
    ['- negates a term too', '-title:edit', ['t02', 't03', 't05', 't06', 't07', 't10', 't08', 't09']],
    ['terms must all hold', 'bpm:118..122 ^title:edit', ['t02', 't03', 't07', 't10']],
    ['a lone comma means or', 'artist:theo , key:11A', ['t02', 't06']],
    ['bare words search title, artist and album', 'moodymann', ['t01', 't02', 't10']],
    ['a bare word finds an album', 'mahogani', ['t01']],
    ['a negated bare word', '^moodymann bpm:120..', ['t03', 't04', 't06']],
    ['quotes keep spaces', 'artist:"van dijk"', ['t07']],
    ['single quotes too', "'café noir'", ['t03']],
    [':: is a regular expression', 'title::^S', ['t01', 't06']],
    ['= is the whole value', 'title:=jan', ['t02']],
    ['keys and open ranges', 'key:8A year:..2019', ['t10']],
    ['durations', 'duration:5:00..6:30', ['t01', 't03', 't10']],
    ['booleans', 'explicit:yes', ['t02']],
    ['relative dates', 'addedAt:-30d..', ['t03']],
    ['field names ignore case', 'releasedate:2024', ['t06']],
  ])('%s: %s', (_name, query, expected) => {
    expect(ids(query)).toEqual(expected);
  });
});

describe('set algebra', () => {
  const one = (child: Parameters<typeof run>[0][number]) => run([child])[0]!.trackIds;

  it('from: one playlist, every track once, in its order', () => {
    expect(one({ name: 'C', from: ['Deep House'] })).toEqual(['t01', 't02', 't03', 't04', 't05']);
  });

  it('from: the union, in the order listed', () => {
    expect(one({ name: 'C', from: ['Deep House', 'Minimal Deep'] })).toEqual(UNION);
    expect(one({ name: 'C', from: ['Minimal Deep', 'Deep House'] })).toEqual([
      't03',
      't06',
      't07',
      't10',
      't08',
      't09',
      't01',
      't02',
      't04',
      't05',
    ]);
  });

  it('from: by source id, and by name ignoring case', () => {
    expect(one({ name: 'C', from: ['p-tech'] })).toEqual(['t06', 't04']);
    expect(one({ name: 'C', from: ['deep HOUSE'] })).toEqual(['t01', 't02', 't03', 't04', 't05']);
  });

  it('except removes the tracks of every listed playlist', () => {
    expect(
      one({ name: 'C', from: ['Deep House', 'Minimal Deep'], except: ['Played Out', 'Techno'] }),
    ).toEqual(['t01', 't03', 't05', 't10', 't08', 't09']);
  });

  it('intersect keeps what is in every listed playlist', () => {
    expect(one({ name: 'C', from: ['Deep House', 'Minimal Deep'], intersect: ['Minimal Deep'] })).toEqual([
      't03',
      't06',
      't07',
      't10',
      't08',
      't09',
    ]);
    expect(
      one({ name: 'C', from: ['Deep House', 'Minimal Deep'], intersect: ['Minimal Deep', 'Techno'] }),
    ).toEqual(['t06']);
  });

  it('children take from children, whatever order they are listed in', () => {
    const results = run([
      { name: 'Mixed', from: ['Fast Deep', 'Played Out'] },
      { name: 'Techno Only', from: ['Techno'], except: ['fast deep'] },
      { name: 'Fast Deep', from: ['Deep House'], where: { bpm: '120..' } },
    ]);
    expect(results.map((r) => [r.name, r.trackIds])).toEqual([
      ['Mixed', ['t01', 't03', 't04', 't02', 't07']],
      ['Techno Only', ['t06']],
      ['Fast Deep', ['t01', 't03', 't04']],
    ]);
  });

  it('a name that several base playlists share means all of them', () => {
    const input = {
      bases: [
        { id: 'a', name: 'Peak', items: ['x', 'y'] },
        { id: 'b', name: 'Other', items: ['w'] },
        { id: 'c', name: 'Peak', items: ['z', 'x'] },
      ],
      tracks: new Map(),
      now: 0,
    };
    expect(run([{ name: 'C', from: ['Peak'] }], input)[0]!.trackIds).toEqual(['x', 'y', 'z']);
  });

  it('an unknown name leaves the child (and children built on it) unresolved, never empty', () => {
    const results = run([
      { name: 'A', from: ['Deep House', 'Nope'] },
      { name: 'B', from: ['A'] },
      { name: 'C', from: ['Techno'], except: ['Gone'] },
    ]);
    expect(results).toEqual([
      { name: 'A', trackIds: [], unresolved: ['Nope'] },
      { name: 'B', trackIds: [], unresolved: ['A'] },
      { name: 'C', trackIds: [], unresolved: ['Gone'] },
    ]);
  });
});

describe('sort and limit', () => {
  it.each([
    [
      'bpm ascending, missing last',
      ['bpm+'],
      ['t02', 't07', 't01', 't10', 't03', 't04', 't06', 't05', 't08', 't09'],
    ],
    [
      'bpm descending, missing still last',
      ['bpm-'],
      ['t06', 't04', 't03', 't10', 't01', 't07', 't02', 't05', 't08', 't09'],
    ],
    [
      'no suffix is ascending',
      ['bpm'],
      ['t02', 't07', 't01', 't10', 't03', 't04', 't06', 't05', 't08', 't09'],
    ],
    [
      'addedAt newest first',
      ['addedAt-'],
      ['t03', 't02', 't05', 't01', 't04', 't06', 't07', 't10', 't08', 't09'],
    ],
    [
      'key round the wheel, ties in base order',
      ['key+'],
      ['t05', 't01', 't10', 't04', 't02', 't03', 't07', 't06', 't08', 't09'],
    ],
    [
      'artists by code point, folded',
      ['artist+'],
      ['t07', 't04', 't05', 't06', 't01', 't10', 't02', 't03', 't08', 't09'],
    ],
    [
      'several keys',
      ['explicit+', 'bpm+'],
      ['t01', 't06', 't02', 't07', 't10', 't03', 't04', 't05', 't08', 't09'],
    ],
  ])('%s', (_name, sort, expected) => {
    expect(ids(undefined, { sort })).toEqual(expected);
  });

  it('limit keeps the first tracks after sorting', () => {
    expect(ids(undefined, { sort: ['bpm-'], limit: 3 })).toEqual(['t06', 't04', 't03']);
    expect(ids({ bpm: '118..122' }, { limit: 2 })).toEqual(['t01', 't02']);
    expect(ids(undefined, { limit: 50 })).toEqual(UNION);
  });
});
