// The CLI as a user runs it: real child processes of bin/cratesync.js on a copy of examples/file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

let dir: string;
let lib: string;

const cli = (...args: string[]) => runCli(dir, ...args);

beforeAll(() => {
  dir = makeTempDir('cratesync-cli-');
  fs.cpSync(path.join(REPO, 'examples/file'), dir, { recursive: true });
  fs.rmSync(path.join(dir, 'music'), { recursive: true, force: true });
  // Point the schema comment at the repository so the copy stays a faithful example.
  lib = path.join(dir, 'library.yaml');
});
afterAll(() => removeTempDir(dir));

describe('cratesync CLI', () => {
  it('validates every example', () => {
    for (const example of ['demo', 'file', 'tidal']) {
      const r = cli('validate', '-f', path.join(REPO, 'examples', example, 'library.yaml'));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('valid');
    }
  });

  it('reconciles, then plans nothing (exit 0), and reports', () => {
    const run = cli('reconcile', '-f', lib);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Reconciled .* in [\d.]+ s/);
    expect(run.stdout).toMatch(/\d+ downloaded/);
    expect(run.stdout).toMatch(/links save/);

    const plan = cli('plan', '-f', lib, '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes');
    const alias = cli('sync-check', '-f', lib, '--json');
    expect(alias.code).toBe(0);
    const json = JSON.parse(alias.stdout);
    expect(json.actions).toEqual([]);
    expect(json).toHaveProperty('skipped');
    expect(json.summary.actions).toBe(0);
    // Unchanged since the converged run: answered without observing; --full looks anyway.
    expect(json.summary.shortcut).toBe(true);
    const full = JSON.parse(cli('plan', '-f', lib, '--json', '--full').stdout);
    expect(full.actions).toEqual([]);
    expect(full.summary.shortcut).toBeUndefined();
    expect(JSON.parse(cli('reconcile', '-f', lib, '--json', '--full').stdout).shortcut).toBe(false);
    expect(JSON.parse(cli('reconcile', '-f', lib, '--json').stdout).shortcut).toBe(true);

    const status = JSON.parse(cli('sync-status', '-f', lib, '--json').stdout);
    expect(status.lastRun.status).toBe('completed');
    expect(status.tracks.byStatus.downloaded).toBeGreaterThan(0);
    expect(status.dedupe.links).toBeGreaterThan(0);
    expect(cli('status', '-f', lib).stdout).toContain('Recent runs');

    const dedupe = JSON.parse(cli('dedupe-report', '-f', lib, '--json').stdout);
    expect(dedupe.tracks[0].links.length).toBeGreaterThan(0);
    expect(dedupe.totals.bytesSaved).toBeGreaterThan(0);

    const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8'));
    const name = catalog.playlists[0].name as string;
    const inspect = JSON.parse(cli('inspect', name, '-f', lib, '--json').stdout);
    expect(inspect.name).toBe(name);
    expect(inspect.counts.entries).toBe(new Set(catalog.playlists[0].items).size);
    expect(inspect.counts.missing).toBe(0);
    expect(cli('inspect', 'No Such Playlist', '-f', lib).code).toBe(1);
  });

  it('shows a change as exit 2 and applies nothing on --dry-run', () => {
    const catalogFile = path.join(dir, 'catalog.json');
    const catalog = JSON.parse(fs.readFileSync(catalogFile, 'utf8'));
    catalog.playlists[0].name = `${catalog.playlists[0].name} Renamed`;
    fs.writeFileSync(catalogFile, JSON.stringify(catalog, null, 2));
    const before = snapshot(path.join(dir, 'music'));
    const plan = cli('plan', '-f', lib, '--detailed-exitcode', '--json');
    expect(plan.code).toBe(2);
    const json = JSON.parse(plan.stdout);
    expect(json.summary.byType.move).toBeGreaterThan(0);
    const dry = cli('reconcile', '--dry-run', '-f', lib);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Plan:');
    expect(snapshot(path.join(dir, 'music'))).toEqual(before);
    const apply = cli('apply', '-f', lib, '--json');
    expect(apply.code).toBe(0);
    expect(JSON.parse(apply.stdout).summary.moves).toBeGreaterThan(0);
    expect(cli('plan', '-f', lib, '--detailed-exitcode').code).toBe(0);
  });

  it('an invalid library.yaml makes every command exit 1 with FILE:LINE:COL', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, fs.readFileSync(lib, 'utf8').replace(/^root:/m, 'rooot:'));
    const badType = path.join(dir, 'bad-type.yaml');
    fs.writeFileSync(
      badType,
      `${fs.readFileSync(lib, 'utf8')}\nprune: { mode: trash, maxDeletions: lots }\n`.replace(
        /^prune:.*\n(?=[\s\S]*^prune:)/m,
        '',
      ),
    );
    for (const file of [bad, badType]) {
      for (const args of [
        ['validate'],
        ['plan'],
        ['reconcile'],
        ['status'],
        ['dedupe-report'],
        ['inspect', 'x'],
        ['sync-execute'],
      ]) {
        const r = cli(...args, '-f', file);
        expect(r.code, `${args.join(' ')} ${file}`).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`${path.basename(file).replace('.', '\\.')}:\\d+:\\d+: `));
      }
    }
    expect(cli('validate', '-f', bad).stderr).toContain('unknown key "rooot"');
  });

  it('refuses to run while another live process holds the lock, and takes over a stale one', () => {
    const lock = path.join(dir, 'music/.cratesync/lock');
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() }),
    );
    const held = cli('reconcile', '-f', lib);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain(`pid ${process.pid}`);
    fs.writeFileSync(
      lock,
      JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z' }),
    );
    const stale = cli('reconcile', '-f', lib);
    expect(stale.code).toBe(0);
    expect(stale.stderr).toContain('stale lock');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
    const st = fs.lstatSync(path.join(root, rel));
    out[rel] = st.isSymbolicLink()
      ? `-> ${fs.readlinkSync(path.join(root, rel))}`
      : st.isFile()
        ? `${st.size}`
        : 'dir';
  }
  return out;
}
