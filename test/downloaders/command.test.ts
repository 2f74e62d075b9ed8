import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createCommandDownloader,
  expandArg,
  lastLines,
  toolName,
  trackUrl,
} from '../../src/downloaders/command.ts';
import { silentMp3 } from '../../src/downloaders/mp3-silence.ts';
import { compileOutputGlob } from '../../src/downloaders/output-glob.ts';
import { ConfigError } from '../../src/errors.ts';
import { nodeFsPort } from '../../src/io/fs.ts';
import { runProcess } from '../../src/io/process-run.ts';
import type { Track } from '../../src/types.ts';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir.ts';

const FAKE = fileURLToPath(new URL('../helpers/fake-downloader.mjs', import.meta.url));
const FRAMES_PER_SECOND = 44_100 / 1152;

const track: Track = { id: '75413016', title: 'Title', artists: ['Artist'], durationSeconds: 300 };
const never = new AbortController().signal;

let fixtures: string;
let full: string;
let preview: string;
const works: string[] = [];
const pidsSeen: number[] = [];

beforeAll(() => {
  fixtures = makeTempDir('cratesync-fixtures-');
  full = path.join(fixtures, 'full.mp3');
  preview = path.join(fixtures, 'preview.mp3');
  // Silent frames are about 105 bytes each: five minutes of audio is 1.2 MB.
  writeFileSync(full, silentMp3(Math.round(300 * FRAMES_PER_SECOND)));
  writeFileSync(preview, silentMp3(Math.round(30 * FRAMES_PER_SECOND)));
});

afterAll(() => removeTempDir(fixtures));

