// The parts of the filter language on their own: keys, written values, text patterns, and what the loader
// puts into DesiredState.children.

import { describe, expect, it } from 'vitest';
import { toBaseInput } from '../../../src/desired/filters/evaluate.ts';
import { compatibleKeys, parseKey, trackKey } from '../../../src/desired/filters/keys.ts';
import { globSource, parseRegex } from '../../../src/desired/filters/text.ts';
import { dateSpan, parseDuration, parseRange } from '../../../src/desired/filters/values.ts';
import { loadDesiredStateFromText } from '../../../src/desired/load.ts';

describe('keys', () => {
  it.each([
    ['8A', '8A'],
    ['08a', '8A'],
    ['12B', '12B'],
    ['Am', '8A'],
    ['A minor', '8A'],
    ['a min', '8A'],
    ['F#m', '11A'],
    ['Gbm', '11A'],
    ['FSharp minor', '11A'],
    ['C', '8B'],
    ['C major', '8B'],
    ['Ebmaj', '5B'],
    ['Ab', '4B'],
    ['Abm', '1A'],
    ['Bb', '6B'],
  ])('%s is %s', (text, code) => {
    expect(parseKey(text)).toBe(code);
  });

  it.each(['13A', '0A', '8C', 'H', 'Am7', ''])('%s is no key', (text) => {
    expect(parseKey(text)).toBeUndefined();
  });

  it('finds the neighbours round the wheel, wrapping at 12', () => {
    expect(compatibleKeys('8A')).toEqual(['7A', '8A', '9A', '8B']);
    expect(compatibleKeys('1B')).toEqual(['12B', '1B', '2B', '1A']);
    expect(compatibleKeys('12A')).toEqual(['11A', '12A', '1A', '12B']);
  });

  it("reads a track's key from its Camelot code or from key and scale", () => {
    expect(trackKey({ id: 'x', title: '', artists: [], camelot: '08b' })).toBe('8B');
    expect(trackKey({ id: 'x', title: '', artists: [], key: 'CSharp', keyScale: 'MINOR' })).toBe('12A');
    expect(trackKey({ id: 'x', title: '', artists: [], key: 'C', keyScale: 'DORIAN' })).toBeUndefined();
    expect(trackKey({ id: 'x', title: '', artists: [], key: 'C' })).toBeUndefined();
  });
});

describe('values', () => {
  it('reads durations', () => {
    expect(parseDuration('5:30')).toBe(330);
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('330')).toBe(330);
    expect(parseDuration('5:60')).toBeUndefined();
    expect(parseDuration('-5')).toBeUndefined();
  });

  it('reads a date as the span it names, in UTC', () => {
    expect(dateSpan('2021')).toEqual([Date.UTC(2021, 0, 1), Date.UTC(2022, 0, 1) - 1]);
    expect(dateSpan('2024-02')).toEqual([Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1) - 1]);
    expect(dateSpan('2024-02-29')).toEqual([Date.UTC(2024, 1, 29), Date.UTC(2024, 2, 1) - 1]);
    expect(dateSpan('2024-01-02T10:00:00')).toEqual([Date.UTC(2024, 0, 2, 10), Date.UTC(2024, 0, 2, 10)]);
    expect(dateSpan('2024-01-02T10:00:00+02:00')).toEqual([Date.UTC(2024, 0, 2, 8), Date.UTC(2024, 0, 2, 8)]);
    expect(dateSpan('2023-02-29')).toBeUndefined();
    expect(dateSpan('2023-13')).toBeUndefined();
  });

  it('reads inclusive ranges with open ends', () => {
    expect(parseRange('number', '118..122')).toEqual({ kind: 'range', min: { at: 118 }, max: { at: 122 } });
    expect(parseRange('number', '118..')).toEqual({ kind: 'range', min: { at: 118 } });
    expect(parseRange('number', '..-1.5')).toEqual({ kind: 'range', max: { at: -1.5 } });
    expect(parseRange('duration', '4:00..6:30')).toEqual({
      kind: 'range',
      min: { at: 240 },
      max: { at: 390 },
    });
    expect(parseRange('date', '-2w..-1d')).toEqual({
      kind: 'range',
      min: { ago: { amount: -2, unit: 'w' } },
      max: { ago: { amount: -1, unit: 'd' } },
    });
    expect(parseRange('date', '-1d..-2w')).toEqual({
      error: 'bad range "-1d..-2w": the lower end is above the upper end',
    });
    expect(parseRange('year', '2021..2020')).toEqual({
      error: 'bad range "2021..2020": the lower end is above the upper end',
    });
    // One year to the same year is the whole year, not an empty range.
    expect(parseRange('date', '2020..2020')).toEqual({
      kind: 'range',
      min: { at: Date.UTC(2020, 0, 1) },
      max: { at: Date.UTC(2021, 0, 1) - 1 },
    });
  });
});

