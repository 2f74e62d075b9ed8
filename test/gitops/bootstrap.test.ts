// The bootstrap file of `cratesync watch -f bootstrap.yaml`: what it says, told apart from a library.yaml,
// and every mistake as FILE:LINE:COL like library.yaml's.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/errors.ts';
import { isBootstrapText, loadBootstrapText } from '../../src/gitops/bootstrap.ts';
import { demoLibraryYaml } from '../helpers/watch.ts';

const FILE = path.resolve('/srv/cratesync/bootstrap.yaml');

function issues(text: string): string[] {
  try {
    loadBootstrapText(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }
  throw new Error('expected the bootstrap file to be refused');
}

describe('bootstrap file', () => {
  it('reads source.git, root (relative to the file), watch settings and the dashboard URL', () => {
    const b = loadBootstrapText(
      [
        '# cratesync watch -f bootstrap.yaml',
        'source:',
        '  git: "github:me/crates/config/library.yaml@main"',
        'root: ./library',
        'watch: { gitInterval: 30s, interval: 1h, disk: true, http: "0.0.0.0:8080" }',
        'dashboardUrl: https://music-box.local:8080/',
        '',
      ].join('\n'),
      FILE,
    );
    expect(b).toEqual({
      file: FILE,
      spec: { owner: 'me', repo: 'crates', path: 'config/library.yaml', ref: 'main' },
      source: 'github:me/crates/config/library.yaml@main',
      rootDir: path.resolve('/srv/cratesync/library'),
      watch: { intervalMs: 3_600_000, disk: true, http: { host: '0.0.0.0', port: 8080 } },
      gitIntervalMs: 30_000,
      dashboardUrl: 'https://music-box.local:8080/',
    });
    const minimal = loadBootstrapText(
      'source: { git: "github:me/crates/library.yaml" }\nroot: ~/Music\n',
      FILE,
    );
    expect(minimal.rootDir).toBe(path.join(os.homedir(), 'Music'));
    expect(minimal.spec.ref).toBeUndefined();
    expect(minimal.watch).toEqual({});
    expect(minimal.gitIntervalMs).toBeUndefined();
  });

  it('is told apart from a library.yaml by source.git', () => {
    expect(isBootstrapText('source: { git: "github:me/crates/library.yaml" }\nroot: .\n')).toBe(true);
    expect(isBootstrapText('{"source": {"git": "x"}}')).toBe(true);
    expect(isBootstrapText(demoLibraryYaml())).toBe(false);
    expect(isBootstrapText('source: [git]\n')).toBe(false);
    expect(isBootstrapText('source: {\n')).toBe(false);
    expect(isBootstrapText('')).toBe(false);
  });

  it('reports every mistake as FILE:LINE:COL', () => {
    const shown = path.relative(process.cwd(), FILE).startsWith('..')
      ? FILE
      : path.relative(process.cwd(), FILE);
    // The shapes first (every problem at once), as for library.yaml.
    expect(
      issues(
        [
          'source:',
          '  git: "github:me"',
          'root: ""',
          'watch: { gitInterval: 10ms, interval: soon, htp: "x" }',
          'dashboardUrl: music-box',
          'extra: 1',
        ].join('\n'),
      ),
    ).toEqual([
      `${shown}:3:7: root: expected a non-empty string`,
      `${shown}:4:39: watch.interval: must be a duration such as 500ms, 2s, 15m, 1h or 1h30m, got "soon"`,
      `${shown}:4:45: unknown key "htp" in watch (allowed: gitInterval, interval, debounce, disk, http)`,
      `${shown}:5:15: dashboardUrl: must be an http(s) URL, got "music-box"`,
      `${shown}:6:1: unknown key "extra" at the top level (allowed: source, root, watch, dashboardUrl)`,
    ]);
    expect(issues('source:\n  git: "github:me"\nroot: .\n')).toEqual([
      `${shown}:2:8: source.git "github:me": the repository is missing or invalid; expected github:OWNER/REPO/PATH@REF (e.g. github:me/crates/library.yaml@main)`,
    ]);
    expect(issues('source: { git: "gitlab:me/crates/x.yaml" }\n')).toEqual([
      expect.stringMatching(/:1:1: .*root/),
      expect.stringMatching(/:1:16: source\.git: must be github:OWNER\/REPO\/PATH@REF/),
    ]);
    // The semantic checks once the shapes are right.
    expect(
      issues('source: { git: "github:me/crates/x.yaml@a..b" }\nroot: .\nwatch: { gitInterval: 10ms }\n'),
    ).toEqual([
      expect.stringMatching(
        /:1:16: source\.git "github:me\/crates\/x\.yaml@a\.\.b": "a\.\.b" is not a valid ref/,
      ),
      expect.stringMatching(/:3:23: watch\.gitInterval: must be at least 1s$/),
    ]);
    expect(
      issues('source: { git: "github:me/c/x.yaml" }\nroot: .\nwatch: { http: "127.0.0.1:99999" }\n'),
    ).toEqual([expect.stringMatching(/:3:16: watch\.http: port 99999 does not exist/)]);
  });
});

describe('examples/github/bootstrap.yaml', () => {
  it('loads, and names its schema for editors', () => {
    const file = path.join(import.meta.dirname, '../../examples/github/bootstrap.yaml');
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/bootstrap.schema.json');
    expect(isBootstrapText(text)).toBe(true);
    const b = loadBootstrapText(text, file);
    expect(b.rootDir).toBe(path.join(path.dirname(file), 'library'));
    expect(b.gitIntervalMs).toBe(60_000);
  });
});
