// The CLI as a user runs it, for tests: bin/cratesync.js in a real child process, without colours.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'bin/cratesync.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cratesync ...args` in `cwd` and waits for it. */
export function runCli(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
