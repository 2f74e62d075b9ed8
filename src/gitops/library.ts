// A library.yaml fetched from GitHub → DesiredState. Its relative paths (root, source.file.path, ...) are
// resolved against a local folder (`--root`), never against the repository; its errors name the file as
// OWNER/REPO/PATH@SHA so that a PR comment or a log line points at the right text.

import path from 'node:path';
import { loadDesiredStateFromText } from '../desired/load.ts';
import { ConfigError, type ConfigIssue, formatIssue } from '../errors.ts';
import type { ConfigRevision } from '../state/store.ts';
import type { DesiredState } from '../types.ts';
import { fileAtCommit, formatGitHubSpec, type GitHubFileSpec } from './spec.ts';

/** Throws ConfigError (issues named OWNER/REPO/PATH@SHA:LINE:COL). */
export function loadGitHubLibrary(
  text: string,
  spec: GitHubFileSpec,
  sha: string,
  rootDir: string,
): DesiredState {
  const base = path.resolve(rootDir);
  // A file name inside --root, so that relative paths land there; it is never read.
  const placed = path.join(base, path.posix.basename(spec.path));
  const label = fileAtCommit(spec, sha);
  let desired: DesiredState;
  try {
    desired = { ...loadDesiredStateFromText(text, placed), file: label };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const shown = new Set([placed, path.relative(process.cwd(), placed)]);
    const issues: ConfigIssue[] = err.issues.map((i) => (shown.has(i.file) ? { ...i, file: label } : i));
    let message = issues.length > 0 ? issues.map(formatIssue).join('\n') : err.message;
    for (const f of shown) if (f !== '') message = message.replaceAll(f, label);
    throw new ConfigError(message, issues);
  }
  const refused = untrusted(desired, base);
  if (refused.length > 0) throw new ConfigError(refused.map((r) => `${label}: ${r}`).join('\n'), []);
  return desired;
}

/**
 * What a library.yaml from GitHub may not say, because anyone who can open a pull request could then use
 * this machine: send the TIDAL tokens to another server, or have the library (and the plan comment) reach
 * folders outside --root. Those settings stay local (environment variables, the bootstrap file, flags).
 */
function untrusted(desired: DesiredState, base: string): string[] {
  const out: string[] = [];
  const outside = (p: string) => {
    const rel = path.relative(base, p);
    return rel.startsWith('..') || path.isAbsolute(rel);
  };
  if (outside(desired.root))
    out.push(`root must stay inside --root ${base} (it resolves to ${desired.root})`);
  const s = desired.source;
  if (s.provider === 'file' && outside(s.file.path))
    out.push(`source.file.path must stay inside --root ${base} (it resolves to ${s.file.path})`);
  if (s.provider === 'tidal' && (s.tidal.apiUrl !== undefined || s.tidal.authUrl !== undefined))
    out.push(
      'source.tidal.apiUrl and authUrl cannot come from GitHub (they decide where your TIDAL tokens go); set CRATESYNC_TIDAL_API_URL / CRATESYNC_TIDAL_AUTH_URL on this machine instead',
    );
  return out;
}

export function gitHubRevision(spec: GitHubFileSpec, sha: string): ConfigRevision {
  return { source: formatGitHubSpec(spec), commit: sha };
}
