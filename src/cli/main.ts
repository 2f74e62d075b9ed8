// argv → command. The only place that calls process.exit. Exit codes: 0 ok (no changes), 1 error,
// 2 changes present (with --detailed-exitcode).

import { Command, Option } from 'commander';
import { ConfigError, formatIssue, LockedError, SourceError } from '../errors.ts';
import { red } from './output.ts';

// Commands load their modules on first use: `--help` should not pay for sql.js and the planner.
const runCommands = () => import('./run-commands.ts');
const reportCommands = () => import('./report-commands.ts');
const authCommands = () => import('./auth-commands.ts');
const adoptCommand = () => import('./adopt-command.ts');
const watchCommand = () => import('./watch-command.ts');

const program = new Command()
  .name('cratesync')
  .description('Keep a DJ library on disk in the state library.yaml declares.')
  .showHelpAfterError()
  .addOption(new Option('-f, --file <path>', 'library.yaml to use').default('library.yaml'));

const exit = (code: number): never => process.exit(code);
const global = () => program.opts<{ file: string }>();

program
  .command('validate')
  .description('check library.yaml against the schema; errors as FILE:LINE:COL')
  .option('--json', 'machine-readable output')
  .action((o) => guard(async () => (await runCommands()).runValidate({ ...global(), ...o })));

program
  .command('plan')
  .alias('sync-check')
  .description('show what a reconcile would change, without changing anything')
  .option('--json', 'print the plan as JSON: { actions, skipped, summary }')
  .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
  .option('--limit <n>', 'actions to list in human output', '50')
  .option('--full', 'observe and walk everything, even when nothing changed since the last converged run')
  .option('--refresh', 'ask the source for everything again instead of reusing what earlier runs observed')
  .option(
    '--from <github:OWNER/REPO/PATH@REF>',
    'plan library.yaml as it is on GitHub (token: $GITHUB_TOKEN)',
  )
  .option('--root <dir>', "with --from: the local folder the fetched file's relative paths resolve against")
  .option(
    '--github-pr <n>',
    "with --from: plan the pull request's library.yaml and post the plan as a PR comment",
  )
  .action((o) => guard(async () => (await runCommands()).runPlan({ ...global(), ...o })));

program
  .command('reconcile')
  .aliases(['sync-execute', 'apply'])
  .description('observe the source and the disk, plan, and apply the plan')
  .option('--dry-run', 'plan only; change nothing')
  .option('--json', 'print the run summary as JSON')
  .option('--no-progress', 'no progress bar')
  .option('--limit <n>', 'actions to list with --dry-run', '50')
  .option('--full', 'observe and walk everything, even when nothing changed since the last converged run')
  .option('--refresh', 'ask the source for everything again instead of reusing what earlier runs observed')
  .option(
    '--from <github:OWNER/REPO/PATH@REF>',
    'apply library.yaml as it is on GitHub (token: $GITHUB_TOKEN)',
  )
  .option('--root <dir>', "with --from: the local folder the fetched file's relative paths resolve against")
  .option(
    '--dashboard-url <url>',
    'with --from: the link of the commit status (default: $CRATESYNC_DASHBOARD_URL)',
  )
  .action((o) => guard(async () => (await runCommands()).runReconcile({ ...global(), ...o })));

program
  .command('status')
  .alias('sync-status')
  .description('playlists and tracks by sync state, deduplication savings, recent runs')
  .option('--json', 'machine-readable output')
  .option(
    '--library-root <dir>',
    'report on the library at DIR (where .cratesync/ is) instead of the one library.yaml names',
  )
  .action((o) => guard(async () => (await reportCommands()).runStatus({ ...global(), ...o })));

program
  .command('dedupe-report')
  .description('tracks shared by several playlists: the real file, its links, and the bytes saved')
  .option('--json', 'machine-readable output')
  .option('--limit <n>', 'tracks to list', '50')
  .action((o) => guard(async () => (await reportCommands()).runDedupeReport({ ...global(), ...o })));

