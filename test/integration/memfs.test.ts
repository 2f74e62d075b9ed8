// The whole run through the injected fs port on memfs: demo source, synth downloader, state DB file,
// journal and lock all live in memory. (Link renames are tested on real dirs; see DESIGN §7.)

import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { planOnly, reconcile } from '../../src/controller/reconcile.ts';
import { createSynthDownloader } from '../../src/downloaders/synth.ts';
import type { Fs } from '../../src/io/fs.ts';
import { createDemoSource, generateDemoCatalog } from '../../src/sources/demo.ts';
import { desiredFor, silentLog } from '../helpers/builders.ts';
import { checkLibrary } from '../helpers/invariants.ts';

describe('reconcile on memfs', () => {
  it('mirrors the demo catalogue with synth files and converges', async () => {
    const fs = createFsFromVolume(new Volume()) as unknown as Fs;
    const demo = { seed: 7, playlists: 12, tracks: 300 };
    const desired = desiredFor('/lib', { source: { provider: 'demo', demo } });
    const deps = {
      fs,
      source: createDemoSource(demo),
      downloader: createSynthDownloader(fs),
      now: () => Date.UTC(2026, 5, 1),
      log: silentLog,
      proc: { pid: 1, hostname: 'memfs', isAlive: () => true },
    };
    const result = await reconcile(desired, deps, { retryDelayMs: 0 });
    expect(result.status).toBe('completed');
    expect(result.summary.downloads).toBe(300);
    expect(checkLibrary(fs, desired, generateDemoCatalog(demo)).problems).toEqual([]);
    expect(fs.existsSync('/lib/.cratesync/state.db')).toBe(true);
    expect(fs.existsSync('/lib/.cratesync/lock')).toBe(false);
    expect(fs.existsSync('/lib/.cratesync/journal.jsonl')).toBe(false);
    expect((await planOnly(desired, deps)).actions).toEqual([]);
  });
});
