// Every example must stay valid: new examples are found at test time, so they are covered without edits.

import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/desired/load.ts';
import { nodeFsPort } from '../../src/io/fs.ts';
import { createFileSource } from '../../src/sources/file.ts';

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');

function libraryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'music' ? [] : libraryFiles(path);
    return entry.name === 'library.yaml' ? [path] : [];
  });
}

const files = libraryFiles(examplesDir);

describe('examples', () => {
  it('finds the examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files.map((f) => [relative(examplesDir, f), f]))('%s validates', async (_name, file) => {
    const desired = loadDesiredState(file, nodeFsPort);
    expect(desired.root).toBe(join(file, '..', 'music'));
    if (desired.source.provider === 'file') {
      const catalog = await createFileSource(desired.source.file.path, nodeFsPort).observe(
        AbortSignal.timeout(10_000),
      );
      expect(catalog.playlists.length).toBeGreaterThan(0);
    }
  });

  it.each(files.map((f) => [relative(examplesDir, f), f]))(
    '%s names the schema for editors',
    (_name, file) => {
      const firstLine = nodeFsPort.readFileSync(file, 'utf8').split('\n')[0];
      expect(firstLine).toBe('# yaml-language-server: $schema=../../schema/library.schema.json');
    },
  );
});