program
  .command('inspect')
  .argument('<playlist>', 'playlist name, folder name or source id')
  .description('one playlist: counts, missing tracks, recent changes')
  .option('--json', 'machine-readable output')
  .action((name, o) =>
    guard(async () => (await reportCommands()).runInspect({ ...global(), ...o, playlist: name })),
  );

program
  .command('watch')
  .description(
    'keep the library converged: run on library.yaml changes (or new commits on GitHub), on a poll and on request; serve a status API and dashboard',
  )
  .option('--trace <file>', "append the control loop's transitions to FILE as JSON lines")
  .option('--http <address:port>', 'where the status API listens (overrides watch.http)')
  .option('--host <address>', 'the status API address (overrides the one in watch.http)')
  .option('--port <n>', 'the status API port (overrides the one in watch.http; 0 picks a free one)')
  .option(
    '--from <github:OWNER/REPO/PATH@REF>',
    'follow library.yaml on GitHub: apply each new commit (token: $GITHUB_TOKEN); -f may also name a bootstrap file with source.git',
  )
  .option('--root <dir>', "with --from: the local folder the fetched file's relative paths resolve against")
  .option(
    '--git-interval <duration>',
    'from GitHub: time between reads of the ref (default 1m; 304s are free)',
  )
  .option(
    '--dashboard-url <url>',
    'from GitHub: the link of the commit statuses (default: $CRATESYNC_DASHBOARD_URL)',
  )
  .action((o) => guard(async () => (await watchCommand()).runWatch({ ...global(), ...o })));

program
  .command('adopt')
  .description(
    'take over the music already under the root: match files to tracks, keep one real file per track, trash duplicates',
  )
  .option('--dry-run', 'scan, match and report; change nothing')
  .option('--json', 'print the report as JSON')
  .option('--no-progress', 'no progress bar')
  .option('--limit <n>', 'files to list per section in human output', '20')
  .option('--concurrency <n>', 'files whose tags are read at once', '8')
  .action((o) => guard(async () => (await adoptCommand()).runAdopt({ ...global(), ...o })));

program
  .command('login')
  .description('log in to TIDAL in your browser (OAuth 2 with PKCE); tokens are stored with mode 0600')
  .option('--client-id <id>', 'client id of your TIDAL app (default: $CRATESYNC_TIDAL_CLIENT_ID)')
  .option(
    '--auth-url <url>',
    'TIDAL auth server (default: $CRATESYNC_TIDAL_AUTH_URL, library.yaml, https://auth.tidal.com)',
  )
  .option('--no-browser', 'only print the login URL')
  .option('--port <n>', 'loopback port; register http://127.0.0.1:N/callback with your app', '48721')
  .action((o) => guard(async () => (await authCommands()).runLogin({ ...global(), ...o })));

program
  .command('logout')
  .description('forget the stored TIDAL login')
  .action(() => guard(async () => (await authCommands()).runLogout(global())));

async function guard(fn: () => Promise<number> | number): Promise<void> {
  try {
    exit(await fn());
  } catch (err) {
    exit(report(err));
  }
}

function report(err: unknown): number {
  if (err instanceof ConfigError) {
    const lines = err.issues.length > 0 ? err.issues.map(formatIssue) : [err.message];
    for (const l of lines) process.stderr.write(`${red('error')}: ${l}\n`);
    return 1;
  }
  if (err instanceof LockedError || err instanceof SourceError) {
    process.stderr.write(`${red('error')}: ${err.message}\n`);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' && e.path) {
    process.stderr.write(`${red('error')}: no such file: ${e.path}\n`);
    return 1;
  }
  process.stderr.write(`${red('error')}: ${e?.message ?? String(err)}\n`);
  if (process.env.CRATESYNC_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}

await program.parseAsync(process.argv);
