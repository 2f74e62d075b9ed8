// Shared by the desired-state tests: an in-memory fs and a way to catch the issues of a ConfigError.

import { createFsFromVolume, Volume } from 'memfs';
import { ConfigError, type ConfigIssue } from '../../src/errors.ts';
import type { Fs } from '../../src/io/fs.ts';

export function memFs(files: Record<string, string>): Fs {
  return createFsFromVolume(Volume.fromJSON(files)) as unknown as Fs;
}

/** The issues `fn` throws as a ConfigError; fails the test when it throws nothing or something else. */
export function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

export async function issuesOfAsync(fn: () => Promise<unknown>): Promise<ConfigIssue[]> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
