// `npm run bench` (last part): adopting an existing library of 20,000 audio files. Builds a tidal-dl-ng
// style tree for the demo catalogue (one folder per playlist, numbered names): 60 % of the files tagged
// with the track id, 20 % with artist/title/version only, 10 % untagged but named "Artist - Title",
// 10 % renamed with only an ISRC, plus byte-identical copies in a second folder (20 % of all files). Then,
// with the bundled CLI: the scan alone (`adopt` against a catalogue none of the files belongs to, so every
// file is scanned and nothing moves: a first scan, then a second one answered by the cache), and from a
// fresh state DB `adopt --dry-run`, `adopt`, `adopt` again and the reconcile after it. Prints figures;
// never passes or fails. Scale with CRATESYNC_BENCH_ADOPT_FILES.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import NodeID3 from 'node-id3';
import { silentMp3 } from '../src/downloaders/mp3-silence.ts';
import { synthBytes } from '../src/downloaders/synth.ts';
import { sanitizeComponent } from '../src/reconcilers/files/names.ts';
import { generateDemoCatalog } from '../src/sources/demo.ts';
import type { Track } from '../src/types.ts';

const total = Number(process.env.CRATESYNC_BENCH_ADOPT_FILES ?? 20_000);
const trackCount = Math.round(total * 0.8);
const demo = { seed: 5, playlists: Math.max(10, Math.round(trackCount / 80)), tracks: trackCount };
const base = process.env.CRATESYNC_BENCH_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const dir = fs.mkdtempSync(path.join(base, 'cratesync-bench-adopt-'));
const root = path.join(dir, 'music');
const library = path.join(dir, 'library.yaml');
const libraryYaml = (source: string): string =>
  [
    'version: 1',
    'source:',
    source,
    'root: ./music',
    'playlists:',
    '  - select: all',
    'download: { tool: synth, concurrency: 8, retries: 0 }',
    '',
  ].join('\n');
fs.writeFileSync(
  library,
  libraryYaml(
    `  provider: demo\n  demo: { seed: ${demo.seed}, playlists: ${demo.playlists}, tracks: ${demo.tracks} }`,
  ),
);
// The same tree against an empty catalogue: every file is scanned, none matches, nothing moves.
const unrelated = path.join(dir, 'unrelated.yaml');
fs.writeFileSync(path.join(dir, 'empty.json'), JSON.stringify({ playlists: [], tracks: {} }));
fs.writeFileSync(unrelated, libraryYaml('  provider: file\n  file: { path: ./empty.json }'));

// ------------------------------------------------------------------ the existing library
/** An MP3 of a few frames whose Info header claims `seconds`: real tags and headers, tiny files. */
const FRAME_SECONDS = 1152 / 44_100;
function silence(seconds: number): Buffer {
  const audio = silentMp3(10);
  audio.writeUInt32BE(Math.round(seconds / FRAME_SECONDS), 4 + 17 + 8);
  return audio;
}
const display = (t: Track) => `${t.artists.join(', ')} - ${t.title}${t.version ? ` (${t.version})` : ''}`;

const t0 = performance.now();
const catalog = generateDemoCatalog(demo);
const firstPlaylist = new Map<string, string>();
for (const p of catalog.playlists)
  for (const id of p.items) if (!firstPlaylist.has(id)) firstPlaylist.set(id, p.name);
let written = 0;
let i = 0;
const copies = total - trackCount;
for (const t of catalog.tracks.values()) {
  const folder = `Playlists/${sanitizeComponent(firstPlaylist.get(t.id) ?? 'Loose', 200)}`;
  const n = String((i % 99) + 1).padStart(2, '0');
  const named = sanitizeComponent(`${n}. ${display(t)}`, 240);
  const kind = i % 10;
  let name = `${named}.mp3`;
  let bytes: Buffer;
  if (kind <= 5) bytes = synthBytes(t);
  else if (kind <= 7) {
    const tags: NodeID3.Tags = {
      title: t.version ? `${t.title} (${t.version})` : t.title,
      artist: t.artists.join(', '),
    };
    bytes = Buffer.concat([NodeID3.create(tags), silence(t.durationSeconds ?? 200)]);
  } else if (kind === 8) {
    name = `${sanitizeComponent(display(t), 240)}.mp3`;
    // Untagged silence of one length would be byte-identical across tracks: a few bytes in the last
    // frame's (ignored) main data make each file its own.
    bytes = silence(t.durationSeconds ?? 200);
    bytes.writeUInt32BE(i, bytes.length - 4);
  } else {
    name = `track${i}.mp3`;
    bytes = Buffer.concat([NodeID3.create({ ISRC: t.isrc ?? '' }), silence(t.durationSeconds ?? 200)]);
  }
  fs.mkdirSync(path.join(root, folder), { recursive: true });
  fs.writeFileSync(path.join(root, folder, name), bytes);
  written++;
  if (i < copies) {
    fs.mkdirSync(path.join(root, 'Old Downloads', folder), { recursive: true });
    fs.writeFileSync(path.join(root, 'Old Downloads', folder, name), bytes);
    written++;
  }
  i++;
}
const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
console.log(
  `cratesync adopt benchmark: ${written.toLocaleString('en')} audio files (${trackCount.toLocaleString('en')} tracks, ${demo.playlists} playlists), in ${dir}`,
);
row('tree written', `${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ------------------------------------------------------------------ the CLI
const repo = path.dirname(import.meta.dirname);
const cli = path.join(repo, 'bin/cratesync.js');
const rssHook = path.join(import.meta.dirname, 'report-rss.mjs');
// Measure what a user runs: the bundled CLI (built now, so it matches the sources).
execFileSync(process.execPath, [path.join(repo, 'scripts/build.mjs')], { stdio: 'inherit' });

function cratesync(
  args: string[],
  file = library,
): { seconds: number; maxRssMb: number; out: Record<string, unknown> } {
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', rssHook, cli, ...args, '-f', file, '--json', '--no-progress'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`cratesync ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const rss = /CRATESYNC_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr);
  return {
    seconds,
    maxRssMb: Number(rss?.[1] ?? 0) / 1024,
    out: JSON.parse(r.stdout) as Record<string, unknown>,
  };
}

