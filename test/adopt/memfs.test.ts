// Adoption through the injected fs port alone (memfs, tags read from buffers): a library cratesync made
// whose state DB was lost is adopted back in place, with no move and no download.

import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { runAdoption } from '../../src/adopt/run.ts';
import { walkAudio } from '../../src/adopt/scan.ts';
import { reconcile } from '../../src/controller/reconcile.ts';
import { createSynthDownloader } from '../../src/downloaders/synth.ts';
import { bufferTagReader } from '../../src/io/audio-tags.ts';
import type { Fs } from '../../src/io/fs.ts';
import { createDemoSource } from '../../src/sources/demo.ts';
import { desiredFor, fakeDownloader, silentLog } from '../helpers/builders.ts';

describe('adopt on memfs', () => {
  it('takes a library back in place after its state DB was lost', async () => {
    const fs = createFsFromVolume(new Volume()) as unknown as Fs;
    const demo = { seed: 3, playlists: 6, tracks: 60 };
    const desired = desiredFor('/lib', { source: { provider: 'demo', demo } });
    const base = {
      fs,
      source: createDemoSource(demo),
      now: () => Date.UTC(2026, 5, 1),
      log: silentLog,
      proc: { pid: 1, hostname: 'memfs', isAlive: () => true },
    };
    const first = await reconcile(
      desired,
      { ...base, downloader: createSynthDownloader(fs) },
      { retryDelayMs: 0 },
    );
    expect(first.summary.downloads).toBe(60);

    // The walk sees every real file and link, and nothing under .cratesync/ or hidden.
    fs.writeFileSync('/lib/.cratesync/stray.mp3', 'x');
    fs.mkdirSync('/lib/.Trash-1000', { recursive: true });
    fs.writeFileSync('/lib/.Trash-1000/old.mp3', 'x');
    const walked = walkAudio(fs, '/lib');
    expect(walked.files).toHaveLength(60);
    expect(walked.files.every((f) => f.path.startsWith('Playlists/'))).toBe(true);
    expect(walked.symlinks.length).toBe(first.summary.linksCreated);

    fs.rmSync('/lib/.cratesync', { recursive: true, force: true });
    const downloader = fakeDownloader(fs);
    const deps = { ...base, downloader, tagReader: bufferTagReader(fs) };
    const report = await runAdoption(desired, deps);
    expect(report.matched.byEvidence['id-tag']).toBe(60);
    expect(report.placed).toHaveLength(60);
    expect(report.placed.every((p) => p.from === p.to)).toBe(true);
    expect(report.kept).toHaveLength(first.summary.linksCreated);
    expect(report.trash).toEqual([]);
    expect(report.downloadsAvoided).toBe(60);

    const again = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(again.status).toBe('completed');
    expect(downloader.calls).toEqual([]);
    expect(again.summary.linksCreated + again.summary.relinks + again.summary.moves).toBe(0);
  });
});