afterEach(() => {
  // A failed assertion must not leave a fake downloader running for the rest of the suite.
  for (const pid of pidsSeen.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  for (const dir of works.splice(0)) removeTempDir(dir);
});

/** A fresh, empty staging folder, as apply hands one to download(). */
function slot(): string {
  const work = makeTempDir('cratesync-cmd-');
  works.push(work);
  const dir = path.join(work, 'tmp-dl-0');
  mkdirSync(dir);
  return dir;
}

function fake(mode: string, opts: { fixture?: string; timeoutSeconds?: number; output?: string } = {}) {
  return createCommandDownloader({
    command: [process.execPath, FAKE, mode, '{dir}', '{url}', opts.fixture ?? full],
    output: opts.output,
    timeoutSeconds: opts.timeoutSeconds,
    fs: nodeFsPort,
  });
}

function readPids(dir: string): number[] {
  const pids = ['parent.pid', 'child.pid']
    .map((f) => path.join(dir, f))
    .filter((f) => existsSync(f))
    .map((f) => Number(readFileSync(f, 'utf8')));
  pidsSeen.push(...pids);
  return pids;
}

/** Alive and not a zombie (a killed grandchild waits for init to reap it, which is not our concern). */
function running(pid: number): boolean {
  if (existsSync('/proc')) {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: number[], withinMs = 3000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (pids.some(running)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

describe('command downloader with a fake downloader', () => {
  it('collects the one audio file a successful run produced, ignoring covers, lyrics and partials', async () => {
    const dir = slot();
    const result = await fake('success').download(track, dir, never);
    expect(result.path).toBe(path.join(dir, 'Artist/Album/01 - Title.mp3'));
    expect(readFileSync(result.path).equals(readFileSync(full))).toBe(true);
  });

  it('fails a run that exits 0 without a file, quoting stderr without its colours', async () => {
    const dir = slot();
    await expect(fake('no-file').download(track, dir, never)).rejects.toThrow(
      /^node exited 0 but produced no audio file in the staging folder; stderr: Media not found \(ID: 1\)\. Maybe it is not available anymore\.$/,
    );
  });

  it('fails a run that exits 1, with the last lines of stderr', async () => {
    const dir = slot();
    await expect(fake('fail').download(track, dir, never)).rejects.toThrow(
      'node exited 1; stderr: Traceback (most recent call last): | File "cli.py", line 1 | AuthError: not logged in; run `login` first',
    );
  });

  it('fails a preview-length file', async () => {
    const dir = slot();
    await expect(fake('preview', { fixture: preview }).download(track, dir, never)).rejects.toThrow(
      'got a 30 s file for a 300 s track (a preview?): Artist/Album/01 - Title.mp3',
    );
  });

  it('accepts a length within 5 s or 5 % of the source, and checks nothing when the source has none', async () => {
    const dir = slot();
    await expect(fake('success').download({ ...track, durationSeconds: 314 }, dir, never)).resolves.toEqual({
      path: path.join(dir, 'Artist/Album/01 - Title.mp3'),
    });
    const short = { ...track, durationSeconds: 34 };
    await expect(fake('preview', { fixture: preview }).download(short, slot(), never)).resolves.toBeDefined();
    const unknown = { ...track, durationSeconds: undefined };
    await expect(
      fake('preview', { fixture: preview }).download(unknown, slot(), never),
    ).resolves.toBeDefined();
    await expect(fake('success').download({ ...track, durationSeconds: 100 }, slot(), never)).rejects.toThrow(
      'got a 300 s file for a 100 s track (another version?)',
    );
  });

  it('kills a slow download and everything it started when the time is up', async () => {
    const dir = slot();
    const started = Date.now();
    await expect(fake('slow', { timeoutSeconds: 1 }).download(track, dir, never)).rejects.toThrow(
      'node timed out after 1 s and was stopped; stderr: downloading slowly...',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const pids = readPids(dir);
    expect(pids).toHaveLength(2);
    expect(await gone(pids)).toBe(true);
  });

  it('stops the download on abort and rethrows the abort reason', async () => {
    const dir = slot();
    const ac = new AbortController();
    const pending = fake('slow').download(track, dir, ac.signal);
    // Abort once the downloader and its helper are both up, so both must be stopped.
    while (!existsSync(path.join(dir, 'child.pid'))) await new Promise((r) => setTimeout(r, 20));
    ac.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
    const pids = readPids(dir);
    expect(pids).toHaveLength(2);
    expect(await gone(pids)).toBe(true);
  });

  it('fails a file with an audio name that is not audio', async () => {
    const dir = slot();
    await expect(fake('not-audio').download(track, dir, never)).rejects.toThrow(
      /^node produced 01 - Title\.mp3, which is not audio \(/,
    );
  });

  it('fails a run that left only side files, naming them', async () => {
    const dir = slot();
    await expect(fake('side-files').download(track, dir, never)).rejects.toThrow(
      'node exited 0 but produced no audio file in the staging folder (found only: cover.jpg, lyrics.lrc)',
    );
  });

  it('fails a run that left several audio files', async () => {
    const dir = slot();
    await expect(fake('two-files').download(track, dir, never)).rejects.toThrow(
      'node produced 2 audio files (a.mp3, b.mp3); narrow download.output to one',
    );
  });

  it('passes an odd track id as one argument, substituted once, and runs in the staging folder', async () => {
    const dir = slot();
    const odd: Track = { ...track, id: `1"; rm -rf / #{dir} $(id)`, durationSeconds: undefined };
    const downloader = createCommandDownloader({
      command: [process.execPath, FAKE, 'echo-args', '{dir}', '{url}', full, '--id={id}'],
      fs: nodeFsPort,
    });
    const result = await downloader.download(odd, dir, never);
    expect(result.path).toBe(path.join(dir, 'track.mp3'));
    const seen = JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8'));
    expect(seen.argv).toEqual(['echo-args', dir, trackUrl(odd.id), full, `--id=${odd.id}`]);
    expect(trackUrl(odd.id)).toBe(`https://tidal.com/browse/track/${encodeURIComponent(odd.id)}`);
    expect(seen.cwd).toBe(dir);
  });

  it('runs a shell recipe with {dir} and {url} as positional arguments, named after its $0', async () => {
    const dir = slot();
    const downloader = createCommandDownloader({
      command: [
        'sh',
        '-c',
        'cd / && exec "$1" "$2" no-file "$3" "$4"',
        'tidal-dl-ng',
        process.execPath,
        FAKE,
        '{dir}',
        '{url}',
      ],
      fs: nodeFsPort,
    });
    await expect(downloader.download(track, dir, never)).rejects.toThrow(
      /^tidal-dl-ng exited 0 but produced no audio file in the staging folder; stderr: Media not found/,
    );
  });

  it('runs the README tidal-dl-ng recipe against a stand-in tidal-dl-ng on PATH', async () => {
    const bin = path.join(fixtures, 'bin');
    mkdirSync(bin, { recursive: true });
    // Like tidal-dl-ng: `cfg KEY VALUE` saves a setting, `dl URL` writes under download_base_path, exits 0.
    const stand = [
      `#!${process.execPath}`,
      "const fs = require('node:fs');",
      "const settings = require('node:path').join(process.env.HOME, 'settings.json');",
      'const [cmd, a, b] = process.argv.slice(2);',
      "if (cmd === 'cfg') fs.writeFileSync(settings, JSON.stringify({ [a]: b }));",
      "else { const base = JSON.parse(fs.readFileSync(settings, 'utf8')).download_base_path;",
      "  fs.mkdirSync(base + '/Tracks', { recursive: true });",
      `  fs.copyFileSync(${JSON.stringify(full)}, base + '/Tracks/' + a.split('/').pop() + '.mp3'); }`,
    ].join('\n');
    writeFileSync(path.join(bin, 'tidal-dl-ng'), stand, { mode: 0o755 });
    const dir = slot();
    const downloader = createCommandDownloader({
      command: [
        'sh',
        '-c',
        'tidal-dl-ng cfg download_base_path "$1" && exec tidal-dl-ng dl "$2"',
        'tidal-dl-ng',
        '{dir}',
        '{url}',
      ],
      fs: nodeFsPort,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: fixtures },
    });
    await expect(downloader.download(track, dir, never)).resolves.toEqual({
      path: path.join(dir, 'Tracks/75413016.mp3'),
    });
  });

  it('looks for the file only where download.output says', async () => {
    await expect(
      fake('success', { output: '{dir}/**/*.flac' }).download(track, slot(), never),
    ).rejects.toThrow('produced no audio file');
    const dir = slot();
    await expect(fake('success', { output: 'Artist/*/*.mp3' }).download(track, dir, never)).resolves.toEqual({
      path: path.join(dir, 'Artist/Album/01 - Title.mp3'),
    });
  });

  it('does not wait for a child the downloader left running after it exited, and ends it', async () => {
    const dir = slot();
    const started = Date.now();
    await expect(fake('leave-child', { timeoutSeconds: 30 }).download(track, dir, never)).resolves.toEqual({
      path: path.join(dir, 'track.mp3'),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await gone(readPids(dir))).toBe(true);
  });

  it('says so when the tool is not installed', async () => {
    const downloader = createCommandDownloader({
      command: ['/nonexistent/bin/tidal-dl-ng', 'dl', '{url}'],
      fs: nodeFsPort,
    });
    await expect(downloader.download(track, slot(), never)).rejects.toThrow(
      'could not start tidal-dl-ng: not found; is it installed and on PATH?',
    );
  });

  it('rejects an output pattern outside the staging folder', () => {
    expect(() => fake('success', { output: '/srv/music/**/*' })).toThrow(ConfigError);
  });
});

describe('runProcess', () => {
  it('escalates to SIGKILL when the process group ignores SIGTERM', async () => {
    const dir = slot();
    const r = await runProcess([process.execPath, FAKE, 'stubborn', dir], {
      timeoutMs: 500,
      killGraceMs: 200,
    });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGKILL', code: null });
    const pids = readPids(dir);
    expect(pids).toHaveLength(2);
    expect(await gone(pids)).toBe(true);
  });

  it('keeps only the tail of a long output', async () => {
    const script =
      "process.stdout.write('x'.repeat(100000) + 'END'); process.stderr.write('e'.repeat(9000));";
    const r = await runProcess([process.execPath, '-e', script], { timeoutMs: 10_000, tailBytes: 100 });
    expect(r.code).toBe(0);
    expect(r.stdoutTail).toHaveLength(100);
    expect(r.stdoutTail.endsWith('xEND')).toBe(true);
    expect(r.stderrTail).toBe('e'.repeat(100));
  });

  it('has stdin closed, so a prompt reads end-of-file instead of waiting', async () => {
    const script = "process.stdin.on('data', () => {}); process.stdin.on('end', () => console.log('eof'));";
    const r = await runProcess([process.execPath, '-e', script], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ code: 0, timedOut: false, stdoutTail: 'eof\n' });
  });
});

describe('helpers', () => {
  it('expandArg substitutes each placeholder once', () => {
    const vars = { id: '{dir}', url: 'u', dir: '/s' };
    expect(expandArg('{id}|{url}|{dir}|{item.id}', vars)).toBe('{dir}|u|/s|{item.id}');
  });

  it('toolName names the program, or the $0 of a shell script', () => {
    expect(toolName(['/usr/local/bin/tiddl', 'download'])).toBe('tiddl');
    expect(toolName(['sh', '-c', 'tidal-dl-ng dl "$1"', 'tidal-dl-ng', '{url}'])).toBe('tidal-dl-ng');
    expect(toolName(['/bin/sh', 'script.sh'])).toBe('sh');
  });

  it('lastLines keeps what a terminal would show last', () => {
    const text = '\x1b[32mone\x1b[0m\n\n two \r\n 10%\r 50%\r100%\r\nthree\nfour\nfive\nsix\n';
    expect(lastLines(text)).toBe('two | 100% | three | four | five | six'.split(' | ').slice(-5).join(' | '));
  });

  it('output globs treat {dir} and {id} literally and ** as any folders', () => {
    const g = compileOutputGlob('{dir}/**/{id}.*', { dir: '/tmp/a*b?', id: '42' });
    expect(g.test('/tmp/a*b?/42.flac')).toBe(true);
    expect(g.test('/tmp/a*b?/x/y/42.m4a')).toBe(true);
    expect(g.test('/tmp/aXXbY/42.flac')).toBe(false);
    expect(g.test('/tmp/a*b?/43.flac')).toBe(false);
    const star = compileOutputGlob('Tracks/*.flac', { dir: '/s', id: '1' });
    expect(star.test('/s/Tracks/1.flac')).toBe(true);
    expect(star.test('/s/Tracks/x/1.flac')).toBe(false);
  });
});
