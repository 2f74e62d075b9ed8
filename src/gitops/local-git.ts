// The local git revision of a library.yaml: HEAD of the work tree that holds it, and whether the file
// differs from that commit (uncommitted, untracked or ignored). Each git call has a short time limit;
// no git, no work tree, no commit yet or any failure → undefined (nothing is recorded).

import path from 'node:path';
import { type RunOptions, type RunResult, runProcess } from '../io/process-run.ts';
import type { ConfigRevision } from '../state/store.ts';

export interface LocalGitOptions {
  timeoutMs?: number;
  /** Injected in tests. */
  run?: (argv: readonly string[], opts: RunOptions) => Promise<RunResult>;
  env?: NodeJS.ProcessEnv;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export async function localGitRevision(
  file: string,
  opts: LocalGitOptions = {},
): Promise<ConfigRevision | undefined> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const run = opts.run ?? runProcess;
  const options: RunOptions = {
    cwd: dir,
    timeoutMs: opts.timeoutMs ?? 3000,
    killGraceMs: 200,
    // No index lock taken by `status`, no prompts, stable output.
    env: { ...(opts.env ?? process.env), GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  };
  const head = await run(['git', 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], options);
  const sha = head.stdoutTail.trim();
  if (head.code !== 0 || !SHA.test(sha)) return undefined;
  const status = await run(
    ['git', 'status', '--porcelain', '--ignored', '--untracked-files=all', '--', path.basename(abs)],
    options,
  );
  return {
    source: abs,
    commit: sha,
    ...(status.code === 0 ? { dirty: status.stdoutTail.trim() !== '' } : {}),
  };
}
