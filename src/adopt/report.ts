// What `cratesync adopt` tells the user: as JSON for scripts (`--json`) and as text.

import type { Track } from '../types.ts';
import type { AppliedAdoption } from './apply.ts';
import { labelOf } from './match.ts';
import type { AdoptPlan } from './plan.ts';
import type { ScanStats } from './scan.ts';
import { EVIDENCE_ORDER, type Evidence, type MatchResult, type ScannedFile } from './types.ts';

export interface AdoptReport {
  dryRun: boolean;
  root: string;
  seconds: number;
  scan: ScanStats & { audioFiles: number; notOwned: number };
  matched: {
    files: number;
    tracks: number;
    byEvidence: Record<Evidence, number>;
    list: { path: string; trackId: string; track: string; evidence: Evidence; score: number; why: string }[];
  };
  ambiguous: {
    path: string;
    evidence: Evidence;
    candidates: { trackId: string; track: string; score: number; why: string }[];
  }[];
  /** Files that match no track: left alone, cratesync does not own them. */
  orphans: { path: string; reason: string }[];
  /** Tracks left alone because something else holds the place of their real file. */
  blocked: { trackId: string; track: string; path: string; dest: string; reason: string }[];
  /** Real files: moved into place, or already there. */
  placed: { from: string; to: string; trackId: string }[];
  duplicates: {
    /** Matched files that are not their track's real file. */
    collapsed: number;
    trashed: number;
    kept: number;
    identicalGroups: number;
  };
  trash: { from: string; to: string; bytes: number }[];
  kept: { from: string; to: string; kind: string }[];
  /** Bytes in the trash that no kept file shares: freed when the trash is emptied. */
  bytesFreed: number;
  /** Tracks that had no file and now have one: the next reconcile does not download them. */
  downloadsAvoided: number;
  bytesNotDownloaded: number;
  /** Steps skipped because the disk changed after the scan. */
  skipped: { path: string; trackId: string; reason: string }[];
  /** adopt.pins entries that named no audio file. */
  unusedPins: string[];
}

export function buildReport(p: {
  dryRun: boolean;
  root: string;
  seconds: number;
  stats: ScanStats;
  audioFiles: number;
  scanned: readonly ScannedFile[];
  results: ReadonlyMap<string, MatchResult>;
  identicalGroups: number;
  plan: AdoptPlan;
  applied?: AppliedAdoption;
  tracks: ReadonlyMap<string, Track>;
  unusedPins: string[];
}): AdoptReport {
  const label = (id: string): string => {
    const t = p.tracks.get(id);
    return t ? labelOf(t) : id;
  };
  const byEvidence = Object.fromEntries(EVIDENCE_ORDER.map((e) => [e, 0])) as Record<Evidence, number>;
  const list: AdoptReport['matched']['list'] = [];
  const ambiguous: AdoptReport['ambiguous'] = [];
  const orphans: AdoptReport['orphans'] = [];
  for (const f of p.scanned) {
    if (f.owned) continue;
    const r = p.results.get(f.path);
    if (!r) continue;
    if (r.kind === 'matched') {
      byEvidence[r.evidence]++;
      list.push({
        path: f.path,
        trackId: r.trackId,
        track: label(r.trackId),
        evidence: r.evidence,
        score: r.score,
        why: r.why,
      });
    } else if (r.kind === 'ambiguous') {
      ambiguous.push({
        path: f.path,
        evidence: r.evidence,
        candidates: r.candidates.map((c) => ({
          trackId: c.trackId,
          track: label(c.trackId),
          score: c.score,
          why: c.why,
        })),
      });
    } else {
      orphans.push({ path: f.path, reason: r.reason });
    }
  }

  const { plan, applied } = p;
  const sizes = new Map(p.scanned.map((f) => [f.path, f.size]));
  const adopted = applied ? new Set(applied.adopted) : undefined;
  const tracks = plan.tracks.filter((t) => !adopted || adopted.has(t.trackId));
  const placed = applied
    ? [
        ...applied.moved,
        ...tracks
          .filter((t) => !t.incumbent && t.primary.from === t.primary.to)
          .map((t) => ({ from: t.primary.from, to: t.primary.to, trackId: t.trackId })),
      ]
    : plan.tracks
        .filter((t) => !t.incumbent)
        .map((t) => ({ from: t.primary.from, to: t.primary.to, trackId: t.trackId }));
  const trash = applied
    ? applied.trashed.map(({ from, to, bytes }) => ({ from, to, bytes }))
    : plan.tracks.flatMap((t) => t.trash.map(({ from, to, bytes }) => ({ from, to, bytes })));
  const kept = applied
    ? applied.kept.map(({ from, to, kind }) => ({ from, to, kind }))
    : plan.tracks.flatMap((t) => t.keep.map(({ from, to, kind }) => ({ from, to, kind })));
  const saving = tracks.filter((t) => t.savesDownload);

  return {
    dryRun: p.dryRun,
    root: p.root,
    seconds: round(p.seconds),
    scan: { ...p.stats, audioFiles: p.audioFiles, notOwned: p.scanned.filter((f) => !f.owned).length },
    matched: {
      files: list.length,
      tracks: new Set(list.map((m) => m.trackId)).size,
      byEvidence,
      list,
    },
    ambiguous,
    orphans,
    blocked: plan.blocked.map((b) => ({ ...b, track: label(b.trackId) })),
    placed: placed.sort((a, b) => cmp(a.to, b.to)),
    duplicates: {
      collapsed: trash.filter((t) => sizes.has(t.from)).length + kept.length,
      trashed: trash.length,
      kept: kept.length,
      identicalGroups: p.identicalGroups,
    },
    trash,
    kept,
    // Nothing was freed if nothing went to the trash (a dry run says what would be).
    bytesFreed:
      applied && applied.trashed.length < plan.tracks.flatMap((t) => t.trash).length
        ? applied.trashed.reduce((n, t) => n + t.bytes, 0)
        : plan.bytesFreed,
    downloadsAvoided: saving.length,
    bytesNotDownloaded: saving.reduce((n, t) => n + t.primary.size, 0),
    skipped: applied?.skipped ?? [],
    unusedPins: p.unusedPins,
  };
}

