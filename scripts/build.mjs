// Bundles the CLI into dist/cratesync.mjs (run by `npm install` through the prepare script), so that
// `npx cratesync` starts without compiling TypeScript on the fly. bin/cratesync.js falls back to the
// sources (through tsx) whenever a source file is newer than the bundle.

import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cratesync.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
