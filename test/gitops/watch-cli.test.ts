// `cratesync watch -f bootstrap.yaml` as a real process (bin/cratesync.js) against the fake GitHub API: it
// reads library.yaml at the ref's commit, applies it under the bootstrap's root, posts the commit status,
// and `cratesync status` shows what it follows and, while GitHub answers 500, why it cannot read it; SIGTERM
// stops it with exit 0. A bootstrap file with mistakes gets FILE:LINE:COL, and GitHub-only flags are refused
// without GitHub.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';
import { demoLibraryYaml, eventually, playlistFolders } from '../helpers/watch.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/cratesync.js');

let fake: FakeGitHub;
let dir: string;
const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(...args: string[]): Proc {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      NO_COLOR: '1',
      GITHUB_API_URL: fake.url,
      GITHUB_TOKEN: 'tok-123',
      CRATESYNC_DASHBOARD_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exited };
}

async function run(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = start(...args);
  const { code } = await p.exited;
  return { code, out: p.out(), err: p.err() };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.token = 'tok-123';
  dir = makeTempDir('cratesync-gitwatch-cli-');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake.close();
  removeTempDir(dir);
});

describe('cratesync watch -f bootstrap.yaml', () => {
  it('follows library.yaml on GitHub, reports GitHub failures in status, and stops on SIGTERM', async () => {
    const sha = fake.commit('me', 'crates', {
      'library.yaml': demoLibraryYaml({ playlists: 3, interval: '1h', disk: false }),
    });
    fs.writeFileSync(
      path.join(dir, 'bootstrap.yaml'),
      [
        'source: { git: "github:me/crates/library.yaml@main" }',
        'root: ./box',
        'watch: { gitInterval: 1s, http: "127.0.0.1:0" }',
        'dashboardUrl: https://music-box.example/',
        '',
      ].join('\n'),
    );
    const root = path.join(dir, 'box', 'music');
    const w = start('watch', '-f', 'bootstrap.yaml');
    await eventually(() => w.out().includes('dashboard'), { what: `the watcher to start: ${w.err()}` });
    expect(w.out()).toContain(
      `following github:me/crates/library.yaml@main at ${sha.slice(0, 7)} → box/music`,
    );
    await eventually(() => fake.statuses.some((s) => s.sha === sha && s.state === 'success'), {
      what: `the success status: ${w.err()}`,
    });
    expect(playlistFolders(root)).toHaveLength(3);
    expect(fake.statuses.filter((s) => s.sha === sha).map((s) => [s.state, s.target_url])).toEqual([
      ['pending', 'https://music-box.example/'],
      ['success', 'https://music-box.example/'],
    ]);
    // The structured log is in the library's .cratesync/logs/ as soon as the root is known.
    expect(fs.readFileSync(path.join(root, '.cratesync/logs/cratesync.log'), 'utf8')).toContain('run #1');

    const status = await run('status', '--library-root', root);
    expect(status.out).toMatch(
      new RegExp(
        `Watcher +pid \\d+ · http://127\\.0\\.0\\.1:\\d+/ · following github:me/crates/library\\.yaml@main at ${sha.slice(0, 7)}`,
      ),
    );
    expect(status.out).not.toContain('GitHub ');

    fake.fail({ kind: 'status', status: 500, message: 'boom' }, 10_000, /commits/);
    const failing = await eventually(
      async () => {
        const s = await run('status', '--library-root', root);
        return s.out.includes('GitHub answered 500') ? s.out : undefined;
      },
      { what: 'status to show the GitHub error' },
    );
    expect(failing).toMatch(/GitHub +GitHub answered 500 for .*boom.*keeping me\/crates\/library\.yaml@/);
    const json = JSON.parse((await run('status', '--library-root', root, '--json')).out);
    expect(json.watcher.source).toMatchObject({ source: 'github:me/crates/library.yaml@main', commit: sha });
    expect(json.watcher.source.error).toMatchObject({ kind: 'server' });
    fake.clearFaults();

    w.child.kill('SIGTERM');
    expect(await w.exited, w.err()).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(root, '.cratesync/watch.json'))).toBe(false);
  }, 60_000);

  it('refuses a bootstrap file with mistakes (FILE:LINE:COL) and GitHub flags without GitHub', async () => {
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'source: { git: "github:me/crates/library.yaml" }\nroot: .\nwatch: { gitInterval: fast }\n',
    );
    const bad = await run('watch', '-f', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error: bad.yaml:3:23: watch.gitInterval: must be a duration');

    fs.writeFileSync(path.join(dir, 'library.yaml'), demoLibraryYaml());
    const stray = await run('watch', '-f', 'library.yaml', '--root', dir);
    expect(stray.code).toBe(1);
    expect(stray.err).toContain('--root goes with --from github:');
    const noRoot = await run('watch', '--from', 'github:me/crates/library.yaml@main');
    expect(noRoot.code).toBe(1);
    expect(noRoot.err).toContain('needs --root DIR');
  }, 60_000);
});
