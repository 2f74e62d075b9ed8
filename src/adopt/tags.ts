// From what music-metadata read to the FileMeta the matcher uses. Pure.
//
// Where downloaders leave a track id:
// - tidal-dl-ng: its share URL `https://tidal.com/browse/track/ID` in `URL` (FLAC), `©url` (M4A);
// - cratesync's synth downloader: a `SOURCE_ID` user text frame;
// - others and hand-tagging: a `TIDAL_ID` / `TIDAL_TRACK_ID` tag, or a TIDAL URL in a comment.

import type { IAudioMetadata } from 'music-metadata';
import type { FileMeta } from './types.ts';

const TIDAL_URL = /tidal\.com\/(?:browse\/)?track\/(\d+)/gi;
const TIDAL_URN = /\btidal:track:(\d+)\b/gi;
const ID_KEYS = new Set(['SOURCE_ID', 'TIDAL_ID', 'TIDAL_TRACK_ID', 'TIDALID', 'TIDAL_TRACKID']);
const VERSION_KEYS = new Set(['VERSION', 'MIXNAME', 'MIX_NAME', 'SUBTITLE', 'TIT3']);
const LOSSLESS_CONTAINERS = /^(?:FLAC|WAVE|AIFF|AIFF-C)$/i;

export function toFileMeta(m: IAudioMetadata): FileMeta {
  const { common, format } = m;
  const ids = new Set<string>();
  let version = common.subtitle?.find((s) => s.trim() !== '');
  for (const tags of Object.values(m.native)) {
    for (const tag of tags) {
      const key = tagKey(tag.id);
      for (const text of tagTexts(tag.value)) {
        if (ID_KEYS.has(key)) {
          const id = text.trim();
          if (id !== '') ids.add(idFromText(id) ?? id);
          continue;
        }
        for (const id of idsInText(text)) ids.add(id);
        if (version === undefined && VERSION_KEYS.has(key) && text.trim() !== '') version = text.trim();
      }
    }
  }
  for (const c of common.comment ?? []) if (c.text) for (const id of idsInText(c.text)) ids.add(id);

  const artists = (common.artists?.length ? common.artists : common.artist ? [common.artist] : [])
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const isrc = common.isrc?.map(cleanIsrc).find((i) => i !== undefined);
  const meta: FileMeta = {
    artists,
    ids: [...ids],
    lossless: format.lossless === true || LOSSLESS_CONTAINERS.test(format.container ?? ''),
  };
  if (common.title?.trim()) meta.title = common.title.trim();
  if (common.album?.trim()) meta.album = common.album.trim();
  if (version) meta.version = version;
  if (isrc) meta.isrc = isrc;
  if (format.duration !== undefined && Number.isFinite(format.duration) && format.duration > 0)
    meta.durationSeconds = round(format.duration);
  if (format.bitrate !== undefined && Number.isFinite(format.bitrate) && format.bitrate > 0)
    meta.bitrate = Math.round(format.bitrate);
  if (format.codec) meta.codec = format.codec;
  if (meta.durationSeconds === undefined && !(format.sampleRate && format.sampleRate > 0))
    meta.error = 'no audio stream found';
  return meta;
}

/** Track ids a text names: TIDAL share URLs (`tidal.com/browse/track/ID`) and `tidal:track:ID`. */
export function idsInText(text: string): string[] {
  const out: string[] = [];
  for (const re of [TIDAL_URL, TIDAL_URN]) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

function idFromText(text: string): string | undefined {
  return idsInText(text)[0];
}

/** `TXXX:SOURCE_ID`, `----:com.apple.iTunes:TIDAL_ID`, `tidal_id` → `SOURCE_ID`, `TIDAL_ID`. */
function tagKey(id: string): string {
  const i = id.lastIndexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).toUpperCase();
}

/** The text inside a native tag value: a string, a number, or an object with text/url/description. */
function tagTexts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(tagTexts);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const v = value as Record<string, unknown>;
    return ['text', 'url', 'value'].flatMap((k) => (typeof v[k] === 'string' ? [v[k] as string] : []));
  }
  return [];
}

function cleanIsrc(raw: string): string | undefined {
  const s = raw.replace(/[-\s]/g, '').toUpperCase();
  return /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(s) ? s : undefined;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
