// A stand-in for tidal-dl-ng / tiddl, driven by the command downloader's tests as a real child process.
// Usage: node fake-downloader.mjs MODE DIR URL [FIXTURE] [DELAY_MS]
// MODE picks the behaviour; DIR is the staging folder ({dir}); FIXTURE is an audio file to "download".
// Modes that start a helper process write parent.pid and child.pid into DIR so the test can check that
// nothing survives.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir, url, fixture, delayMs] = process.argv.slice(2);

const forever = () => setInterval(() => {}, 1000);

function startChild({ ignoreTerm = false } = {}) {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000);`;
  // stdio inherited: the child holds the same pipes, as a real tool's ffmpeg would.
  const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
  writeFileSync(join(dir, 'parent.pid'), String(process.pid));
  writeFileSync(join(dir, 'child.pid'), String(child.pid));
}

function deliver(name) {
  const target = join(dir, name);
  mkdirSync(join(target, '..'), { recursive: true });
  copyFileSync(fixture, target);
}

switch (mode) {
  case 'success':
  case 'preview':
    process.stdout.write(`Downloading ${url}\r 10%\r 50%\r100%\n`);
    deliver('Artist/Album/01 - Title.mp3');
    // The side files real tools leave: a cover, lyrics, a log and a leftover temp file.
    writeFileSync(join(dir, 'Artist/Album/cover.jpg'), 'not really a jpeg');
    writeFileSync(join(dir, 'Artist/Album/01 - Title.lrc'), '[00:00.00] la la');
    writeFileSync(join(dir, 'download.log'), 'ok');
    writeFileSync(join(dir, 'Artist/Album/01 - Title.flac.part'), 'partial');
    break;
  case 'delayed':
    // A download that takes a while (DELAY_MS), for tests that stop the controller in the middle of a run.
    setTimeout(() => deliver('track.mp3'), Number(delayMs ?? 200));
    break;
  case 'no-file':
    // What tidal-dl-ng does when a track cannot be fetched: say so, exit 0.
    process.stdout.write('Let us check, if you are already logged in... Yes\n');
    process.stderr.write('\x1b[31mMedia not found (ID: 1). Maybe it is not available anymore.\x1b[0m\n');
    break;
  case 'fail':
    process.stderr.write('Traceback (most recent call last):\n  File "cli.py", line 1\n');
    process.stderr.write('AuthError: not logged in; run `login` first\n');
    process.exit(1);
    break;
  case 'not-audio':
    writeFileSync(join(dir, '01 - Title.mp3'), '<html><body>Access denied</body></html>\n');
    break;
  case 'side-files':
    writeFileSync(join(dir, 'cover.jpg'), 'not really a jpeg');
    writeFileSync(join(dir, 'lyrics.lrc'), '[00:00.00] la la');
    break;
  case 'two-files':
    deliver('a.mp3');
    deliver('b.mp3');
    break;
  case 'echo-args':
    writeFileSync(
      join(dir, 'args.json'),
      JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }),
    );
    deliver('track.mp3');
    break;
  case 'slow':
    startChild();
    writeFileSync(join(dir, 'track.mp3.part'), 'the first bytes');
    process.stderr.write('downloading slowly...\n');
    forever();
    break;
  case 'stubborn':
    process.on('SIGTERM', () => {});
    startChild({ ignoreTerm: true });
    forever();
    break;
  case 'leave-child':
    startChild();
    deliver('track.mp3');
    process.exit(0);
    break;
  default:
    process.stderr.write(`fake-downloader: unknown mode ${mode}\n`);
    process.exit(2);
}
