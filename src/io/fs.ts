// The filesystem port. Everything that touches the disk goes through an `Fs`, so tests can hand in memfs
// (whose `fs` object has the same shape) and production hands in node:fs. This file and the other io/
// modules are the only places that import node:fs.

import * as nodeFs from 'node:fs';

export type Fs = Pick<
  typeof nodeFs,
  | 'readdirSync'
  | 'lstatSync'
  | 'statSync'
  | 'readlinkSync'
  | 'existsSync'
  | 'readFileSync'
  | 'writeFileSync'
  | 'mkdirSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'rmdirSync'
  | 'rmSync'
  | 'symlinkSync'
  | 'linkSync'
  | 'copyFileSync'
  | 'openSync'
  | 'closeSync'
  | 'fsyncSync'
  | 'writeSync'
  | 'appendFileSync'
  | 'createReadStream'
  | 'promises'
>;

export const nodeFsPort: Fs = nodeFs;
