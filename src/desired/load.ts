// library.yaml → DesiredState: read through the fs port, parse keeping positions, check against
// schema/library.schema.json, then the rules a schema cannot say, then fill in defaults. Every problem
// is reported at once as FILE:LINE:COL.

import { resolve } from 'node:path';
import librarySchema from '../../schema/library.schema.json' with { type: 'json' };
import { ConfigError, type ConfigIssue } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import type { DesiredState } from '../types.ts';
import { compileChildren } from './filters/compile.ts';
import { normalize, type RawLibrary } from './normalize.ts';
import { displayPath } from './paths.ts';
import { configError, throwIfIssues } from './positions.ts';
import { semanticIssues } from './semantic.ts';
import { parseValidated } from './validated.ts';

/** `file` may be relative to the working folder. Throws ConfigError. */
export function loadDesiredState(file: string, fs: Fs): DesiredState {
  const abs = resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8') as string;
  } catch (err) {
    throw configError([
      { file: displayPath(abs), line: 1, col: 1, message: `cannot read the file: ${reason(err)}` },
    ]);
  }
  return loadDesiredStateFromText(text, abs);
}

/** As loadDesiredState, for text already in hand; `file` places relative paths and names the file in issues. */
export function loadDesiredStateFromText(text: string, file: string): DesiredState {
  const abs = resolve(file);
  const parsed = parseValidated(text, displayPath(abs), librarySchema);
  const raw = parsed.data as RawLibrary;
  // Children keep where their names were written: some of their checks can only run after observing.
  const children = compileChildren(raw.children ?? [], (path) => ({
    file: parsed.file,
    ...parsed.locate(path),
  }));
  throwIfIssues(parsed, [...semanticIssues(raw), ...children.issues]);
  return normalize(raw, abs, children.children);
}

/** Every problem of a library.yaml (`cratesync validate`); empty when it is fine. */
export function validateFile(file: string, fs: Fs): ConfigIssue[] {
  try {
    loadDesiredState(file, fs);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (err as Error).message;
}
