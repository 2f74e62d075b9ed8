// GitOps through the real CLI (child processes of bin/cratesync.js) against a fake GitHub API on 127.0.0.1:
// `plan --github-pr` creates one comment and then edits it in place, an invalid PR gets its errors with line
// numbers; `reconcile --from` posts pending → success (failure for an invalid file), records the commit,
// and `status` shows it; a local library.yaml in a git work tree records HEAD and uncommitted edits.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localGitRevision } from '../../src/gitops/local-git.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/cratesync.js');
const LIB = `version: 1
source:
  provider: file
  file: { path: ./catalog.json }
root: ./music
playlists:
  - select: all
    exclude: [Archive]
`;

let fake: FakeGitHub;
let dir: string;

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: {
        ...process.env,
        NO_COLOR: '1',
        GITHUB_API_URL: fake.url,
        GITHUB_TOKEN: 'tok-123',
        CRATESYNC_DASHBOARD_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.token = 'tok-123';
  dir = makeTempDir('cratesync-gitops-');
  fs.copyFileSync(path.join(repo, 'examples/file/catalog.json'), path.join(dir, 'catalog.json'));
});
afterAll(async () => {
  await fake.close();
  removeTempDir(dir);
});

describe('plan --github-pr', () => {
  it('comments the plan once, then updates that comment in place; an invalid file gets its errors', async () => {
    fake.commit('me', 'crates', { 'library.yaml': LIB });
    const head1 = fake.commit(
      'me',
      'crates',
      { 'library.yaml': LIB.replace('[Archive]', '[Archive, Deep House]') },
      'pr-7',
    );
    fake.openPull('me', 'crates', 7, head1);
    const args = ['plan', '--github-pr', '7', '--from', 'github:me/crates/library.yaml', '--root', dir];

    const first = await cli(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Plan for me/crates/library.yaml@${head1.slice(0, 7)} (pull request #7)`);
    expect(first.stdout).toContain('Commented on pull request #7');
    expect(fake.comments).toHaveLength(1);
    const created = fake.comments[0]!;
    expect(created.body.startsWith('<!-- cratesync-plan:library.yaml -->')).toBe(true);
    expect(created.body).toContain(`at ${head1.slice(0, 7)}`);
    expect(created.body).toMatch(/\*\*Plan: \d+ action\(s\)\*\*/);
    expect(created.body).toMatch(/\| Warmup Set \(new\) \| \d+ \| \d+ \|/);
    expect(created.body).not.toMatch(/\| Deep House/);
    // Planning wrote nothing under --root, and paths resolved there, not in the repository.
    expect(fs.existsSync(path.join(dir, 'music'))).toBe(false);

    // Someone else's comment, then a new push to the PR: the same comment is edited.
    fake.comments.push({ id: 1, issue: 7, body: 'LGTM', createdAt: 0, updatedAt: 0 });
    const head2 = fake.commit('me', 'crates', { 'library.yaml': LIB }, 'pr-7');
    fake.openPull('me', 'crates', 7, head2);
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Updated the comment on pull request #7');
    expect(fake.comments.filter((c) => c.body.includes('cratesync-plan'))).toHaveLength(1);
    expect(fake.comments.find((c) => c.id === created.id)!.body).toContain(`at ${head2.slice(0, 7)}`);
    expect(fake.comments.find((c) => c.id === created.id)!.body).toMatch(/\| Deep House \(new\) \|/);
    expect(fake.count((r) => r.method === 'POST' && r.path.endsWith('/comments'))).toBe(1);
    expect(fake.count((r) => r.method === 'PATCH')).toBe(1);

    // An invalid library.yaml on the PR: errors with line numbers in the comment and on stderr, exit 1.
    const bad = fake.commit(
      'me',
      'crates',
      { 'library.yaml': LIB.replace('root: ./music', 'root: [1, 2]') },
      'pr-7',
    );
    fake.openPull('me', 'crates', 7, bad);
    const invalid = await cli(args);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(new RegExp(`error: me/crates/library.yaml@${bad.slice(0, 7)}:5:\\d+: `));
    expect(invalid.stderr).toContain('posted the problem on pull request #7');
    const comment = fake.comments.find((c) => c.id === created.id)!;
    expect(comment.body).toContain(`${bad.slice(0, 7)}: invalid`);
    expect(comment.body).toMatch(new RegExp(`me/crates/library.yaml@${bad.slice(0, 7)}:5:\\d+: .*root`));
    expect(fake.comments.filter((c) => c.body.includes('cratesync-plan'))).toHaveLength(1);
  });

  it('refuses clearly without --root, with @REF, and with a PR that does not exist', async () => {
    const [noRoot, ref, missing] = await Promise.all([
      cli(['plan', '--github-pr', '7', '--from', 'github:me/crates/library.yaml']),
      cli(['plan', '--github-pr', '7', '--from', 'github:me/crates/library.yaml@main', '--root', dir]),
      cli(['plan', '--github-pr', '99', '--from', 'github:me/crates/library.yaml', '--root', dir]),
    ]);
    expect(noRoot.code).toBe(1);
    expect(noRoot.stderr).toMatch(/^error: --from github:me\/crates\/library.yaml needs --root DIR/);
    expect(ref.stderr).toContain('leave "@main" out of --from');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^error: GitHub: pull request #99 in me\/crates not found \(404\)/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('reconcile --from github', () => {
  it('posts pending → success on the applied commit, records it, and status shows it', async () => {
    const sha = fake.commit('me', 'crates', { 'library.yaml': LIB });
    const run = await cli([
      'reconcile',
      '--from',
      'github:me/crates/library.yaml@main',
      '--root',
      dir,
      '--dashboard-url',
      'https://dash.example/cratesync',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'music/Playlists'))).toBe(true);
    const mine = fake.statuses.filter((s) => s.sha === sha);
    expect(mine.map((s) => s.state)).toEqual(['pending', 'success']);
    for (const s of mine) {
      expect(s.context).toBe('cratesync/reconcile');
      expect(s.target_url).toBe('https://dash.example/cratesync');
      expect(s.description!.length).toBeLessThanOrEqual(140);
    }
    expect(mine[1]!.description).toMatch(/^applied: \d+ downloaded, \d+ linked/);

    const [json, human] = await Promise.all([
      cli(['status', '--library-root', path.join(dir, 'music'), '--json']),
      cli(['status', '--library-root', path.join(dir, 'music')]),
    ]);
    const status = JSON.parse(json.stdout);
    expect(status.lastRun).toMatchObject({
      status: 'completed',
      configSource: 'github:me/crates/library.yaml@main',
      configCommit: sha,
    });
    expect(human.stdout).toContain(
      `Config     github:me/crates/library.yaml@main at ${sha.slice(0, 7)} (run #${status.lastRun.id}, completed)`,
    );
  });

  it('an invalid file gets a failure status with its line number and exit 1; GitHub errors are one line', async () => {
    const bad = fake.commit('me', 'crates', { 'library.yaml': `${LIB}prune: { mode: sometimes }\n` });
    const run = await cli(['reconcile', '--from', 'github:me/crates/library.yaml@main', '--root', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`error: me/crates/library.yaml@${bad.slice(0, 7)}:9:\\d+: `));
    const mine = fake.statuses.filter((s) => s.sha === bad);
    expect(mine.map((s) => s.state)).toEqual(['pending', 'failure']);
    expect(mine[1]!.description).toMatch(/^invalid library\.yaml:9:\d+: /);

    fake.fail({ kind: 'rate-limit', resetEpochSeconds: Math.floor(Date.now() / 1000) + 1800 });
    const limited = await cli(['reconcile', '--from', 'github:me/crates/library.yaml@main', '--root', dir]);
    expect(limited.code).toBe(1);
    expect(limited.stderr.trim().split('\n')).toHaveLength(1);
    expect(limited.stderr).toMatch(
      /^error: GitHub API rate limit exceeded .*it resets at \d{4}-\d\d-\d\dT[\d:]+Z \(in (29|30) min\)/,
    );
  });
});

describe('local git', () => {
  it('records HEAD and uncommitted edits of a library.yaml in a git work tree', async () => {
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    fs.copyFileSync(path.join(repo, 'examples/file/catalog.json'), path.join(work, 'catalog.json'));
    fs.writeFileSync(path.join(work, 'library.yaml'), LIB);
    const notGit = await localGitRevision(path.join(work, 'library.yaml'));
    const git = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], {
        cwd: work,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    git('add', 'library.yaml', 'catalog.json');
    git('commit', '-q', '-m', 'library');
    const head = git('rev-parse', 'HEAD');

    expect(await localGitRevision(path.join(work, 'library.yaml'))).toEqual({
      source: path.join(work, 'library.yaml'),
      commit: head,
      dirty: false,
    });
    const run = await cli(['reconcile', '-f', path.join(work, 'library.yaml')]);
    expect(run.code).toBe(0);
    const clean = JSON.parse((await cli(['status', '-f', path.join(work, 'library.yaml'), '--json'])).stdout);
    expect(clean.lastRun).toMatchObject({ configCommit: head, configDirty: false });

    fs.appendFileSync(path.join(work, 'library.yaml'), '# an edit\n');
    expect((await localGitRevision(path.join(work, 'library.yaml')))?.dirty).toBe(true);
    await cli(['reconcile', '-f', path.join(work, 'library.yaml')]);
    const dirty = await cli(['status', '-f', path.join(work, 'library.yaml')]);
    expect(dirty.stdout).toContain(`library.yaml at ${head.slice(0, 7)} with uncommitted edits`);

    // Outside a work tree, or without git on PATH: nothing is recorded.
    expect(notGit).toBeUndefined();
    expect(
      await localGitRevision(path.join(work, 'library.yaml'), { env: { PATH: '/nonexistent' } }),
    ).toBeUndefined();
  });
});
