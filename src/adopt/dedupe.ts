// Deduplication of what exists: byte-identical files (same size, then same hash; hard links of one inode
// without reading them) share one match, and all files matched to one track collapse into one real file,
// the best copy: lossless over lossy, then the higher bitrate, then the longer one.

import { EVIDENCE_ORDER, type MatchResult, type ScannedFile } from './types.ts';

/**
 * Groups of two or more byte-identical files. Only files that share their size and what their tags say
 * with another file are hashed (`hashOf`): identical bytes read as identical tags, so files whose tags
 * differ cannot be identical. Hard links of one inode are identical without reading them.
 */
export async function identicalGroups(
  files: readonly ScannedFile[],
  hashOf: (f: ScannedFile) => Promise<string>,
): Promise<ScannedFile[][]> {
  const bySize = new Map<string, ScannedFile[]>();
  for (const f of files) {
    if (f.meta.error !== undefined) continue;
    const key = `${f.size}\u0000${JSON.stringify(f.meta)}`;
    const list = bySize.get(key);
    if (list) list.push(f);
    else bySize.set(key, [f]);
  }
  const groups: ScannedFile[][] = [];
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    const byKey = new Map<string, ScannedFile[]>();
    const inodeKey = new Map<number, string>();
    for (const f of same) {
      let key = inodeKey.get(f.ino);
      if (key === undefined) {
        key = await hashOf(f);
        if (f.ino !== 0) inodeKey.set(f.ino, key);
      }
      const list = byKey.get(key);
      if (list) list.push(f);
      else byKey.set(key, [f]);
    }
    for (const g of byKey.values()) if (g.length > 1) groups.push(g);
  }
  return groups;
}

/**
 * Identical files hold the same recording: the strongest match in a group speaks for all of its files.
 * Two different tracks at that strength make every file of the group ambiguous.
 */
export function propagateIdentical(
  results: Map<string, MatchResult>,
  groups: readonly ScannedFile[][],
): void {
  for (const group of groups) {
    let bestRank = Number.POSITIVE_INFINITY;
    const tracksAtBest = new Map<string, number>();
    for (const f of group) {
      const r = results.get(f.path);
      if (r?.kind !== 'matched') continue;
      const rank = EVIDENCE_ORDER.indexOf(r.evidence);
      if (rank < bestRank) {
        bestRank = rank;
        tracksAtBest.clear();
      }
      if (rank === bestRank) tracksAtBest.set(r.trackId, Math.max(tracksAtBest.get(r.trackId) ?? 0, r.score));
    }
    if (tracksAtBest.size === 0) continue;
    const evidence = EVIDENCE_ORDER[bestRank]!;
    if (tracksAtBest.size > 1) {
      const candidates = [...tracksAtBest].map(([trackId, score]) => ({
        trackId,
        evidence,
        score,
        why: 'byte-identical copies are matched to different tracks',
      }));
      for (const f of group) results.set(f.path, { kind: 'ambiguous', evidence, candidates });
      continue;
    }
    const [trackId, score] = [...tracksAtBest][0]!;
    for (const f of group) {
      const r = results.get(f.path);
      if (r?.kind === 'matched' && r.trackId === trackId) continue;
      results.set(f.path, {
        kind: 'matched',
        trackId,
        evidence: 'identical',
        score,
        why: `byte-identical to a file matched by ${evidence}`,
      });
    }
  }
}

/** Negative when `a` is the better copy: lossless, then bitrate, then length; 0 for equals. */
export function compareQuality(a: ScannedFile, b: ScannedFile): number {
  const ma = a.meta;
  const mb = b.meta;
  // A file that does not read as audio (a broken download cratesync made) loses to any that does.
  if ((ma.error === undefined) !== (mb.error === undefined)) return ma.error === undefined ? -1 : 1;
  if (ma.lossless !== mb.lossless) return ma.lossless ? -1 : 1;
  // Bitrates within 2 % are one encoding (a FLAC with cover art reads as a slightly higher bitrate).
  const ba = ma.bitrate ?? 0;
  const bb = mb.bitrate ?? 0;
  if (Math.abs(ba - bb) > 0.02 * Math.max(ba, bb)) return bb - ba;
  const d = (mb.durationSeconds ?? 0) - (ma.durationSeconds ?? 0);
  return Math.abs(d) > 0.5 ? d : 0;
}

/**
 * The file that becomes the track's real file. At equal quality the file cratesync already owns stays,
 * then one already where the layout wants it (`preferred`), then the first by path.
 */
export function choosePrimary(files: readonly ScannedFile[], preferred?: ReadonlySet<string>): ScannedFile {
  return [...files].sort(
    (a, b) =>
      compareQuality(a, b) ||
      Number(b.owned === true) - Number(a.owned === true) ||
      Number(preferred?.has(b.path) ?? false) - Number(preferred?.has(a.path) ?? false) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  )[0]!;
}