describe('text patterns', () => {
  it('turns globs into anchored patterns over folded text', () => {
    expect(globSource('*Mix?')).toBe('^.*mix.$');
    expect(globSource('[!a-c]x.y')).toBe('^[^a-c]x\\.y$');
    expect(globSource('a[b')).toBe('^a\\[b$');
    expect(globSource('(x)+-')).toBe('^\\(x\\)\\+-$');
  });

  it('reads inline flags that JavaScript lacks', () => {
    expect(parseRegex('(?i)^moodymann')).toEqual({ source: '^moodymann', flags: 'iu' });
    expect(parseRegex('(?si)a.b')).toEqual({ source: 'a.b', flags: 'isu' });
    expect(parseRegex('^x')).toEqual({ source: '^x', flags: 'u' });
    expect(parseRegex('(?x)a')).toEqual({ error: 'unknown flag "x" in (?x); use i, m or s' });
  });
});

describe('toBaseInput', () => {
  it('takes addedAt from the entries when they cover every item', () => {
    const playlist = {
      id: 'p',
      name: 'Source Name',
      items: ['a', 'b'],
      entries: [{ trackId: 'a', addedAt: '2026-01-01T00:00:00Z' }, { trackId: 'b' }],
    };
    expect(toBaseInput(playlist, 'Local')).toEqual({
      id: 'p',
      name: 'Local',
      items: ['a', 'b'],
      addedAt: ['2026-01-01T00:00:00Z', undefined],
    });
    expect(toBaseInput({ ...playlist, entries: playlist.entries.slice(0, 1) })).toEqual({
      id: 'p',
      name: 'Source Name',
      items: ['a', 'b'],
    });
  });
});

describe('DesiredState.children', () => {
  it('holds the compiled child, its spec and the places of its names', () => {
    const text = `version: 1
source: { provider: tidal }
root: ./music
playlists: []
children:
  - name: Recent
    from: [Deep House, "Minimal Deep"]
    except: [Played Out]
    where: "addedAt:-30d.. bpm:120"
    sort: [addedAt-]
    limit: 10
    push: tidal
`;
    const [child] = loadDesiredStateFromText(text, 'library.yaml').children;
    const at = (line: number, col: number) => ({ file: 'library.yaml', line, col });
    expect(child).toEqual({
      name: 'Recent',
      index: 0,
      from: ['Deep House', 'Minimal Deep'],
      except: ['Played Out'],
      intersect: [],
      where: {
        op: 'all',
        of: [
          {
            op: 'field',
            field: 'addedAt',
            test: { kind: 'range', min: { ago: { amount: -30, unit: 'd' } } },
          },
          { op: 'field', field: 'bpm', test: { kind: 'range', min: { at: 120 }, max: { at: 120 } } },
        ],
      },
      sort: [{ field: 'addedAt', descending: true }],
      limit: 10,
      push: 'tidal',
      usesNow: true,
      spec: {
        name: 'Recent',
        from: ['Deep House', 'Minimal Deep'],
        except: ['Played Out'],
        where: 'addedAt:-30d.. bpm:120',
        sort: ['addedAt-'],
        limit: 10,
        push: 'tidal',
      },
      pos: { name: at(6, 11), from: [at(7, 12), at(7, 24)], except: [at(8, 14)], intersect: [] },
    });
    // Plain data: the run fingerprint serializes DesiredState, so it must survive JSON unchanged.
    expect(JSON.parse(JSON.stringify(child))).toEqual(child);
  });
});
