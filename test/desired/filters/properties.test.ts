// Properties of child playlist evaluation over random catalogues, base playlists and children: a child is a
// subset of the union of its `from`, holds every track once, respects `limit`, sorts stably (ties keep the
// union order), keeps the union order without `sort`, and evaluation is deterministic.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileChildren } from '../../../src/desired/filters/compile.ts';
import { evaluateChildren } from '../../../src/desired/filters/evaluate.ts';
import type {
  BasePlaylistInput,
  ChildPlaylist,
  ChildrenInput,
  EvaluatedChild,
  RawChild,
  RawWhere,
} from '../../../src/desired/filters/types.ts';
import type { Track } from '../../../src/types.ts';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
const BASE_NAMES = ['Deep', 'Minimal', 'Played', 'Techno'];
const NOW = Date.UTC(2026, 0, 31);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const trackArb = (id: string): fc.Arbitrary<Track> =>
  fc
    .record({
      title: fc.constantFrom('Show Me Love', 'Jan', 'Café Noir', 'Edit Suite', 'Strobe', ''),
      version: maybe(fc.constantFrom('Radio Edit', 'Dub', 'Extended Mix')),
      artists: fc.subarray(['Moodymann', 'Theo Parrish', 'Zoë Laurent', 'moodymann']),
      bpm: maybe(fc.integer({ min: 110, max: 130 })),
      camelot: maybe(fc.constantFrom('7A', '8A', '9A', '8B', '11A')),
      releaseDate: maybe(fc.constantFrom('2015-06-30', '2020', '2021-05-01', '2024-09-01')),
      explicit: maybe(fc.boolean()),
      durationSeconds: maybe(fc.integer({ min: 200, max: 500 })),
    })
    .map((r) => {
      const t: Track = { id, title: r.title, artists: r.artists };
      for (const key of [
        'version',
        'bpm',
        'camelot',
        'releaseDate',
        'explicit',
        'durationSeconds',
      ] as const) {
        if (r[key] !== undefined) Object.assign(t, { [key]: r[key] });
      }
      return t;
    });

// Some ids have no metadata at all: they must behave like tracks with every field missing.
const tracksArb: fc.Arbitrary<Track[]> = fc
  .subarray(IDS, { minLength: 6 })
  .chain((ids) => fc.tuple(...ids.map(trackArb)));

const baseArb = (name: string, i: number): fc.Arbitrary<BasePlaylistInput> =>
  fc
    .array(
      fc.record({
        id: fc.constantFrom(...IDS),
        addedAt: maybe(
          fc.integer({ min: NOW - 400 * 86_400_000, max: NOW }).map((ms) => new Date(ms).toISOString()),
        ),
      }),
      { maxLength: 10 },
    )
    .map((items) => ({
      id: `p${i}`,
      name,
      items: items.map((x) => x.id),
      addedAt: items.map((x) => x.addedAt),
    }));

const WHERE: RawWhere[] = [
  { bpm: '118..122' },
  { key: { compatible: '8A' } },
  { any: [{ year: '2020..' }, { artist: { regex: '(?i)^moodymann' } }] },
  '^title:edit',
  'artist:theo , explicit:true',
  { not: { bpm: '0..' } },
  { addedAt: '-30d..' },
  { duration: '4:00..' },
  { title: { glob: '*e*' } },
];
const SORT = ['bpm+', 'bpm-', 'addedAt-', 'key+', 'artist+', 'explicit-', 'title+'];

const childArb = (name: string, earlier: string[]): fc.Arbitrary<RawChild> =>
  fc
    .record({
      from: fc
        .subarray([...BASE_NAMES, ...earlier], { minLength: 1 })
        .chain((xs) => fc.shuffledSubarray(xs, { minLength: 1 })),
      except: fc.subarray([...BASE_NAMES, ...earlier], { maxLength: 2 }),
      intersect: fc.subarray(BASE_NAMES, { maxLength: 1 }),
      where: maybe(fc.constantFrom(...WHERE)),
      sort: fc.subarray(SORT, { maxLength: 2 }),
      limit: maybe(fc.integer({ min: 1, max: 8 })),
    })
    .map((r) => {
      const child: RawChild = { name, from: r.from, except: r.except, intersect: r.intersect, sort: r.sort };
      if (r.where !== undefined) child.where = r.where;
      if (r.limit !== undefined) child.limit = r.limit;
      return child;
    });

/** Up to three children; each may take from those before it, so there is never a cycle. */
const childrenArb: fc.Arbitrary<RawChild[]> = fc.integer({ min: 1, max: 3 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      childArb(
        `Child ${i}`,
        Array.from({ length: i }, (_, j) => `Child ${j}`),
      ),
    ),
  ),
);

const worldArb = fc.record({
  tracks: tracksArb,
  bases: fc.tuple(...BASE_NAMES.map(baseArb)),
  children: childrenArb,
});

function compile(raw: RawChild[]): ChildPlaylist[] {
  const { children, issues } = compileChildren(raw, () => ({ file: 'library.yaml', line: 1, col: 1 }));
  expect(issues).toEqual([]);
  return children;
}

