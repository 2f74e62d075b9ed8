// What the scanner reads from real files: music-metadata on MP3 (node-id3 and the synth downloader),
// FLAC (Vorbis comments as tidal-dl-ng writes them) and M4A (made with ffmpeg).

import { parseBuffer } from 'music-metadata';
import { describe, expect, it } from 'vitest';
import { idsInText, toFileMeta } from '../../src/adopt/tags.ts';
import { flac, m4a, mp3, synth } from './audio-fixtures.ts';

const meta = async (bytes: Buffer) =>
  toFileMeta(await parseBuffer(bytes, { size: bytes.length }, { skipCovers: true }));

describe('toFileMeta', () => {
  it('reads the synth downloader’s SOURCE_ID, title, artists and ISRC', async () => {
    const m = await meta(
      synth({
        id: '90000001',
        title: 'Lumen',
        version: 'Extended Mix',
        artists: ['Ava Stone', 'Omar K'],
        isrc: 'gb-aaa-26-00001',
      }),
    );
    expect(m).toMatchObject({
      ids: ['90000001'],
      title: 'Lumen (Extended Mix)',
      artists: ['Ava Stone, Omar K'],
      lossless: false,
      codec: 'MPEG 1 Layer 3',
    });
    // The display form of an ISRC (dashes, any case) is read as the code itself; what is not one is dropped.
    expect(m.isrc).toBe('GBAAA2600001');
    expect((await meta(mp3(1, { ISRC: 'not an isrc' }))).isrc).toBeUndefined();
  });

  it('reads a TIDAL URL from a FLAC URL tag and marks FLAC lossless', async () => {
    const m = await meta(
      flac(10, {
        TITLE: 'Tides',
        ARTIST: 'Ben Ito',
        URL: 'https://tidal.com/browse/track/90000002',
        ISRC: 'GBAAA2600002',
      }),
    );
    expect(m).toMatchObject({
      ids: ['90000002'],
      title: 'Tides',
      isrc: 'GBAAA2600002',
      lossless: true,
      durationSeconds: 10,
    });
  });

  it('reads a TIDAL URL from an M4A comment, and the length', async () => {
    const m = await meta(m4a('night-drive-tidal-url.m4a'));
    expect(m).toMatchObject({
      ids: ['90000007'],
      title: 'Night Drive (Extended Mix)',
      artists: ['Luna Park'],
    });
    expect(m.durationSeconds).toBeCloseTo(2.1, 0);
    expect((await meta(m4a('afterglow-tagged.m4a'))).ids).toEqual([]);
  });

  it('reads TIDAL_ID and TIT3 (version) frames, and leaves untagged files without title', async () => {
    const tagged = await meta(
      mp3(3, {
        title: 'Sunrise',
        subtitle: 'Extended Mix',
        userDefinedText: [{ description: 'TIDAL_ID', value: '123456' }],
      }),
    );
    expect(tagged).toMatchObject({ ids: ['123456'], title: 'Sunrise', version: 'Extended Mix' });
    const bare = await meta(mp3(3));
    expect(bare.title).toBeUndefined();
    expect(bare.durationSeconds).toBeCloseTo(3, 0);
  });

  it('finds ids in share URLs and URNs only', () => {
    expect(idsInText('see https://tidal.com/browse/track/75413016?u and tidal:track:12')).toEqual([
      '75413016',
      '12',
    ]);
    expect(idsInText('https://listen.tidal.com/track/99')).toEqual(['99']);
    expect(idsInText('GBAAA2600002')).toEqual([]);
  });
});
