// The bootstrap file of `cratesync watch -f bootstrap.yaml`: a few lines that say where library.yaml lives
// (`source.git: github:OWNER/REPO/PATH@REF`), the local folder its relative paths resolve against (`root`,
// relative to the bootstrap file), and optionally watch settings and the dashboard URL for commit statuses.
// Checked against schema/bootstrap.schema.json with the same FILE:LINE:COL errors as library.yaml.

import { resolve } from 'node:path';
import bootstrapSchema from '../../schema/bootstrap.schema.json' with { type: 'json' };
import { parseDuration, parseHostPort, resolveUserPath } from '../desired/normalize.ts';
import { displayPath } from '../desired/paths.ts';
import { configError, type PathIssue, parseText, throwIfIssues } from '../desired/positions.ts';
import { parseValidated } from '../desired/validated.ts';
import { ConfigError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import type { WatchConfig } from '../types.ts';
import { type GitHubFileSpec, parseGitHubSpec } from './spec.ts';

export interface Bootstrap {
  /** The bootstrap file, absolute. */
  file: string;
  spec: GitHubFileSpec;
  /** `source.git` as written. */
  source: string;
  /** Absolute: what `--root` would be. */
  rootDir: string;
  /** The watch settings given here (they win over library.yaml's). */
  watch: Partial<WatchConfig>;
  gitIntervalMs?: number;
  dashboardUrl?: string;
}

interface RawBootstrap {
  source: { git: string };
  root: string;
  watch?: { gitInterval?: string; interval?: string; debounce?: string; disk?: boolean; http?: string };
  dashboardUrl?: string;
}

/**
 * Whether the text is a bootstrap file rather than a library.yaml: a mapping whose `source` has `git`.
 * Text that does not parse is not one (library.yaml's loader then reports the syntax error).
 */
export function isBootstrapText(text: string): boolean {
  try {
    const data = parseText(text, 'bootstrap').data as { source?: unknown } | null;
    const source = data?.source;
    return source !== null && typeof source === 'object' && !Array.isArray(source) && 'git' in source;
  } catch {
    return false;
  }
}

/** Throws ConfigError listing every problem as FILE:LINE:COL. */
export function loadBootstrapText(text: string, file: string): Bootstrap {
  const abs = resolve(file);
  const parsed = parseValidated(text, displayPath(abs), bootstrapSchema);
  const raw = parsed.data as RawBootstrap;
  const issues: PathIssue[] = [];
  let spec: GitHubFileSpec | undefined;
  try {
    spec = parseGitHubSpec(raw.source.git, 'source.git');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push({ path: ['source', 'git'], message: err.message });
  }
  const duration = (key: 'gitInterval' | 'interval' | 'debounce', min: number): number | undefined => {
    const text = raw.watch?.[key];
    if (text === undefined) return undefined;
    const ms = parseDuration(text) ?? 0;
    if (ms < min)
      issues.push({ path: ['watch', key], message: `watch.${key}: must be at least ${min / 1000}s` });
    return ms;
  };
  const gitIntervalMs = duration('gitInterval', 1000);
  const intervalMs = duration('interval', 1000);
  const debounceMs = duration('debounce', 0);
  const http = raw.watch?.http === undefined ? undefined : parseHostPort(raw.watch.http);
  if (http && http.port > 65535)
    issues.push({
      path: ['watch', 'http'],
      message: `watch.http: port ${http.port} does not exist (0 to 65535; 0 picks a free port)`,
    });
  throwIfIssues(parsed, issues);
  const watch: Partial<WatchConfig> = {
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(debounceMs !== undefined ? { debounceMs } : {}),
    ...(raw.watch?.disk !== undefined ? { disk: raw.watch.disk } : {}),
    ...(http ? { http } : {}),
  };
  return {
    file: abs,
    spec: spec!,
    source: raw.source.git,
    rootDir: resolveUserPath(resolve(abs, '..'), raw.root),
    watch,
    ...(gitIntervalMs !== undefined ? { gitIntervalMs } : {}),
    ...(raw.dashboardUrl !== undefined ? { dashboardUrl: raw.dashboardUrl } : {}),
  };
}

/** Reads and checks a bootstrap file. Throws ConfigError. */
export function loadBootstrap(file: string, fs: Fs): Bootstrap {
  const abs = resolve(file);
  let text: string;
  try {
    text = String(fs.readFileSync(abs, 'utf8'));
  } catch (err) {
    throw configError([
      {
        file: displayPath(abs),
        line: 1,
        col: 1,
        message: `cannot read the file: ${(err as Error).message}`,
      },
    ]);
  }
  return loadBootstrapText(text, abs);
}