function inputOf(world: { tracks: Track[]; bases: BasePlaylistInput[] }): ChildrenInput {
  return { bases: world.bases, tracks: new Map(world.tracks.map((t) => [t.id, t])), now: NOW };
}

/** The members of a name: a base playlist's items or an evaluated child's ids. */
function membersOf(name: string, input: ChildrenInput, results: EvaluatedChild[]): string[] {
  const child = results.find((r) => r.name === name);
  return child ? child.trackIds : (input.bases.find((b) => b.name === name)?.items ?? []).slice();
}

const RUNS = { numRuns: 300 };

describe('child playlist evaluation', () => {
  it('gives a subset of the union of `from`, every track once, within the limit', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const children = compile(world.children);
        const input = inputOf(world);
        const results = evaluateChildren(children, input);
        results.forEach((result, k) => {
          const child = children[k]!;
          expect(result.unresolved).toEqual([]);
          const union = new Set(child.from.flatMap((name) => membersOf(name, input, results)));
          for (const id of result.trackIds) expect(union.has(id)).toBe(true);
          const excluded = new Set(child.except.flatMap((name) => membersOf(name, input, results)));
          for (const id of result.trackIds) expect(excluded.has(id)).toBe(false);
          for (const name of child.intersect) {
            const members = new Set(membersOf(name, input, results));
            for (const id of result.trackIds) expect(members.has(id)).toBe(true);
          }
          expect(new Set(result.trackIds).size).toBe(result.trackIds.length);
          if (child.limit !== undefined) expect(result.trackIds.length).toBeLessThanOrEqual(child.limit);
        });
      }),
      RUNS,
    );
  });

  it('is deterministic, whatever order the track map was built in', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const children = compile(world.children);
        const first = evaluateChildren(children, inputOf(world));
        const again = evaluateChildren(compile(structuredClone(world.children)), inputOf(world));
        const reversed = evaluateChildren(
          children,
          inputOf({ ...world, tracks: [...world.tracks].reverse() }),
        );
        expect(again).toEqual(first);
        expect(reversed).toEqual(first);
      }),
      RUNS,
    );
  });

  it('keeps the order of the union when there is no sort, and sorts stably when there is', () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom(...SORT), (world, sortKey) => {
        const input = inputOf(world);
        const base: RawChild = { ...world.children[0]!, sort: [] };
        delete base.limit;
        const [unsorted, sorted] = evaluateChildren(
          compile([base, { ...base, name: 'Sorted', sort: [sortKey] }]),
          input,
        );
        // Without sort: a subsequence of the union, in union order.
        const union = [...new Set(base.from.flatMap((name) => membersOf(name, input, [])))];
        expect(unsorted!.trackIds).toEqual(union.filter((id) => unsorted!.trackIds.includes(id)));
        // With sort: the same tracks, in the order a plain stable insertion sort gives.
        expect(sorted!.trackIds).toEqual(stableSort(unsorted!.trackIds, sortKey, input, base.from));
      }),
      RUNS,
    );
  });
});

/** A reference stable sort (insertion sort) on one key; missing values last in either direction. */
function stableSort(ids: string[], sortKey: string, input: ChildrenInput, from: string[]): string[] {
  const field = sortKey.slice(0, -1);
  const descending = sortKey.endsWith('-');
  const value = (id: string): number | string | undefined => {
    const t = input.tracks.get(id);
    switch (field) {
      case 'bpm':
        return t?.bpm;
      case 'explicit':
        return t?.explicit === undefined ? undefined : Number(t.explicit);
      case 'title':
        return t?.title ? t.title.normalize('NFC').toLowerCase() : undefined;
      case 'artist':
        return t?.artists.length ? t.artists.join(', ').normalize('NFC').toLowerCase() : undefined;
      case 'key': {
        const code = t?.camelot;
        return code === undefined ? undefined : Number(code.slice(0, -1)) * 2 + (code.endsWith('B') ? 1 : 0);
      }
      case 'addedAt':
        return addedAt(id, input, from);
    }
    throw new Error(`no reference for ${field}`);
  };
  const before = (a: string, b: string): boolean => {
    const va = value(a);
    const vb = value(b);
    if (va === undefined) return false;
    if (vb === undefined) return true;
    return descending ? va > vb : va < vb;
  };
  const out: string[] = [];
  for (const id of ids) {
    let i = out.length;
    while (i > 0 && before(id, out[i - 1]!)) i--;
    out.splice(i, 0, id);
  }
  return out;
}

/** Earliest addedAt of a track over the `from` base playlists. */
function addedAt(id: string, input: ChildrenInput, from: string[]): number | undefined {
  let best: number | undefined;
  for (const base of input.bases.filter((b) => from.includes(b.name))) {
    base.items.forEach((item, i) => {
      const at = base.addedAt?.[i];
      if (item !== id || at === undefined) return;
      const ms = Date.parse(at);
      if (best === undefined || ms < best) best = ms;
    });
  }
  return best;
}
