// The `command` downloader: runs an external downloader (tidal-dl-ng, tiddl, ...) once per track and
// collects the file it produced. Owns the rule that nothing the tool says is trusted on its own: tidal-dl-ng
// exits 0 when it fails, so success means exactly one audio file appeared in the staging folder, it parses
// as audio, and its length matches the track's (a 30-second preview is a failure, not a download).

import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { type AudioProbe, probeAudioFile } from '../io/audio-probe.ts';
import type { Fs } from '../io/fs.ts';
import { type RunResult, runProcess } from '../io/process-run.ts';
import type { Downloader, Track } from '../types.ts';
import { anchorOutput, compileOutputGlob } from './output-glob.ts';

export interface CommandDownloaderOptions {
  /** argv, no shell; {id}, {url} and {dir} are substituted inside every element. */
  command: readonly string[];
  /** Glob for the produced file (download.output); relative patterns are relative to {dir}. */
  output?: string;
  /** Per-track limit; the tool and everything it started is killed after it. Default 600. */
  timeoutSeconds?: number;
  fs: Fs;
  /** Extra environment variables for the tool (e.g. XDG_CONFIG_HOME), over this process's own. */
  env?: Record<string, string>;
  run?: typeof runProcess;
  /** Defaults to music-metadata on the real disk, so an `fs` that is not the real disk needs its own. */
  probe?: (file: string) => Promise<AudioProbe>;
}

export const DEFAULT_OUTPUT = '{dir}/**/*';
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** What a downloader may leave as the track; covers, lyrics, logs and partial files are ignored. */
const AUDIO_EXTENSIONS = new Set([
  'aac',
  'aif',
  'aiff',
  'alac',
  'ape',
  'dsf',
  'flac',
  'm4a',
  'mp3',
  'mp4',
  'oga',
  'ogg',
  'opus',
  'wav',
  'wma',
  'wv',
]);

/** A file's length may differ from the catalogue's by this much (seconds, or fraction) before it is wrong. */
const DURATION_SLACK_SECONDS = 5;
const DURATION_SLACK_FRACTION = 0.05;

export function createCommandDownloader(opts: CommandDownloaderOptions): Downloader {
  const output = opts.output ?? DEFAULT_OUTPUT;
  if (!anchorOutput(output).startsWith('{dir}'))
    throw new ConfigError(
      `download.output "${output}" points outside the staging folder; start it with {dir}/ or make it relative`,
    );
  const timeoutSeconds = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(timeoutSeconds > 0))
    throw new ConfigError(`download timeout must be positive, got ${timeoutSeconds}`);
  const tool = toolName(opts.command);
  const run = opts.run ?? runProcess;
  const probe = opts.probe ?? probeAudioFile;
  const env = opts.env ? { ...process.env, ...opts.env } : undefined;

  return {
    name: 'command',
    async download(track: Track, stagingDir: string, signal: AbortSignal) {
      signal.throwIfAborted();
      const vars = { id: track.id, url: trackUrl(track.id), dir: stagingDir };
      const argv = opts.command.map((arg) => expandArg(arg, vars));
      const result = await run(argv, { cwd: stagingDir, env, timeoutMs: timeoutSeconds * 1000, signal });
      signal.throwIfAborted();
      const failure = runFailure(tool, result, timeoutSeconds);
      if (failure) throw new Error(failure);

      const file = pickProduced(opts.fs, stagingDir, compileOutputGlob(output, vars), tool, result);
      await verify(file, path.relative(stagingDir, file), track, tool, probe);
      return { path: file };
    },
  };
}

/** The name errors use: the program, or for `sh -c SCRIPT NAME ...` the NAME the script runs as ($0). */
export function toolName(command: readonly string[]): string {
  const [program = 'command', flag, , dollarZero] = command;
  const shell = /^(?:sh|bash|dash|zsh)$/.test(path.basename(program));
  return path.basename(shell && flag === '-c' && dollarZero ? dollarZero : program);
}

/** The page a track id names; tidal-dl-ng and tiddl both accept it. */
export function trackUrl(id: string): string {
  return `https://tidal.com/browse/track/${encodeURIComponent(id)}`;
}

