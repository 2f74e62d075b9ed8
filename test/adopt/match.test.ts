// The matcher and the deduplication rules as pure functions: no files, no fakes.

import { describe, expect, it } from 'vitest';
import { choosePrimary, compareQuality, propagateIdentical } from '../../src/adopt/dedupe.ts';
import { buildIndex, matchFile } from '../../src/adopt/match.ts';
import { parseFileName, splitTitle } from '../../src/adopt/normalize.ts';
import { compilePins } from '../../src/adopt/pins.ts';
import type { FileMeta, MatchResult, ScannedFile } from '../../src/adopt/types.ts';
import type { Track } from '../../src/types.ts';

const T = (id: string, title: string, artists: string[], extra: Partial<Track> = {}): Track => ({
  id,
  title,
  artists,
  durationSeconds: 300,
  ...extra,
});

const original = T('101', 'Sunrise', ['Kai Moreno'], { version: 'Original Mix', isrc: 'GBAAA2600101' });
const extended = T('102', 'Sunrise', ['Kai Moreno'], { version: 'Extended Mix', durationSeconds: 301 });
const velvet = T('103', 'Velvet', ['Nadia Ross', 'Omar K'], { durationSeconds: 240 });
const featured = T('104', 'Glow', ['Ava Stone'], { durationSeconds: 200 });
const twinA = T('105', 'Echoes', ['Lio'], { durationSeconds: 180, isrc: 'GBAAA2600105' });
const twinB = T('106', 'Echoes', ['Lio'], { durationSeconds: 181, isrc: 'GBAAA2600105' });

const meta = (m: Partial<FileMeta>): FileMeta => ({ artists: [], ids: [], lossless: false, ...m });
const file = (path: string, m: Partial<FileMeta>) => ({ path, meta: meta(m) });

function expectMatch(r: MatchResult, trackId: string, evidence: string): void {
  expect(r).toMatchObject({ kind: 'matched', trackId, evidence });
}