const EVIDENCE_TEXT: Record<Evidence, string> = {
  pin: 'pinned in library.yaml',
  'id-tag': 'track id in the tags',
  'id-name': 'track id in the file name',
  isrc: 'ISRC',
  tags: 'artist, title, version and length from the tags',
  name: 'artist, title and length from the file name',
  identical: 'byte-identical to a matched file',
};

export function renderReport(
  r: AdoptReport,
  fmt: {
    bytes: (n: number) => string;
    green: (s: string) => string;
    yellow: (s: string) => string;
    dim: (s: string) => string;
    limit: number;
  },
): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would adopt' : 'adopted';
  const realFiles = r.placed.length;
  lines.push(
    `${r.dryRun ? fmt.yellow('Dry run:') : fmt.green('Adopted')} ${realFiles} track(s) under ${r.root} in ${r.seconds.toFixed(1)} s${r.dryRun ? ' (nothing changed)' : ''}`,
  );
  lines.push(
    `  scanned     ${r.scan.audioFiles} audio file(s), ${r.scan.notOwned} not cratesync's: ${r.scan.read} read, ${r.scan.cached} from the cache${r.scan.unreadable ? `, ${r.scan.unreadable} unreadable` : ''}`,
  );
  const evidence = EVIDENCE_ORDER.filter((e) => r.matched.byEvidence[e] > 0).map(
    (e) => `${r.matched.byEvidence[e]} by ${EVIDENCE_TEXT[e]}`,
  );
  lines.push(
    `  matched     ${r.matched.files} file(s) → ${r.matched.tracks} track(s)${evidence.length ? `: ${evidence.join(' · ')}` : ''}`,
  );
  const moved = r.placed.filter((p) => p.from !== p.to).length;
  lines.push(
    `  real files  ${realFiles} ${verb}: ${moved} ${r.dryRun ? 'to move' : 'moved'} into place, ${realFiles - moved} already there · ${r.downloadsAvoided} download(s) avoided (${fmt.bytes(r.bytesNotDownloaded)})`,
  );
  lines.push(
    `  duplicates  ${r.duplicates.collapsed} collapsed: ${r.duplicates.trashed} to the trash, ${r.duplicates.kept} kept as copies or links · ${fmt.bytes(r.bytesFreed)} freed once the trash is emptied`,
  );
  const section = <T>(title: string, items: readonly T[], line: (x: T) => string[]): void => {
    if (items.length === 0) return;
    lines.push(`  ${title}`);
    for (const x of items.slice(0, fmt.limit)) for (const l of line(x)) lines.push(`    ${l}`);
    if (items.length > fmt.limit)
      lines.push(fmt.dim(`    … and ${items.length - fmt.limit} more (--json lists all)`));
  };
  section(
    fmt.yellow(`ambiguous   ${r.ambiguous.length} file(s), left alone; pin them with adopt.pins:`),
    r.ambiguous,
    (a) => [
      a.path,
      ...a.candidates.map((c) => fmt.dim(`  ${c.score.toFixed(2)}  ${c.trackId}  ${c.track} (${c.why})`)),
    ],
  );
  section(
    `orphans     ${r.orphans.length} file(s) match no track of the mirrored playlists; left alone:`,
    r.orphans,
    (o) => [`${o.path} ${fmt.dim(`(${o.reason})`)}`],
  );
  section(fmt.yellow(`blocked     ${r.blocked.length} track(s) left alone:`), r.blocked, (b) => [
    `${b.path} → ${b.dest} ${fmt.dim(`(${b.reason})`)}`,
  ]);
  section(
    fmt.yellow(`skipped     ${r.skipped.length} step(s): the disk changed after the scan; run adopt again:`),
    r.skipped,
    (s) => [`${s.path} ${fmt.dim(`(${s.reason})`)}`],
  );
  if (r.unusedPins.length > 0)
    lines.push(
      fmt.yellow(
        `  pins        ${r.unusedPins.length} adopt.pins entr(ies) named no audio file: ${r.unusedPins.join(', ')}`,
      ),
    );
  if (realFiles > 0)
    lines.push(
      fmt.dim(
        r.dryRun
          ? '  run without --dry-run to adopt, then `cratesync reconcile` links every playlist entry'
          : '  next: `cratesync reconcile` links every playlist entry to these files and downloads only what is missing',
      ),
    );
  return `${lines.join('\n')}\n`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