interface Report {
  seconds: number;
  scan: { read: number; cached: number; audioFiles: number };
  matched: { files: number; tracks: number; byEvidence: Record<string, number> };
  ambiguous: unknown[];
  orphans: unknown[];
  placed: unknown[];
  duplicates: { trashed: number };
  bytesFreed: number;
  downloadsAvoided: number;
}

const scan1 = cratesync(['adopt'], unrelated);
const scan1Report = scan1.out as unknown as Report;
row(
  'first scan: files read / from cache',
  `${scan1Report.scan.read.toLocaleString('en')} / ${scan1Report.scan.cached}`,
);
row(
  'first scan: wall time (process / in process)',
  `${scan1.seconds.toFixed(2)} s / ${scan1Report.seconds.toFixed(2)} s, peak RSS ${scan1.maxRssMb.toFixed(0)} MB`,
);
const scan2 = cratesync(['adopt'], unrelated);
const scan2Report = scan2.out as unknown as Report;
row(
  'second scan: files read / from cache',
  `${scan2Report.scan.read} / ${scan2Report.scan.cached.toLocaleString('en')}`,
);
row(
  'second scan: wall time (process / in process)',
  `${scan2.seconds.toFixed(2)} s / ${scan2Report.seconds.toFixed(2)} s, peak RSS ${scan2.maxRssMb.toFixed(0)} MB`,
);
// The adoption itself starts from nothing: no state DB, no cache.
fs.rmSync(path.join(root, '.cratesync'), { recursive: true, force: true });

const dry = cratesync(['adopt', '--dry-run']);
const dryReport = dry.out as unknown as Report;
row(
  'adopt --dry-run (cold): wall time (process)',
  `${dry.seconds.toFixed(2)} s, peak RSS ${dry.maxRssMb.toFixed(0)} MB`,
);
const adopt = cratesync(['adopt']);
const report = adopt.out as unknown as Report;
row('adopt: wall time (process)', `${adopt.seconds.toFixed(2)} s, peak RSS ${adopt.maxRssMb.toFixed(0)} MB`);
row('adopt: files read / from cache', `${report.scan.read.toLocaleString('en')} / ${report.scan.cached}`);
row(
  'adopt: matched files → tracks',
  `${report.matched.files.toLocaleString('en')} → ${report.matched.tracks.toLocaleString('en')} (${Object.entries(
    report.matched.byEvidence,
  )
    .filter(([, n]) => n > 0)
    .map(([e, n]) => `${e} ${n}`)
    .join(', ')})`,
);
row('adopt: ambiguous / orphans', `${report.ambiguous.length} / ${report.orphans.length}`);
row(
  'adopt: duplicates to the trash',
  `${report.duplicates.trashed.toLocaleString('en')} (${(report.bytesFreed / 1024 / 1024).toFixed(1)} MB freed)`,
);
row('adopt: downloads avoided', report.downloadsAvoided.toLocaleString('en'));
row('dry run and real run agree', String(dryReport.placed.length === report.placed.length));
const again = cratesync(['adopt']);
const againReport = again.out as unknown as Report;
row('adopt again: wall time (process)', `${again.seconds.toFixed(2)} s`);
row('adopt again: files read / from cache', `${againReport.scan.read} / ${againReport.scan.cached}`);
row('adopt again: real files placed', String(againReport.placed.length));
const run = cratesync(['reconcile']);
const summary = (run.out as { summary: { downloads: number; linksCreated: number } }).summary;
row('reconcile after adopt: wall time (process)', `${run.seconds.toFixed(2)} s`);
row(
  'reconcile after adopt: downloads / links',
  `${summary.downloads} / ${summary.linksCreated.toLocaleString('en')}`,
);
if (!process.env.CRATESYNC_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
