// Real, tagged audio files for the adopt tests: MP3 written with node-id3 over hand-built MPEG frames of
// silence (any length), FLAC built here (STREAMINFO + Vorbis comments, any length and tags), the synth
// downloader's own files, and two tiny M4A files made once with ffmpeg (test/fixtures/adopt/).

import fs from 'node:fs';
import path from 'node:path';
import NodeID3 from 'node-id3';
import { silentMp3 } from '../../src/downloaders/mp3-silence.ts';
import { synthBytes } from '../../src/downloaders/synth.ts';
import type { Track } from '../../src/types.ts';

/** An MPEG-1 Layer III frame at 44.1 kHz holds 1152 samples. */
const FRAME_SECONDS = 1152 / 44_100;

/** An MP3 of `seconds` of silence, with ID3v2 tags when given (none: an untagged file). */
export function mp3(seconds: number, tags?: NodeID3.Tags): Buffer {
  const audio = silentMp3(Math.max(1, Math.round(seconds / FRAME_SECONDS)));
  return tags ? Buffer.concat([NodeID3.create(tags), audio]) : audio;
}

/**
 * A FLAC file: the marker, a STREAMINFO block (16-bit stereo at 44.1 kHz, `seconds` long) and, when
 * comments are given, a VORBIS_COMMENT block. `pad` adds bytes of padding (a bigger, distinct file).
 */
export function flac(seconds: number, comments?: Record<string, string>, pad = 0): Buffer {
  const sampleRate = 44_100;
  const totalSamples = BigInt(Math.round(seconds * sampleRate));
  const info = Buffer.alloc(34);
  info.writeUInt16BE(4096, 0);
  info.writeUInt16BE(4096, 2);
  // Bytes 4-9: min/max frame size unknown (0). Then 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits samples.
  const packed = (BigInt(sampleRate) << 44n) | (1n << 41n) | (15n << 36n) | totalSamples;
  info.writeBigUInt64BE(packed, 10);
  const blocks: Buffer[] = [info];
  const types: number[] = [0];
  if (comments) {
    const vendor = Buffer.from('cratesync-test');
    const entries = Object.entries(comments).map(([k, v]) => Buffer.from(`${k}=${v}`, 'utf8'));
    const parts: Buffer[] = [u32le(vendor.length), vendor, u32le(entries.length)];
    for (const e of entries) parts.push(u32le(e.length), e);
    blocks.push(Buffer.concat(parts));
    types.push(4);
  }
  if (pad > 0) {
    blocks.push(Buffer.alloc(pad));
    types.push(1);
  }
  const out: Buffer[] = [Buffer.from('fLaC')];
  blocks.forEach((b, i) => {
    const header = Buffer.alloc(4);
    header.writeUInt8((i === blocks.length - 1 ? 0x80 : 0) | types[i]!, 0);
    header.writeUIntBE(b.length, 1, 3);
    out.push(header, b);
  });
  return Buffer.concat(out);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** What the synth downloader writes for `track` (tagged with SOURCE_ID). */
export function synth(track: Track): Buffer {
  return synthBytes(track);
}

const FIXTURES = path.join(import.meta.dirname, '../fixtures/adopt');

/** A committed M4A fixture: `night-drive-tidal-url.m4a` (2.1 s, ©cmt holds a TIDAL URL) or `afterglow-tagged.m4a`. */
export function m4a(name: 'night-drive-tidal-url.m4a' | 'afterglow-tagged.m4a'): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/** Writes `files` (root-relative path → bytes) under `root`. */
export function writeTree(root: string, files: Record<string, Buffer | string>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, bytes);
  }
}

/** Every entry under `dir` (root-relative), with its kind and, for files, size; `.cratesync` left out. */
export function listTree(
  root: string,
  dir = '',
): Map<string, { type: 'file' | 'symlink' | 'dir'; size: number; ino: number }> {
  const out = new Map<string, { type: 'file' | 'symlink' | 'dir'; size: number; ino: number }>();
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel))) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (child === '.cratesync') continue;
      const st = fs.lstatSync(path.join(root, child));
      const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
      out.set(child, { type, size: st.size, ino: st.ino });
      if (type === 'dir') walk(child);
    }
  };
  walk(dir);
  return out;
}
