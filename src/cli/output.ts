// Terminal output rules: human text on stdout, warnings on stderr, colour only on a TTY without NO_COLOR,
// progress bars only on a TTY, and `--json` output never mixed with anything else.

import cliProgress from 'cli-progress';
import type { Logger, ProgressSink } from '../types.ts';

const useColor = (): boolean =>
  process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

const paint = (code: number) => (text: string) => (useColor() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);

export function stderrLogger(quiet: boolean): Logger {
  const line = (level: string, msg: string) => process.stderr.write(`${level}: ${msg}\n`);
  return {
    info: (msg) => {
      if (!quiet) line('info', msg);
    },
    warn: (msg) => line('warning', msg),
    error: (msg) => line('error', msg),
  };
}

/** A progress bar on stderr when it is a TTY; nothing otherwise. */
export function terminalProgress(enabled: boolean): ProgressSink | undefined {
  if (!enabled || process.stderr.isTTY !== true) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      if (total < 20) return;
      bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(12)} {bar} {value}/{total} {percentage}% | eta {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    tick(n = 1) {
      bar?.increment(n);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
