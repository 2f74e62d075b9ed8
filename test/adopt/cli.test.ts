// `cratesync adopt` as a user runs it: real child processes of bin/cratesync.js on a copy of examples/file
// with a folder of earlier downloads (synth files, i.e. tagged with their track ids).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../src/types.ts';
import { REPO, runCli } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import { mp3, synth, writeTree } from './audio-fixtures.ts';

let dir: string;
let lib: string;

const cli = (...args: string[]) => runCli(dir, ...args);

beforeAll(() => {
  dir = makeTempDir('cratesync-adopt-cli-');
  fs.cpSync(path.join(REPO, 'examples/file'), dir, { recursive: true });
  fs.rmSync(path.join(dir, 'music'), { recursive: true, force: true });
  lib = path.join(dir, 'library.yaml');
  const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')) as {
    tracks: Record<string, Omit<Track, 'id'>>;
  };
  const t = (id: string): Track => ({ id, ...catalog.tracks[id]! });
  writeTree(path.join(dir, 'music'), {
    'Old/Deep House/01. Marea - Low Tide.mp3': synth(t('t01')),
    'Old/Warmup/01. Marea - Low Tide.mp3': synth(t('t01')),
    'Old/Deep House/02. Glasshouse.mp3': synth(t('t02')),
    'Old/voice memo.mp3': mp3(2, { title: 'Voice memo', artist: 'Me' }),
  });
});
afterAll(() => removeTempDir(dir));

describe('cratesync adopt (CLI)', () => {
  it('--dry-run --json reports and changes nothing; adopt then reconcile downloads only the rest', () => {
    const dry = cli('adopt', '-f', lib, '--dry-run', '--json');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout);
    expect(report).toMatchObject({ dryRun: true, downloadsAvoided: 2, duplicates: { trashed: 1 } });
    expect(report.orphans).toEqual([
      { path: 'Old/voice memo.mp3', reason: 'no track of the mirrored playlists has this artist and title' },
    ]);
    expect(fs.existsSync(path.join(dir, 'music/Old/Warmup/01. Marea - Low Tide.mp3'))).toBe(true);

    const run = cli('adopt', '-f', lib);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Adopted 2 track\(s\)/);
    expect(run.stdout).toMatch(/2 download\(s\) avoided/);
    expect(run.stdout).toMatch(/1 to the trash/);

    const rec = cli('reconcile', '-f', lib, '--json');
    expect(rec.code).toBe(0);
    const out = JSON.parse(rec.stdout);
    const total = Object.keys(
      JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8')).tracks,
    ).length;
    // Every mirrored track but the two adopted ones (the Archive playlist's track is not mirrored).
    expect(out.summary.downloads).toBe(out.summary.tracks - 2);
    expect(out.summary.tracks).toBeLessThanOrEqual(total);
    expect(fs.readFileSync(path.join(dir, 'music/Old/voice memo.mp3')).length).toBeGreaterThan(0);
  });
});
