#!/usr/bin/env node
// Entry point for `npx cratesync`. Runs the bundle that `npm install` builds (dist/cratesync.mjs) when it
// is newer than every source file; otherwise runs the TypeScript sources through tsx, so an edit to
// src/ never runs stale code.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundle = path.join(root, 'dist/cratesync.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    return built >= newestSource(path.join(root, 'src')) && built >= newestSource(path.join(root, 'schema'));
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
