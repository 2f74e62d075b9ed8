// Reading library.yaml from GitHub against a fake GitHub API on 127.0.0.1: conditional polling (ETag, 304),
// a new commit reported once and only once, and each failure (404, 401, rate limit, no network, an
// invalid file) as one clear line that keeps the last good revision.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../src/gitops/client.ts';
import { GitHubError } from '../../src/gitops/errors.ts';
import { createGitHubPoller, fetchGitHubFile } from '../../src/gitops/poller.ts';
import { parseGitHubSpec } from '../../src/gitops/spec.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';

const LIB = 'version: 1\nsource: { provider: demo }\nroot: ./music\nplaylists:\n  - select: all\n';
const spec = parseGitHubSpec('github:me/crates/config/library.yaml@main');

let fake: FakeGitHub;
let client: GitHubClient;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.token = 'tok-123';
  client = createGitHubClient({ baseUrl: fake.url, token: 'tok-123', timeoutMs: 5000 });
});
afterEach(async () => {
  await fake.close();
});

const last = () => fake.log[fake.log.length - 1]!;

describe('GitHub poller', () => {
  it('applies a new commit once and only once; unchanged polls are answered 304', async () => {
    const sha1 = fake.commit('me', 'crates', { 'config/library.yaml': LIB });
    const poller = createGitHubPoller({ client, spec });
    const applied: string[] = [];
    const pollAndApply = async () => {
      const r = await poller.poll();
      if (r.ok && r.changed) applied.push(r.sha);
      return r;
    };

    const r1 = await pollAndApply();
    expect(r1).toMatchObject({ ok: true, changed: true, textChanged: true, sha: sha1, text: LIB });
    expect(fake.count()).toBe(2); // the ref's sha, then the file at that sha
    expect(fake.log[0]!.accept).toContain('application/vnd.github.sha');
    expect(fake.log[1]!.path).toBe('/repos/me/crates/contents/config/library.yaml');

    const r2 = await pollAndApply();
    expect(r2).toMatchObject({ ok: true, changed: false, sha: sha1, text: LIB });
    expect(fake.count()).toBe(3);
    expect(last()).toMatchObject({ status: 304, ifNoneMatch: `W/"commit-${sha1}"` });

    const sha2 = fake.commit('me', 'crates', { 'config/library.yaml': `${LIB}# edited\n` });
    const r3 = await pollAndApply();
    expect(r3).toMatchObject({ ok: true, changed: true, textChanged: true, sha: sha2 });
    for (let i = 0; i < 3; i++) expect((await pollAndApply()).changed).toBe(false);
    expect(applied).toEqual([sha1, sha2]);
    expect(fake.log.slice(-3).every((r) => r.status === 304)).toBe(true);

    // A commit that leaves the file alone: a new commit (its status matters), the same text, and the
    // content request is answered 304 thanks to the content's ETag.
    const sha3 = fake.commit('me', 'crates', { 'README.md': 'hello' });
    const r4 = await pollAndApply();
    expect(r4).toMatchObject({
      ok: true,
      changed: true,
      textChanged: false,
      sha: sha3,
      text: `${LIB}# edited\n`,
    });
    expect(last()).toMatchObject({ status: 304, path: '/repos/me/crates/contents/config/library.yaml' });
    expect(poller.stats).toEqual({
      requests: fake.count(),
      notModified: fake.count((r) => r.status === 304),
    });
  });

  it('reads the base64 JSON form of a file too, and the default branch without @REF', async () => {
    fake.jsonContentOnly = true;
    const text = `${LIB}# ünïcödé 🎧\n${'x'.repeat(500)}\n`;
    const sha = fake.commit('me', 'crates', { 'library.yaml': text });
    const file = await fetchGitHubFile(client, parseGitHubSpec('github:me/crates/library.yaml'));
    expect(file).toEqual({ sha, text });
    expect(fake.log[0]!.path).toBe('/repos/me/crates/commits/HEAD');
  });

  it('404 for a repository, a file and a ref: one clear line each', async () => {
    const sha = fake.commit('me', 'crates', { 'library.yaml': LIB });
    const err = async (text: string) => {
      const e = await fetchGitHubFile(client, parseGitHubSpec(text)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GitHubError);
      expect((e as Error).message).not.toContain('\n');
      return e as GitHubError;
    };
    const repo = await err('github:me/nope/library.yaml@main');
    expect(repo.kind).toBe('not-found');
    expect(repo.message).toMatch(/repository me\/nope .*not found \(404\)/);
    const file = await err('github:me/crates/missing.yaml@main');
    expect(file.message).toContain(`missing.yaml in me/crates at ${sha.slice(0, 7)} not found (404)`);
    const ref = await err('github:me/crates/library.yaml@no-such-branch');
    expect(ref.message).toContain('ref "no-such-branch" in me/crates');
    expect(ref.message).toContain('No commit found');
  });

  it('401: the token is rejected, and never shown', async () => {
    fake.commit('me', 'crates', { 'config/library.yaml': LIB });
    const wrong = createGitHubClient({ baseUrl: fake.url, token: 'wrong-secret-token' });
    const r = await createGitHubPoller({ client: wrong, spec }).poll();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe('unauthorized');
    expect(r.error).toMatch(/GitHub rejected the token \(401 Bad credentials\): check GITHUB_TOKEN/);
    expect(r.error).not.toContain('wrong-secret-token');
    expect(r.last).toBeUndefined();
    const anonymous = createGitHubClient({ baseUrl: fake.url });
    const a = await createGitHubPoller({ client: anonymous, spec }).poll();
    expect(!a.ok && a.error).toMatch(/asks for a token \(401\).*set GITHUB_TOKEN/);
  });

  it('a rate-limit 403 says when the limit resets, keeps the last good revision, and is not retried', async () => {
    const sha = fake.commit('me', 'crates', { 'config/library.yaml': LIB });
    const now = Date.UTC(2026, 0, 2, 10, 0, 0);
    const poller = createGitHubPoller({
      client: createGitHubClient({ baseUrl: fake.url, token: 'tok-123', now: () => now }),
      spec,
    });
    expect((await poller.poll()).ok).toBe(true);
    const before = fake.count();
    fake.fail({ kind: 'rate-limit', resetEpochSeconds: now / 1000 + 600 });
    const r = await poller.poll();
    expect(fake.count()).toBe(before + 1); // one request, no retry loop
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.kind).toBe('rate-limited');
    expect(r.resetAt).toBe(now + 600_000);
    expect(r.error).toContain('GitHub API rate limit exceeded (5000 requests an hour)');
    expect(r.error).toContain('it resets at 2026-01-02T10:10:00Z (in 10 min)');
    expect(r.error).toContain(`keeping me/crates/config/library.yaml@${sha.slice(0, 7)}`);
    expect(r.last).toEqual({ sha, text: LIB });
    expect(poller.last).toEqual({ sha, text: LIB });
    expect(poller.lastError?.message).toBe(r.error);
    // Once the limit is over, the next poll is an ordinary 304 and the error is cleared.
    expect(await poller.poll()).toMatchObject({ ok: true, changed: false, sha });
    expect(poller.lastError).toBeUndefined();
  });

  it('GitHub unreachable: the last good revision stays in force and the poll says so', async () => {
    const sha = fake.commit('me', 'crates', { 'config/library.yaml': LIB });
    const poller = createGitHubPoller({ client, spec });
    expect((await poller.poll()).ok).toBe(true);
    fake.fail({ kind: 'drop' });
    const dropped = await poller.poll();
    expect(dropped).toMatchObject({ ok: false, kind: 'network', last: { sha, text: LIB } });
    expect(!dropped.ok && dropped.error).toMatch(
      new RegExp(
        `^cannot reach GitHub at ${fake.url}: .*\\(keeping me/crates/config/library.yaml@${sha.slice(0, 7)}\\)$`,
      ),
    );
    // Nothing listens any more.
    await fake.close();
    const gone = await poller.poll();
    expect(gone).toMatchObject({ ok: false, kind: 'network', last: { sha, text: LIB } });
    expect(poller.lastError?.message).toContain('cannot reach GitHub');
    expect(poller.last).toEqual({ sha, text: LIB });
    fake = await startFakeGitHub(); // for afterEach
  });

  it('a commit whose file is refused by check never replaces the last good one', async () => {
    const good = fake.commit('me', 'crates', { 'config/library.yaml': LIB });
    const check = (text: string) => {
      if (text.includes('broken')) throw new Error('config/library.yaml:2:3: broken is not allowed\nmore');
    };
    const poller = createGitHubPoller({ client, spec, check });
    expect((await poller.poll()).ok).toBe(true);
    const bad = fake.commit('me', 'crates', { 'config/library.yaml': `${LIB}broken: true\n` });
    const r = await poller.poll();
    expect(r).toMatchObject({ ok: false, kind: 'invalid-file', sha: bad, last: { sha: good } });
    expect(!r.ok && r.error).toBe(
      `me/crates/config/library.yaml@${bad.slice(0, 7)} is not applied: config/library.yaml:2:3: broken is not allowed`,
    );
    // Still the same bad head: one 304, the same report, nothing applied.
    const again = await poller.poll();
    expect(again).toMatchObject({ ok: false, kind: 'invalid-file', sha: bad });
    expect(last().status).toBe(304);
    const fixed = fake.commit('me', 'crates', { 'config/library.yaml': `${LIB}# fixed\n` });
    expect(await poller.poll()).toMatchObject({ ok: true, changed: true, sha: fixed });
  });
});

describe('github: references', () => {
  it('parses OWNER/REPO/PATH@REF and refuses what is not one', () => {
    expect(parseGitHubSpec('github:me/crates/a/b/library.yaml@release/v1')).toEqual({
      owner: 'me',
      repo: 'crates',
      path: 'a/b/library.yaml',
      ref: 'release/v1',
    });
    expect(parseGitHubSpec('github:me/crates/library.yaml')).toEqual({
      owner: 'me',
      repo: 'crates',
      path: 'library.yaml',
    });
    for (const bad of [
      'gitlab:me/crates/x.yaml',
      'github:me/crates',
      'github:me/crates/',
      'github:me/crates/../x',
      'github:me/crates/x@',
    ]) {
      expect(() => parseGitHubSpec(bad)).toThrow(/expected github:OWNER\/REPO\/PATH@REF/);
    }
  });
});
