// Turning CLI flags into a loaded library.yaml and the ports a run needs.

import { createDownloader, createSource } from '../controller/deps.ts';
import type { Deps } from '../controller/reconcile.ts';
import { loadDesiredState } from '../desired/load.ts';
import { nodeFsPort } from '../io/fs.ts';
import { nodeProcessPort } from '../io/process.ts';
import type { DesiredState } from '../types.ts';
import { stderrLogger, terminalProgress } from './output.ts';

export interface GlobalFlags {
  file: string;
  json?: boolean;
}

export function loadLibrary(flags: GlobalFlags): DesiredState {
  return loadDesiredState(flags.file, nodeFsPort);
}

export function buildDeps(desired: DesiredState, opts: { json?: boolean; progress?: boolean }): Deps {
  return {
    fs: nodeFsPort,
    source: createSource(desired, nodeFsPort),
    downloader: createDownloader(desired, nodeFsPort),
    now: Date.now,
    log: stderrLogger(opts.json === true),
    proc: nodeProcessPort,
    progress: terminalProgress(opts.json !== true && opts.progress !== false),
  };
}
