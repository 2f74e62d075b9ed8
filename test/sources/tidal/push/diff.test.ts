import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADD_LIMIT,
  DELETE_LIMIT,
  type Edit,
  MOVE_LIMIT,
  minimalEdits,
  type PlaylistEntry,
  planPlaylistEdits,
  rebuildEdits,
  requestCount,
} from '../../../../src/sources/tidal/push/diff.ts';
import { applyEdits } from '../../../../src/sources/tidal/push/simulate.ts';

const entries = (trackIds: string[]): PlaylistEntry[] =>
  trackIds.map((trackId, i) => ({ itemId: `i${i}`, trackId }));
const tracksOf = (list: PlaylistEntry[]) => list.map((e) => e.trackId);

// A small alphabet makes repeats, shared tracks and reorderings common; a larger one makes big batches.
const trackList = (alphabet: number, maxLength: number) =>
  fc.array(
    fc.integer({ min: 0, max: alphabet - 1 }).map((n) => `t${n}`),
    { maxLength },
  );
const pair = fc.oneof(
  fc.tuple(trackList(6, 30), trackList(6, 30)),
  fc.tuple(trackList(400, 180), trackList(400, 180)),
  // Permutations of one list: only moves.
  trackList(1000, 120).chain((a) =>
    fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length })),
  ),
);

function withinLimits(edits: Edit[]): boolean {
  return edits.every((e) => {
    const size = e.op === 'add' ? e.trackIds.length : e.items.length;
    const limit = e.op === 'add' ? ADD_LIMIT : e.op === 'delete' ? DELETE_LIMIT : MOVE_LIMIT;
    return size >= 1 && size <= limit;
  });
}

describe('planPlaylistEdits properties', () => {
  it('applied to the current entries, always yields exactly the desired tracks', () => {
    fc.assert(
      fc.property(pair, ([now, want]) => {
        const current = entries(now);
        for (const edits of [planPlaylistEdits(current, want), minimalEdits(current, want)]) {
          expect(tracksOf(applyEdits(current, edits))).toEqual(want);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('respects the batch limits', () => {
    fc.assert(
      fc.property(pair, ([now, want]) => {
        const current = entries(now);
        expect(withinLimits(planPlaylistEdits(current, want))).toBe(true);
        expect(withinLimits(rebuildEdits(current, want))).toBe(true);
      }),
    );
  });

  it('plans nothing when the playlist already holds the desired order', () => {
    fc.assert(
      fc.property(trackList(50, 200), (list) => {
        expect(planPlaylistEdits(entries(list), list)).toEqual([]);
      }),
    );
  });

  it('never costs more than a rebuild', () => {
    fc.assert(
      fc.property(pair, ([now, want]) => {
        const current = entries(now);
        expect(requestCount(planPlaylistEdits(current, want))).toBeLessThanOrEqual(
          requestCount(rebuildEdits(current, want)),
        );
      }),
    );
  });

  it('keeps every entry whose track is still wanted as often (no delete-and-re-add)', () => {
    fc.assert(
      fc.property(pair, ([now, want]) => {
        const edits = minimalEdits(entries(now), want);
        const deleted = edits.flatMap((e) => (e.op === 'delete' ? e.items.map((i) => i.trackId) : []));
        const added = edits.flatMap((e) => (e.op === 'add' ? e.trackIds : []));
        expect(deleted.filter((t) => added.includes(t))).toEqual([]);
      }),
    );
  });
});

describe('planPlaylistEdits golden cases', () => {
  it('appends to an empty playlist in batches of 50', () => {
    const want = Array.from({ length: 120 }, (_, i) => `t${i}`);
    const edits = planPlaylistEdits([], want);
    expect(edits.map((e) => e.op === 'add' && [e.trackIds.length, e.positionBefore])).toEqual([
      [50, undefined],
      [50, undefined],
      [20, undefined],
    ]);
  });

  it('deletes what is no longer wanted in one request', () => {
    const current = entries(['a', 'b', 'c', 'd']);
    expect(planPlaylistEdits(current, ['a', 'c'])).toEqual([
      { op: 'delete', items: [current[1], current[3]] },
    ]);
  });

  it('inserts a new track before the entry that follows it', () => {
    const current = entries(['a', 'b', 'c']);
    expect(planPlaylistEdits(current, ['a', 'x', 'y', 'b', 'c', 'z'])).toEqual([
      { op: 'add', trackIds: ['x', 'y'], positionBefore: 'i1' },
      { op: 'add', trackIds: ['z'] },
    ]);
  });

  it('moves one entry in front of its new successor', () => {
    const current = entries(['a', 'b', 'c', 'd', 'e']);
    expect(planPlaylistEdits(current, ['a', 'd', 'b', 'c', 'e'])).toEqual([
      { op: 'move', items: [current[3]], positionBefore: 'i1' },
    ]);
  });

  it('moves to the end by moving what must precede the last entry (there is no "move to end")', () => {
    const current = entries(['x', 'a', 'b', 'c']);
    const edits = planPlaylistEdits(current, ['a', 'b', 'c', 'x']);
    expect(edits).toEqual([
      { op: 'move', items: [current[1], current[2], current[3]], positionBefore: 'i0' },
    ]);
  });

  it('keeps repeated tracks as separate entries', () => {
    const current = entries(['a', 'a', 'b']);
    const edits = planPlaylistEdits(current, ['a', 'b', 'a', 'a']);
    expect(edits).toEqual([
      { op: 'move', items: [current[2]], positionBefore: 'i1' },
      { op: 'add', trackIds: ['a'] },
    ]);
  });

  it('moves a reversed playlist in batches of 20 around its last entry', () => {
    const list = Array.from({ length: 60 }, (_, i) => `t${i}`);
    const edits = planPlaylistEdits(entries(list), [...list].reverse());
    // 59 entries move in 3 batches, against 2 deletes + 2 adds for a rebuild.
    expect(edits.map((e) => e.op === 'move' && [e.items.length, e.positionBefore])).toEqual([
      [20, 'i0'],
      [20, 'i0'],
      [19, 'i0'],
    ]);
  });

  it('rebuilds when scattered swaps would cost more requests', () => {
    const current = entries(['a', 'b', 'c', 'd', 'e', 'f']);
    const edits = planPlaylistEdits(current, ['b', 'a', 'd', 'c', 'f', 'e']);
    expect(edits).toEqual([
      { op: 'delete', items: current },
      { op: 'add', trackIds: ['b', 'a', 'd', 'c', 'f', 'e'] },
    ]);
  });
});
