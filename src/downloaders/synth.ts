// The `synth` downloader: for demo and file catalogues it "downloads" a track by writing a small, valid,
// tagged MP3 (an ID3v2.3 tag followed by a fraction of a second of silence) into the staging folder.
// The bytes depend only on the track, so a re-run produces byte-identical files.

import NodeID3 from 'node-id3';
import type { Fs } from '../io/fs.ts';
import { musicalKey } from '../reconcilers/files/names.ts';
import type { Downloader, Track } from '../types.ts';
import { silentMp3 } from './mp3-silence.ts';

/** About a quarter of a second: enough for every decoder to report a duration, small at 100,000 files. */
const AUDIO_FRAMES = 10;
const SILENCE = silentMp3(AUDIO_FRAMES);

export function createSynthDownloader(fs: Fs): Downloader {
  return {
    name: 'synth',
    extension: 'mp3',
    async download(track: Track, stagingDir: string, signal: AbortSignal) {
      signal.throwIfAborted();
      const path = `${stagingDir}/${fileStem(track.id)}.mp3`;
      fs.writeFileSync(path, synthBytes(track));
      return { path };
    },
  };
}

/** The complete file for `track`: pure, so it can be tested without a filesystem. */
export function synthBytes(track: Track): Buffer {
  return Buffer.concat([NodeID3.create(synthTags(track)), SILENCE]);
}

export function synthTags(track: Track): NodeID3.Tags {
  const tags: NodeID3.Tags = {
    title: text(track.version ? `${track.title} (${track.version})` : track.title),
    artist: text(track.artists.join(', ')),
    userDefinedText: [{ description: 'SOURCE_ID', value: text(track.id) }],
  };
  if (track.album) tags.album = text(track.album);
  if (track.isrc) tags.ISRC = text(track.isrc);
  if (track.bpm !== undefined) tags.bpm = String(Math.round(track.bpm));
  const key = initialKey(track);
  if (key) tags.initialKey = key;
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(track.releaseDate ?? '');
  if (date) {
    tags.year = date[1]!;
    // ID3v2.3 splits the release date: TYER holds the year, TDAT the day and month as DDMM.
    tags.date = `${date[3]}${date[2]}`;
  }
  return tags;
}

/** TKEY notation: "A", "F#", "Ebm"; three characters at most, minor marked by a trailing "m". */
function initialKey(track: Track): string | undefined {
  const key = musicalKey(track.key, track.keyScale);
  return /^[A-G][#b]?m?$/.test(key) ? key : undefined;
}

/** NUL ends or separates ID3 text values, so a title holding one would be cut short by every reader. */
function text(value: string): string {
  return value.replaceAll('\u0000', '');
}

/** Track ids are used as file names; anything that could leave the staging folder is percent-encoded. */
function fileStem(id: string): string {
  return /^[\w.-]+$/.test(id) ? id : encodeURIComponent(id);
}
