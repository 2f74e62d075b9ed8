// Reading the tags of existing audio files for `cratesync adopt`. For a large file music-metadata opens it
// itself and reads only the headers it needs (a 100 MB FLAC costs a few KB); a small file is cheaper read
// whole and parsed from memory (one read instead of dozens of positioned ones). That is why the
// production reader lives here with the other disk code. Tests on memfs use the port-only buffer reader.

import { readFileSync } from 'node:fs';
import { type IAudioMetadata, type IOptions, parseBuffer, parseFile } from 'music-metadata';
import type { Fs } from './fs.ts';

/** Reads one file's metadata; `abs` is an absolute path, `size` its size. Rejects when it is not audio. */
export type TagReader = (abs: string, size: number) => Promise<IAudioMetadata>;

// No frame counting (`duration: false`): MP3s without a Xing/Info header get a duration estimated from the
// bitrate instead of a read of the whole file. Covers are skipped: they are most of a tag's bytes.
const OPTIONS: IOptions = { duration: false, skipCovers: true };

/** Files up to this size are read whole. */
const READ_WHOLE = 1 << 20;

export const fileTagReader: TagReader = async (abs, size) => {
  if (size > READ_WHOLE) return parseFile(abs, OPTIONS);
  const bytes = readFileSync(abs);
  return parseBuffer(bytes, { path: abs, size: bytes.length }, OPTIONS);
};

/** Reads the whole file through the port: for memfs in tests. */
export function bufferTagReader(fs: Fs): TagReader {
  return async (abs) => {
    const bytes = fs.readFileSync(abs) as Buffer;
    return parseBuffer(bytes, { path: abs, size: bytes.length }, OPTIONS);
  };
}
