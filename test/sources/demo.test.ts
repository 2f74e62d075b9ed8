import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDemoSource, DEMO_GENERATOR_VERSION, generateDemoCatalog } from '../../src/sources/demo.ts';
import type { Catalog, Track } from '../../src/types.ts';

const SMALL = { seed: 7, playlists: 12, tracks: 300 };

/** The default filename template, as the files reconciler would render it before sanitizing. */
const display = (t: Track) => `${t.artists.join(', ')} - ${t.title}`;
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Map.groupBy arrived in Node 21; the project supports Node 20. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function distinctPlaylistsPerTrack(catalog: Catalog): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of catalog.playlists) {
    for (const id of new Set(p.items)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('generateDemoCatalog', () => {
  const small = generateDemoCatalog(SMALL);
  const tracks = [...small.tracks.values()];

  it('is deterministic per seed', () => {
    expect(generateDemoCatalog(SMALL)).toStrictEqual(small);
  });

  it('differs across seeds', () => {
    const other = generateDemoCatalog({ ...SMALL, seed: 8 });
    expect(other.playlists.map((p) => p.id)).not.toEqual(small.playlists.map((p) => p.id));
    expect([...other.tracks.keys()]).not.toEqual([...small.tracks.keys()]);
  });

  it('has the requested sizes, keyed by track id', () => {
    expect(small.playlists).toHaveLength(12);
    expect(small.tracks.size).toBe(300);
    for (const [id, track] of small.tracks) expect(track.id).toBe(id);
  });

  it('puts every track in 1 to 5 playlists, most in 1 or 2, and every item references a track', () => {
    const counts = distinctPlaylistsPerTrack(small);
    for (const p of small.playlists) {
      expect(p.items.length).toBeGreaterThan(0);
      expect(p.expectedItems).toBe(p.items.length);
      for (const id of p.items) expect(small.tracks.has(id)).toBe(true);
    }
    for (const id of small.tracks.keys()) {
      expect(counts.get(id)).toBeGreaterThanOrEqual(1);
      expect(counts.get(id)).toBeLessThanOrEqual(5);
    }
    const inOneOrTwo = [...counts.values()].filter((n) => n <= 2).length;
    expect(inOneOrTwo / small.tracks.size).toBeGreaterThan(0.45);
    expect([...counts.values()].some((n) => n === 5)).toBe(true);
  });

  it('looks like TIDAL data', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const p of small.playlists) {
      expect(p.id).toMatch(uuid);
      expect(new Date(p.lastModifiedAt!).toISOString()).toBe(p.lastModifiedAt);
    }
    expect(new Set(small.playlists.map((p) => p.id)).size).toBe(12);
    for (const t of tracks) {
      expect(t.id).toMatch(/^[1-9]\d{6,9}$/);
      expect(t.isrc).toMatch(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
      expect(t.artists.length).toBeGreaterThanOrEqual(1);
      expect(t.artists.length).toBeLessThanOrEqual(3);
      expect(t.durationSeconds).toBeGreaterThan(0);
      if (t.bpm !== undefined) expect(t.bpm).toBeGreaterThanOrEqual(85);
      if (t.bpm !== undefined) expect(t.bpm).toBeLessThanOrEqual(175);
      if (t.key !== undefined) expect(t.key).toMatch(/^[A-G][#b]?$/);
      if (t.keyScale !== undefined) expect(['MAJOR', 'MINOR']).toContain(t.keyScale);
      const year = Number(t.releaseDate!.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1975);
      expect(year).toBeLessThanOrEqual(2026);
      expect(Number.isNaN(Date.parse(t.releaseDate!))).toBe(false);
      expect(typeof t.explicit).toBe('boolean');
      expect(t.popularity).toBeGreaterThanOrEqual(0);
      expect(t.popularity).toBeLessThanOrEqual(1);
    }
    expect(new Set(tracks.map((t) => t.isrc)).size).toBe(tracks.length);
    const minutes = tracks.map((t) => t.durationSeconds! / 60);
    expect(minutes.filter((m) => m >= 3 && m <= 9).length / tracks.length).toBeGreaterThan(0.8);
    expect(tracks.some((t) => t.bpm === undefined)).toBe(true);
    expect(tracks.some((t) => t.key === undefined)).toBe(true);
    expect(tracks.some((t) => t.explicit)).toBe(true);
    const versions = new Set(tracks.map((t) => t.version));
    for (const v of ['Original Mix', 'Extended Mix', 'Radio Edit', undefined]) expect(versions).toContain(v);
    expect(tracks.some((t) => t.version?.endsWith(' Remix'))).toBe(true);
    expect(tracks.some((t) => t.title.includes('(feat. '))).toBe(true);
    expect(tracks.some((t) => t.artists.length === 3)).toBe(true);
  });

  describe('awkward names at 12 playlists and 300 tracks', () => {
    const titles = tracks.flatMap((t) => [t.title, ...t.artists]);
    const has = (test: (s: string) => boolean) => titles.some(test);

    it('has emoji, NFC and NFD accents, separators, dots and reserved names', () => {
      expect(has((s) => /\p{Extended_Pictographic}/u.test(s))).toBe(true);
      expect(has((s) => /[^\x00-\x7f]/.test(s) && s === s.normalize('NFC'))).toBe(true);
      expect(has((s) => s !== s.normalize('NFC'))).toBe(true);
      expect(has((s) => s.includes('/'))).toBe(true);
      expect(has((s) => s.includes('\\'))).toBe(true);
      expect(has((s) => s === '..')).toBe(true);
      expect(has((s) => s === 'CON')).toBe(true);
      expect(has((s) => utf8Bytes(s) > 300)).toBe(true);
      expect(has((s) => /[\x00-\x1f\x7f]/.test(s))).toBe(true);
      expect(has((s) => s.includes('\u0000'))).toBe(true);
    });

    it('has two tracks whose names differ only by case', () => {
      const byFolded = groupBy(tracks, (t) => display(t).toLowerCase());
      const caseOnly = [...byFolded.values()].filter((g) => new Set(g.map(display)).size > 1);
      expect(caseOnly.length).toBeGreaterThan(0);
    });

    it('has two different tracks with identical artists and title', () => {
      const same = [...groupBy(tracks, display).values()].filter((g) => g.length > 1);
      expect(same.length).toBeGreaterThan(0);
      expect(same.some((g) => new Set(g.map((t) => t.version)).size === g.length)).toBe(true);
    });

    it('has two tracks that collide once normalised to NFC', () => {
      const byNfc = groupBy(tracks, (t) => display(t).normalize('NFC'));
      expect([...byNfc.values()].some((g) => new Set(g.map(display)).size > 1)).toBe(true);
    });

    it('has two playlists with exactly the same name, and awkward playlist names', () => {
      const names = small.playlists.map((p) => p.name);
      expect(new Set(names).size).toBeLessThan(names.length);
      expect(names.some((n) => /\p{Extended_Pictographic}/u.test(n))).toBe(true);
      expect(names.some((n) => n.includes('/'))).toBe(true);
      expect(names.some((n) => n !== n.normalize('NFC'))).toBe(true);
    });

    it('has a playlist holding the same track twice', () => {
      expect(small.playlists.some((p) => new Set(p.items).size < p.items.length)).toBe(true);
    });
  });

  it('handles tiny and empty catalogues', () => {
    expect(generateDemoCatalog({ seed: 1, playlists: 0, tracks: 0 })).toStrictEqual({
      playlists: [],
      tracks: new Map(),
    });
    const tiny = generateDemoCatalog({ seed: 1, playlists: 12, tracks: 5 });
    expect(tiny.tracks.size).toBe(5);
    const counts = distinctPlaylistsPerTrack(tiny);
    for (const id of tiny.tracks.keys()) expect(counts.get(id)).toBeGreaterThanOrEqual(1);
    const one = generateDemoCatalog({ seed: 1, playlists: 1, tracks: 50 });
    expect(new Set(one.playlists[0]!.items).size).toBe(50);
  });

  it('rejects impossible options', () => {
    expect(() => generateDemoCatalog({ seed: 1, playlists: 0, tracks: 3 })).toThrow(RangeError);
    expect(() => generateDemoCatalog({ seed: 1, playlists: 2.5, tracks: 3 })).toThrow(RangeError);
    expect(() => generateDemoCatalog({ seed: Number.NaN, playlists: 2, tracks: 3 })).toThrow(RangeError);
  });

  // Measures counts only (about 300,000 entries); timing belongs to bench/, never to a test.
  it('scales to 1,000 playlists and 100,000 tracks', () => {
    const big = generateDemoCatalog({ seed: 42, playlists: 1000, tracks: 100_000 });
    expect(big.tracks.size).toBe(100_000);
    expect(big.playlists).toHaveLength(1000);
    const entries = big.playlists.reduce((sum, p) => sum + p.items.length, 0);
    expect(entries).toBeGreaterThan(250_000);
    expect(entries).toBeLessThan(330_000);
    const counts = distinctPlaylistsPerTrack(big);
    expect(counts.size).toBe(100_000);
    expect(Math.max(...counts.values())).toBe(5);
    expect(new Set([...big.tracks.values()].map((t) => t.isrc)).size).toBe(100_000);
    expect(new Set(big.playlists.map((p) => p.id)).size).toBe(1000);
    expect(big.playlists.every((p) => p.items.length > 0)).toBe(true);
  });
});

describe('createDemoSource', () => {
  it('observes the generated catalogue', async () => {
    const source = createDemoSource(SMALL);
    expect(source.provider).toBe('demo');
    expect(await source.observe(new AbortController().signal)).toStrictEqual(generateDemoCatalog(SMALL));
  });

  it('rejects when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createDemoSource(SMALL).observe(controller.signal)).rejects.toThrow();
  });
});

describe('demo fingerprint', () => {
  it('pins the generator output: a change to it must bump DEMO_GENERATOR_VERSION and this hash', () => {
    const c = generateDemoCatalog({ seed: 7, playlists: 12, tracks: 300 });
    const text = JSON.stringify({ p: c.playlists, t: [...c.tracks.values()] });
    const hash = createHash('sha1').update(text).digest('hex');
    expect(`v${DEMO_GENERATOR_VERSION}:${hash}`).toBe('v1:27bbc2f2ea756227ad3fdf2dbb8cd5f342e290c0');
  });
});
