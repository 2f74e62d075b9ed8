// Every mistake in `children:` comes back as FILE:LINE:COL at the offending key or value, with a message that
// says what was expected: from the schema, from compiling `where`/`sort`, from the graph of children, and
// (after observing the source) from checkChildren.

import { describe, expect, it } from 'vitest';
import { checkChildren } from '../../../src/desired/filters/check.ts';
import { loadDesiredStateFromText } from '../../../src/desired/load.ts';
import { formatIssue } from '../../../src/errors.ts';
import { issuesOf } from '../helpers.ts';

const HEAD = 'version: 1\nsource:\n  provider: demo\nroot: ./music\nplaylists: []\n';
const KNOWN =
  'title, version, artist, album, year, releaseDate, bpm, key, duration, explicit, popularity, isrc, addedAt, playlist';

function problems(children: string): string[] {
  return issuesOf(() => loadDesiredStateFromText(`${HEAD}children:\n${children}`, 'library.yaml')).map(
    formatIssue,
  );
}

describe('children: the shape (schema)', () => {
  it('checks every key of a child', () => {
    expect(
      problems(`  - name: A
    from: []
    limit: 0
    sort: [bpm*]
    push: spotify
    filter: x
  - name: B
`),
    ).toEqual([
      'library.yaml:8:11: children[0].from: expected at least 1 item, got 0',
      'library.yaml:9:12: children[0].limit: expected at least 1, got 0',
      'library.yaml:10:12: children[0].sort[0]: must be a field name followed by + or -, such as bpm+ or addedAt-, got "bpm*"',
      'library.yaml:11:11: children[0].push: expected one of tidal, got "spotify"',
      'library.yaml:12:5: unknown key "filter" in children[0] (allowed: name, from, except, intersect, where, sort, limit, push)',
      'library.yaml:13:5: missing required key "from" in children[1]',
    ]);
  });

  it('checks the shape of `where`', () => {
    expect(
      problems(`  - name: A
    from: [X]
    where: { all: { bpm: 1 } }
  - name: B
    from: [X]
    where: { any: [] }
`),
    ).toEqual([
      'library.yaml:9:19: children[0].where.all: expected a list, got a mapping',
      'library.yaml:12:19: children[1].where.any: expected at least 1 item, got 0',
    ]);
  });
});

describe('children: fields, values and patterns', () => {
  it('points into a nested `where` and into query strings', () => {
    expect(
      problems(`  - name: A
    from: [Deep House]
    where:
      all:
        - bmp: 120
        - bpm: 122..118
        - artist: { regex: "(?i" }
        - key: H
        - "^title:edit tempo:fast"
    sort: [bpm+, loudness-]
`),
    ).toEqual([
      `library.yaml:11:11: unknown field "bmp" in children[0].where.all[0]; did you mean "bpm"? (known: ${KNOWN}; or all, any, not)`,
      'library.yaml:12:16: children[0].where.all[1].bpm: bad range "122..118": the lower end is above the upper end',
      'library.yaml:13:28: children[0].where.all[2].artist.regex: not a valid regular expression: Invalid group',
      'library.yaml:14:16: children[0].where.all[3].key: "H" is not a key; write a Camelot code such as 8A, or a key such as Am, A minor or F#m',
      `library.yaml:15:11: children[0].where.all[4]: unknown field "tempo" in "tempo:fast" (known: ${KNOWN})`,
      `library.yaml:16:18: children[0].sort[1]: unknown field "loudness" (known: ${KNOWN})`,
    ]);
  });

  it('reads every value by the type of its field', () => {
    expect(
      problems(`  - name: A
    from: [X]
    where:
      year: 20x0..
      duration: "5:75"
      addedAt: -30d
      releaseDate: 2021-02-30
      bpm: { regex: x }
      artist: { compatible: 8A }
      title: { glob: "[z-a]" }
      explicit: maybe
      key: { compatible: 13A }
      popularity: ".."
`),
    ).toEqual([
      'library.yaml:10:13: children[0].where.year: bad range "20x0..": "20x0" is not a year such as 2020',
      'library.yaml:11:17: children[0].where.duration: "5:75" is not a duration such as 5:30 (or seconds, 330) or a range such as 4:00..6:30',
      'library.yaml:12:16: children[0].where.addedAt: "-30d": a relative date needs a range, such as -30d..',
      'library.yaml:13:20: children[0].where.releaseDate: "2021-02-30" is not a date such as 2021-05-01, 2021-05 or 2021, or a relative date such as -30d or a range such as -30d..',
      'library.yaml:14:14: children[0].where.bpm.regex: regex applies to title, version, artist, album, isrc, playlist, not to bpm',
      'library.yaml:15:17: children[0].where.artist.compatible: compatible applies to key, not to artist',
      'library.yaml:16:22: children[0].where.title.glob: not a valid glob: "[z-a]"',
      'library.yaml:17:17: children[0].where.explicit: expected true or false, got "maybe"',
      'library.yaml:18:26: children[0].where.key.compatible: "13A" is not a key; write a Camelot code such as 8A, or a key such as Am, A minor or F#m',
      'library.yaml:19:19: children[0].where.popularity: bad range "..": give at least one end, such as 118..122',
    ]);
  });

  it('reports malformed query strings', () => {
    expect(
      problems(`  - name: A
    from: [X]
    where: "artist:theo ,"
  - name: B
    from: [X]
    where: 'artist:"theo'
  - name: C
    from: [X]
    where: "^ title::( bpm:fast"
  - name: D
    from: [X]
    where: "bpm >= 126"
`),
    ).toEqual([
      'library.yaml:9:12: children[0].where: a "," needs a query on both sides',
      'library.yaml:12:12: children[1].where: unclosed " in the query',
      'library.yaml:15:12: children[2].where: "^" negates nothing',
      'library.yaml:15:12: children[2].where: "title::(": not a valid regular expression: Unterminated group',
      'library.yaml:15:12: children[2].where: "bpm:fast": "fast" is not a number such as 120 or a range such as 118..122',
      'library.yaml:18:12: children[3].where: ">=": comparisons are written as ranges, such as bpm:126.. or year:..2019',
    ]);
  });
});

