// `cratesync adopt [--dry-run] [--json]`: take over the music files already under the root.

import { renderReport } from '../adopt/report.ts';
import { runAdoption } from '../adopt/run.ts';
import { dim, formatBytes, green, yellow } from './output.ts';
import { buildDeps, type GlobalFlags, loadLibrary } from './runtime.ts';

export async function runAdopt(
  flags: GlobalFlags & { dryRun?: boolean; limit?: string; progress?: boolean; concurrency?: string },
): Promise<number> {
  const desired = loadLibrary(flags);
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the file in hand (press Ctrl-C again to quit at once)…\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runAdoption(
      desired,
      buildDeps(desired, { json: flags.json, progress: flags.progress }),
      {
        dryRun: flags.dryRun,
        signal: controller.signal,
        concurrency: flags.concurrency === undefined ? undefined : Number(flags.concurrency),
      },
    );
    // A large report is more than a pipe takes at once: wait until it is out before the process exits.
    await writeOut(
      flags.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderReport(report, { bytes: formatBytes, green, yellow, dim, limit: Number(flags.limit ?? 20) }),
    );
    return report.skipped.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
  );
}
