// A reconcile in a child process, for the crash test: argv = ROOT CATALOG_JSON LINK_MODE.
// Prints "started" just before reconciling so the parent can time its SIGKILL; downloads are written in
// slow chunks so that a kill can land in the middle of one.

import fs from 'node:fs';
import { reconcile } from '../../src/controller/reconcile.ts';
import type { Fs } from '../../src/io/fs.ts';
import { nodeProcessPort } from '../../src/io/process.ts';
import type { Catalog, LinkMode, Track } from '../../src/types.ts';
import { desiredFor, fakeAudio, silentLog } from './builders.ts';

const [root, catalogFile, links] = process.argv.slice(2) as [string, string, LinkMode];
const raw = JSON.parse(fs.readFileSync(catalogFile, 'utf8')) as {
  playlists: Catalog['playlists'];
  tracks: Track[];
};
const catalog: Catalog = { playlists: raw.playlists, tracks: new Map(raw.tracks.map((t) => [t.id, t])) };
const pause = () => new Promise((r) => setTimeout(r, 1));

process.stdout.write('started\n');
const result = await reconcile(
  desiredFor(root, {
    layout: { links },
    download: { tool: 'synth', output: '', concurrency: 3, retries: 0 },
  }),
  {
    fs: fs as unknown as Fs,
    source: { provider: 'test', observe: async () => catalog },
    downloader: {
      name: 'slow',
      extension: 'mp3',
      async download(t, dir) {
        const file = `${dir}/${t.id}.mp3`;
        const content = fakeAudio(t.id);
        fs.writeFileSync(file, content.slice(0, 10));
        await pause();
        fs.appendFileSync(file, content.slice(10));
        return { path: file };
      },
    },
    now: Date.now,
    log: silentLog,
    proc: nodeProcessPort,
  },
  { retryDelayMs: 0 },
);
process.stdout.write(
  `${result.status} ${JSON.stringify({ remaining: result.summary.remaining, held: result.summary.held, skipped: result.summary.skipped, failed: result.summary.failed })}\n`,
);
