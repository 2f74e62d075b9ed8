// One reconcile of a library.yaml in this process, for the benchmark: prints JSON with the wall time of
// each stage and this process's peak RSS, so that figures are per run and not shared with the parent.

import { createDownloader, createSource } from '../src/controller/deps.ts';
import { reconcile } from '../src/controller/reconcile.ts';
import { loadDesiredState } from '../src/desired/load.ts';
import { nodeFsPort } from '../src/io/fs.ts';
import { nodeProcessPort } from '../src/io/process.ts';

const file = process.argv[2]!;
const t0 = performance.now();
const desired = loadDesiredState(file, nodeFsPort);
const result = await reconcile(desired, {
  fs: nodeFsPort,
  source: createSource(desired, nodeFsPort),
  downloader: createDownloader(desired, nodeFsPort),
  now: Date.now,
  log: {
    info() {},
    warn: (m) => process.stderr.write(`${m}\n`),
    error: (m) => process.stderr.write(`${m}\n`),
  },
  proc: nodeProcessPort,
});
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, status: result.status, planned: result.summary.planned, downloads: result.summary.downloads, links: result.summary.linksCreated, entries: result.summary.entries })}\n`,
);