/** One pass, so a substituted value containing "{id}" or "{dir}" is never expanded again. */
export function expandArg(arg: string, vars: { id: string; url: string; dir: string }): string {
  return arg.replace(/\{(id|url|dir)\}/g, (_, key: 'id' | 'url' | 'dir') => vars[key]);
}

function runFailure(tool: string, r: RunResult, timeoutSeconds: number): string | undefined {
  if (r.spawnError !== undefined) {
    const why = r.spawnError === 'ENOENT' ? 'not found; is it installed and on PATH?' : r.spawnError;
    return `could not start ${tool}: ${why}`;
  }
  if (r.timedOut) return `${tool} timed out after ${timeoutSeconds} s and was stopped${toolSaid(r)}`;
  if (r.signal) return `${tool} was killed by ${r.signal}${toolSaid(r)}`;
  if (r.code !== 0) return `${tool} exited ${r.code}${toolSaid(r)}`;
  return undefined;
}

/** The one audio file the run left that `glob` matches, as an absolute path. */
function pickProduced(fs: Fs, dir: string, glob: RegExp, tool: string, r: RunResult): string {
  const files = listFiles(fs, dir);
  const audio = files.filter((f) => glob.test(f) && isAudioName(f));
  const rel = (f: string): string => path.relative(dir, f);
  if (audio.length === 1) return audio[0]!;
  if (audio.length > 1) {
    const names = audio.map(rel).sort();
    throw new Error(
      `${tool} produced ${audio.length} audio files (${shortList(names)}); narrow download.output to one`,
    );
  }
  const found = files.length ? ` (found only: ${shortList(files.map(rel).sort())})` : '';
  throw new Error(`${tool} exited 0 but produced no audio file in the staging folder${found}${toolSaid(r)}`);
}

async function verify(
  file: string,
  rel: string,
  track: Track,
  tool: string,
  probe: (file: string) => Promise<AudioProbe>,
): Promise<void> {
  const p = await probe(file);
  if (!p.isAudio)
    throw new Error(`${tool} produced ${rel}, which is not audio (${p.reason ?? 'unreadable'})`);
  const want = track.durationSeconds;
  // Without either length there is nothing to compare; the file is at least audio.
  if (!want || p.durationSeconds === undefined) return;
  const got = p.durationSeconds;
  if (Math.abs(got - want) <= Math.max(DURATION_SLACK_SECONDS, want * DURATION_SLACK_FRACTION)) return;
  const hint = got < want ? 'a preview?' : 'another version?';
  throw new Error(`got a ${Math.round(got)} s file for a ${Math.round(want)} s track (${hint}): ${rel}`);
}

/** Regular files under `dir`, recursively, through the fs port. Links are not followed: they are not output. */
function listFiles(fs: Fs, dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir) as string[]) {
    const full = `${dir}/${name}`;
    const st = fs.lstatSync(full);
    if (st.isDirectory()) out.push(...listFiles(fs, full));
    else if (st.isFile()) out.push(full);
  }
  return out;
}

function isAudioName(file: string): boolean {
  const base = path.posix.basename(file);
  // Hidden files (macOS "._x.flac" companions, tools' scratch files) are never the track.
  if (base.startsWith('.')) return false;
  return AUDIO_EXTENSIONS.has(path.posix.extname(base).slice(1).toLowerCase());
}

function shortList(names: string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, and ${names.length - max} more` : shown;
}

/** "; stderr: ..." with the last lines the tool printed (stdout when stderr is silent), or nothing. */
function toolSaid(r: RunResult): string {
  const err = lastLines(r.stderrTail);
  if (err) return `; stderr: ${err}`;
  const out = lastLines(r.stdoutTail);
  return out ? `; output: ${out}` : '';
}

const MAX_LINES = 5;
const MAX_CHARS = 600;

/** What a terminal would show last: colours removed, progress redraws (\r) collapsed, blank lines dropped. */
export function lastLines(text: string): string {
  const plain = text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-_]/g, '');
  const lines = plain
    .split(/\r?\n/)
    .map((line) => lastRedraw(line))
    .filter((line) => line !== '');
  const joined = lines.slice(-MAX_LINES).join(' | ');
  return joined.length > MAX_CHARS ? `…${joined.slice(-MAX_CHARS)}` : joined;
}

function lastRedraw(line: string): string {
  const parts = line
    .split('\r')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.at(-1) ?? '';
}