describe('children: names and cycles', () => {
  it('reports a cycle at the entry that closes it, and a repeated name', () => {
    expect(
      problems(`  - name: A
    from: [B]
  - name: B
    from: [Deep House, a]
  - name: C
    except: [C]
    from: [Deep House]
  - name: b
    from: [Deep House]
`),
    ).toEqual([
      'library.yaml:10:24: children[1].from[1]: "A" → "B" → "A" is a cycle; a child playlist cannot be built from itself, directly or through others',
      'library.yaml:12:14: children[2].except[0]: "C" takes from itself; a child playlist cannot be built from itself (when "C" is a base playlist, give the child another name)',
      'library.yaml:14:11: children[3].name: "b" is already the name of children[1]',
    ]);
  });

  it('does not treat an unknown name as an error before the source is observed', () => {
    expect(() =>
      loadDesiredStateFromText(`${HEAD}children:\n  - name: A\n    from: [Not Yet Known]\n`, 'library.yaml'),
    ).not.toThrow();
  });
});

describe('checkChildren (after observing the source)', () => {
  const desired = loadDesiredStateFromText(
    `${HEAD}children:
  - name: Deep house
    from: [Techno]
  - name: Mix
    from: [deep house, p-2, Mix Down]
    except: [Deep house]
    intersect: [Gone]
`,
    'library.yaml',
  );
  const bases = [
    { id: 'p-1', name: 'Deep House' },
    { id: 'p-2', name: 'Techno' },
  ];

  it('reports a child named like a base playlist at its name, and unknown names where they are written', () => {
    expect(checkChildren(desired.children, bases).map(formatIssue)).toEqual([
      'library.yaml:7:11: children[0].name: "Deep house" is also the name of a base playlist; a child playlist needs a name of its own',
      'library.yaml:10:29: children[1].from[2]: no base playlist or child playlist is named "Mix Down" (known: "Deep House", "Techno", "Deep house", "Mix")',
      'library.yaml:12:17: children[1].intersect[0]: no base playlist or child playlist is named "Gone" (known: "Deep House", "Techno", "Deep house", "Mix")',
    ]);
  });

  it('is quiet when every name resolves and none clashes', () => {
    const fine = loadDesiredStateFromText(
      `${HEAD}children:\n  - name: Selects\n    from: [deep house, p-2]\n`,
      'library.yaml',
    );
    expect(checkChildren(fine.children, bases)).toEqual([]);
  });
});