describe('matchFile', () => {
  const index = buildIndex([original, extended, velvet, featured]);

  it('takes a track id from the tags before anything else', () => {
    // The text says Extended Mix, the tag names the Original Mix's id: the id wins.
    const r = matchFile(
      file('a.mp3', {
        ids: ['101'],
        title: 'Sunrise (Extended Mix)',
        artists: ['Kai Moreno'],
        durationSeconds: 301,
      }),
      index,
    );
    expectMatch(r, '101', 'id-tag');
  });

  it('reads track ids from file names (tiddl and tidal-dl-ng templates) but not track numbers', () => {
    expectMatch(matchFile(file('Peak/103.flac', { durationSeconds: 1 }), index), '103', 'id-name');
    expectMatch(matchFile(file('x/Nadia Ross - Velvet [103].m4a', {}), index), '103', 'id-name');
    const numbered = buildIndex([T('01', 'Other', ['Nobody']), velvet]);
    // "01." is a track number, not the id "01".
    expectMatch(
      matchFile(file('P/01. Nadia Ross - Velvet.mp3', { durationSeconds: 240 }), numbered),
      '103',
      'name',
    );
  });

  it('matches by ISRC', () => {
    expectMatch(matchFile(file('renamed.mp3', { isrc: 'GBAAA2600101' }), index), '101', 'isrc');
  });

  it('matches artist + title + version from the tags, in any of their spellings', () => {
    for (const title of [
      'Sunrise (Extended Mix)',
      'Sunrise - Extended Mix',
      'Sunrise [Extended Mix]',
      'SUNRISE (extended mix)',
    ]) {
      expectMatch(
        matchFile(file('x.mp3', { title, artists: ['Kai Moreno'], durationSeconds: 300 }), index),
        '102',
        'tags',
      );
    }
    // A version in a tag of its own (TIT3 / VERSION).
    expectMatch(
      matchFile(
        file('x.mp3', {
          title: 'Sunrise',
          version: 'Extended Mix',
          artists: ['Kai Moreno'],
          durationSeconds: 301,
        }),
        index,
      ),
      '102',
      'tags',
    );
  });

  it('never takes the Extended Mix for the Original Mix, even at the same length', () => {
    const onlyOriginal = buildIndex([original]);
    const r = matchFile(
      file('Deep/04. Kai Moreno - Sunrise (Extended Mix).mp3', {
        title: 'Sunrise (Extended Mix)',
        artists: ['Kai Moreno'],
        durationSeconds: 300,
      }),
      onlyOriginal,
    );
    expect(r.kind).toBe('orphan');
    expect(r.kind === 'orphan' && r.reason).toMatch(/another version: "extended mix" here, "none" there/);
    // And the other way round.
    const onlyExtended = buildIndex([extended]);
    expect(
      matchFile(
        file('x.mp3', { title: 'Sunrise (Original Mix)', artists: ['Kai Moreno'], durationSeconds: 301 }),
        onlyExtended,
      ).kind,
    ).toBe('orphan');
  });

  it('reads "Original Mix" as no version, both ways', () => {
    const plain = buildIndex([T('200', 'Tides', ['Ben Ito'])]);
    expectMatch(
      matchFile(
        file('x.mp3', { title: 'Tides (Original Mix)', artists: ['Ben Ito'], durationSeconds: 300 }),
        plain,
      ),
      '200',
      'tags',
    );
    expectMatch(
      matchFile(file('x.mp3', { title: 'Sunrise', artists: ['Kai Moreno'], durationSeconds: 300 }), index),
      '101',
      'tags',
    );
  });

  it('requires the length within 3 s for a match by text', () => {
    const ok = matchFile(
      file('x.mp3', { title: 'Velvet', artists: ['Nadia Ross'], durationSeconds: 242.9 }),
      index,
    );
    expectMatch(ok, '103', 'tags');
    const off = matchFile(
      file('x.mp3', { title: 'Velvet', artists: ['Nadia Ross'], durationSeconds: 243.5 }),
      index,
    );
    expect(off.kind).toBe('orphan');
    expect(off.kind === 'orphan' && off.reason).toMatch(/3\.5 s longer or shorter/);
  });

  it('needs at least one artist in common', () => {
    const r = matchFile(
      file('x.mp3', { title: 'Velvet', artists: ['Somebody Else'], durationSeconds: 240 }),
      index,
    );
    expect(r.kind).toBe('orphan');
  });

  it('moves featured artists out of the title', () => {
    expectMatch(
      matchFile(
        file('x.mp3', { title: 'Glow (feat. Omar K)', artists: ['Ava Stone'], durationSeconds: 200 }),
        index,
      ),
      '104',
      'tags',
    );
    expectMatch(
      matchFile(
        file('x.mp3', { title: 'Glow', artists: ['Ava Stone feat. Omar K'], durationSeconds: 200 }),
        index,
      ),
      '104',
      'tags',
    );
  });

  it('falls back to "Artist - Title (Version)" in the file name for untagged files', () => {
    expectMatch(
      matchFile(
        file('Deep House/02. Kai Moreno - Sunrise (Extended Mix).flac', { durationSeconds: 300.5 }),
        index,
      ),
      '102',
      'name',
    );
    const r = matchFile(file('misc/voice memo.mp3', { durationSeconds: 12 }), index);
    expect(r).toMatchObject({ kind: 'orphan' });
  });

  it('lists equally good candidates with their scores instead of guessing', () => {
    const twins = buildIndex([twinA, twinB]);
    const r = matchFile(file('x.mp3', { title: 'Echoes', artists: ['Lio'], durationSeconds: 180.5 }), twins);
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    expect(r.candidates.map((c) => c.trackId).sort()).toEqual(['105', '106']);
    for (const c of r.candidates) expect(c.score).toBeGreaterThan(0.5);
    // One ISRC shared by two tracks that the text cannot tell apart: ambiguous too.
    const byIsrc = matchFile(file('y.mp3', { isrc: 'GBAAA2600105' }), twins);
    expect(byIsrc.kind).toBe('ambiguous');
    // Two ids in the tags that are both tracks: never guessed.
    expect(matchFile(file('z.mp3', { ids: ['105', '106'] }), twins).kind).toBe('ambiguous');
  });

  it('takes a clearly better candidate (all artists agree) over a weaker one', () => {
    const solo = T('301', 'Rise', ['Ava Stone'], { durationSeconds: 200 });
    const duo = T('302', 'Rise', ['Ava Stone', 'Omar K'], { durationSeconds: 200 });
    const r = matchFile(
      file('x.mp3', { title: 'Rise', artists: ['Ava Stone, Omar K'], durationSeconds: 200 }),
      buildIndex([solo, duo]),
    );
    expectMatch(r, '302', 'tags');
  });

  it('lets pins override every other evidence; exact paths before globs', () => {
    const pins = compilePins({
      'Old/**/*.mp3': '103',
      'Old/2019/tagged.mp3': '104',
      'Old/elsewhere.mp3': '999',
    });
    expectMatch(matchFile(file('Old/2019/tagged.mp3', { ids: ['101'] }), index, pins), '104', 'pin');
    expectMatch(matchFile(file('Old/2019/deep/any.mp3', {}), index, pins), '103', 'pin');
    const unknown = matchFile(file('Old/elsewhere.mp3', {}), index, pins);
    expect(unknown.kind === 'orphan' && unknown.reason).toMatch(/pinned to 999/);
    // `*` never crosses a folder.
    expect(compilePins({ 'Old/*.mp3': '1' })[0]!.re.test('Old/a/b.mp3')).toBe(false);
  });

  it('never adopts a file that is not readable as audio', () => {
    const r = matchFile(file('Old/103.mp3', { error: 'no audio stream found' }), index);
    expect(r.kind).toBe('orphan');
  });
});

