// The commit status: posted on the applied commit with its context and link; a failure to post is a
// warning, never an error; descriptions stay within GitHub's 140 characters.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/controller/summary.ts';
import { createGitHubClient } from '../../src/gitops/client.ts';
import { commitStatusReporter, runDescription } from '../../src/gitops/commit-status.ts';
import { parseGitHubSpec } from '../../src/gitops/spec.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.token = 'tok';
});
afterAll(() => fake.close());

const spec = parseGitHubSpec('github:me/crates/library.yaml@main');

function reporter(token: string | undefined, warnings: string[]) {
  const sha = fake.commit('me', 'crates', { 'library.yaml': 'version: 1\n' });
  const client = createGitHubClient({ baseUrl: fake.url, ...(token ? { token } : {}) });
  const log = { warn: (m: string) => warnings.push(m) };
  return {
    sha,
    status: commitStatusReporter({ client, spec, sha, log, targetUrl: 'https://dash.example/' }),
  };
}

describe('commit status', () => {
  it('goes pending → success on the commit, with the context and the dashboard link', async () => {
    const warnings: string[] = [];
    const { sha, status } = reporter('tok', warnings);
    expect(await status.pending()).toBe(true);
    expect(await status.finish('success', 'applied: 3 downloaded')).toBe(true);
    expect(fake.statuses.filter((s) => s.sha === sha)).toEqual([
      {
        sha,
        state: 'pending',
        context: 'cratesync/reconcile',
        description: 'cratesync is reconciling this commit',
        target_url: 'https://dash.example/',
      },
      {
        sha,
        state: 'success',
        context: 'cratesync/reconcile',
        description: 'applied: 3 downloaded',
        target_url: 'https://dash.example/',
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('a status GitHub refuses, or no token, is a warning and nothing more', async () => {
    const warnings: string[] = [];
    const { sha, status } = reporter('tok', warnings);
    fake.fail({ kind: 'status', status: 500, message: 'boom' }, 1, /statuses/);
    await expect(status.pending()).resolves.toBe(false);
    expect(warnings).toEqual([
      `could not post the commit status (pending): GitHub answered 500 for a commit status on me/crates@${sha.slice(0, 7)}: boom; try again later`,
    ]);
    fake.fail({ kind: 'drop' }, 1, /statuses/);
    await expect(status.finish('failure', 'x')).resolves.toBe(false);
    expect(warnings[1]).toMatch(/^could not post the commit status \(failure\): cannot reach GitHub/);

    const anonymous: string[] = [];
    const none = reporter(undefined, anonymous);
    await none.status.pending();
    await none.status.finish('success', 'ok');
    expect(anonymous).toEqual(['GITHUB_TOKEN is not set: no commit status is posted']);
    expect(fake.statuses.filter((s) => s.sha === none.sha)).toEqual([]);
  });

  it('describes a run in one line of at most 140 characters', () => {
    const s = {
      downloads: 12,
      linksCreated: 30,
      relinks: 0,
      moves: 1,
      removed: 2,
      playlistFiles: 4,
      exportsWritten: 0,
      remoteWrites: 0,
      playlists: 40,
      tracks: 900,
      failed: 0,
      remaining: 0,
      errors: [],
    } as unknown as RunSummary;
    expect(runDescription('completed', s)).toBe(
      'applied: 12 downloaded, 30 linked, 1 moved, 2 removed, 4 files written (40 playlists, 900 tracks)',
    );
    const none = { ...s, downloads: 0, linksCreated: 0, moves: 0, removed: 0, playlistFiles: 0 };
    expect(runDescription('completed', none)).toBe('in sync, nothing to change (40 playlists, 900 tracks)');
    const failed = runDescription(
      'failed',
      { ...s, failed: 3 },
      `could not read the source:\n${'x'.repeat(300)}`,
    );
    expect(failed.startsWith('failed: 3 action(s) failed; could not read the source: xxx')).toBe(true);
    expect(Array.from(failed)).toHaveLength(140);
    expect(failed.endsWith('…')).toBe(true);
  });
});