describe('normalisation', () => {
  it('splits titles into base, version and featured artists', () => {
    expect(splitTitle('Sunrise (Extended Mix)')).toMatchObject({ base: 'sunrise', version: 'extended mix' });
    expect(splitTitle('Sunrise', 'Original Mix')).toMatchObject({ base: 'sunrise', version: '' });
    expect(splitTitle('Café del Mar (feat. Ó) - Radio Edit')).toEqual({
      base: 'cafe del mar',
      version: 'radio edit',
      featured: ['o'],
    });
    // A dash that is part of the title stays in it.
    expect(splitTitle('Part 1 - The Beginning').base).toBe('part 1 the beginning');
  });

  it('parses tidal-dl-ng and tiddl file names', () => {
    expect(parseFileName('01. Ava Stone - Lumen.flac')).toMatchObject({
      artist: 'Ava Stone',
      title: 'Lumen',
    });
    expect(parseFileName('12 - Ava Stone - Lumen (Extended Mix).mp3')).toMatchObject({
      artist: 'Ava Stone',
      title: 'Lumen (Extended Mix)',
    });
    expect(parseFileName('90000008.flac').ids).toContain('90000008');
    expect(parseFileName('Ava Stone - Lumen [90000008].m4a').ids).toContain('90000008');
    expect(parseFileName('808 State - Pacific.mp3')).toMatchObject({ artist: '808 State', title: 'Pacific' });
  });
});

describe('deduplication rules', () => {
  const f = (path: string, m: Partial<FileMeta>, extra: Partial<ScannedFile> = {}): ScannedFile => ({
    path,
    size: 100,
    mtimeMs: 1,
    ino: 0,
    nlink: 1,
    meta: meta(m),
    ...extra,
  });

  it('prefers lossless, then a higher bitrate, then the longer file', () => {
    const mp3 = f('a.mp3', { bitrate: 320_000, durationSeconds: 300 });
    const flacFile = f('b.flac', { lossless: true, bitrate: 900_000, durationSeconds: 300 });
    const low = f('c.mp3', { bitrate: 128_000, durationSeconds: 300 });
    const short = f('d.mp3', { bitrate: 320_000, durationSeconds: 30 });
    expect(choosePrimary([mp3, low, flacFile, short]).path).toBe('b.flac');
    expect(choosePrimary([low, mp3, short]).path).toBe('a.mp3');
    expect(compareQuality(short, mp3)).toBeGreaterThan(0);
  });

  it('keeps the owned file at equal quality, then one in the preferred folder', () => {
    const a = f('x/a.mp3', { bitrate: 320_000 });
    const b = f('y/b.mp3', { bitrate: 320_000 }, { owned: true });
    const c = f('z/c.mp3', { bitrate: 320_000 });
    expect(choosePrimary([a, b, c]).path).toBe('y/b.mp3');
    expect(choosePrimary([a, c], new Set(['z/c.mp3'])).path).toBe('z/c.mp3');
  });

  it('gives byte-identical copies the strongest match of their group, and refuses to pick between two', () => {
    const a = f('a.mp3', {});
    const b = f('b.mp3', {});
    const c = f('c.mp3', {});
    const results = new Map<string, MatchResult>([
      ['a.mp3', { kind: 'matched', trackId: '1', evidence: 'id-tag', score: 1, why: '' }],
      ['b.mp3', { kind: 'orphan', reason: 'untagged' }],
      ['c.mp3', { kind: 'matched', trackId: '2', evidence: 'name', score: 0.8, why: '' }],
    ]);
    propagateIdentical(results, [[a, b, c]]);
    expect(results.get('b.mp3')).toMatchObject({ kind: 'matched', trackId: '1', evidence: 'identical' });
    expect(results.get('c.mp3')).toMatchObject({ kind: 'matched', trackId: '1', evidence: 'identical' });

    const conflict = new Map<string, MatchResult>([
      ['a.mp3', { kind: 'matched', trackId: '1', evidence: 'id-name', score: 0.95, why: '' }],
      ['b.mp3', { kind: 'matched', trackId: '2', evidence: 'id-name', score: 0.95, why: '' }],
    ]);
    propagateIdentical(conflict, [[a, b]]);
    expect(conflict.get('a.mp3')?.kind).toBe('ambiguous');
    expect(conflict.get('b.mp3')?.kind).toBe('ambiguous');
  });
});
