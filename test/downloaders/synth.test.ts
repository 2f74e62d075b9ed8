import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsFromVolume, Volume } from 'memfs';
import { parseBuffer } from 'music-metadata';
import { describe, expect, it } from 'vitest';
import { createSynthDownloader, synthBytes } from '../../src/downloaders/synth.ts';
import { type Fs, nodeFsPort } from '../../src/io/fs.ts';
import { generateDemoCatalog } from '../../src/sources/demo.ts';
import type { Track } from '../../src/types.ts';

const track: Track = {
  id: '75413016',
  title: 'Café Noir',
  version: 'Extended Mix',
  artists: ['Zoë Laurent', 'Kenji Sato'],
  album: 'Night Moves Vol. 3',
  isrc: 'GBAYE2100123',
  durationSeconds: 412,
  bpm: 122.4,
  key: 'F#',
  keyScale: 'MINOR',
  releaseDate: '2021-05-07',
  explicit: false,
  popularity: 0.42,
};

const never = new AbortController().signal;

function memFs(): Fs {
  const fs = createFsFromVolume(new Volume()) as unknown as Fs;
  fs.mkdirSync('/lib/.cratesync/staging', { recursive: true });
  return fs;
}

function nativeTag(meta: Awaited<ReturnType<typeof parseBuffer>>, id: string): unknown {
  return meta.native['ID3v2.3']?.find((tag) => tag.id === id)?.value;
}

describe('synthBytes', () => {
  it('is an MPEG file music-metadata reads back with every tag', async () => {
    const meta = await parseBuffer(synthBytes(track), { mimeType: 'audio/mpeg' });
    expect(meta.format.container).toBe('MPEG');
    expect(meta.format.codec).toBe('MPEG 1 Layer 3');
    expect(meta.format.duration).toBeGreaterThan(0);
    expect(meta.common.title).toBe('Café Noir (Extended Mix)');
    expect(meta.common.artist).toBe('Zoë Laurent, Kenji Sato');
    expect(meta.common.album).toBe('Night Moves Vol. 3');
    expect(meta.common.isrc).toEqual(['GBAYE2100123']);
    expect(meta.common.bpm).toBe(122);
    expect(meta.common.key).toBe('F#m');
    expect(meta.common.year).toBe(2021);
    expect(nativeTag(meta, 'TDAT')).toBe('0705');
    expect(nativeTag(meta, 'TXXX:SOURCE_ID')).toBe('75413016');
  });

  it('is deterministic and small', () => {
    const a = synthBytes(track);
    expect(synthBytes({ ...track })).toEqual(a);
    expect(a.length).toBeLessThan(4096);
  });

  it('writes only the tags a track has', async () => {
    const bare: Track = { id: '1', title: 'Untitled', artists: ['Nobody'] };
    const meta = await parseBuffer(synthBytes(bare), { mimeType: 'audio/mpeg' });
    expect(meta.common.title).toBe('Untitled');
    expect(meta.common.album).toBeUndefined();
    expect(meta.common.bpm).toBeUndefined();
    expect(meta.common.key).toBeUndefined();
    expect(nativeTag(meta, 'TXXX:SOURCE_ID')).toBe('1');
  });

  it('keeps awkward demo names readable: NUL removed, the rest as written', async () => {
    const demo = generateDemoCatalog({ seed: 7, playlists: 12, tracks: 300 });
    // music-metadata trims the values it reads, as the "Ellipsis " artist shows.
    const written = (s: string) => s.replaceAll('\u0000', '').trim();
    for (const t of [...demo.tracks.values()].slice(0, 20)) {
      const meta = await parseBuffer(synthBytes(t), { mimeType: 'audio/mpeg' });
      expect(meta.common.title).toBe(written(t.version ? `${t.title} (${t.version})` : t.title));
      // ID3v2.3 makes '/' the separator of several TPE1 artists, so readers split "AM/PM Collective";
      // joining the parts back gives the written value.
      const tpe1 = meta.native['ID3v2.3']?.filter((tag) => tag.id === 'TPE1').map((tag) => tag.value);
      expect(tpe1?.join('/')).toBe(written(t.artists.join(', ')));
      expect(nativeTag(meta, 'TXXX:SOURCE_ID')).toBe(t.id);
    }
  });
});

describe('createSynthDownloader', () => {
  it('writes {stagingDir}/{id}.mp3 through the fs port', async () => {
    const fs = memFs();
    const downloader = createSynthDownloader(fs);
    expect(downloader.name).toBe('synth');
    expect(downloader.extension).toBe('mp3');
    const result = await downloader.download(track, '/lib/.cratesync/staging', never);
    expect(result).toEqual({ path: '/lib/.cratesync/staging/75413016.mp3' });
    expect(fs.readFileSync(result.path)).toEqual(synthBytes(track));
  });

  it('throws without writing when the signal is already aborted', async () => {
    const fs = memFs();
    const controller = new AbortController();
    controller.abort();
    await expect(
      createSynthDownloader(fs).download(track, '/lib/.cratesync/staging', controller.signal),
    ).rejects.toThrow();
    expect(fs.readdirSync('/lib/.cratesync/staging')).toEqual([]);
  });

  it('keeps an id with a path separator inside the staging folder', async () => {
    const fs = memFs();
    const result = await createSynthDownloader(fs).download(
      { ...track, id: '../escape' },
      '/lib/.cratesync/staging',
      never,
    );
    expect(result.path).toBe('/lib/.cratesync/staging/..%2Fescape.mp3');
    expect(fs.existsSync(result.path)).toBe(true);
  });
});

const hasFfprobe = spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0;

describe('ffprobe', () => {
  it.skipIf(!hasFfprobe)('parses a synth file and reports its tags', async () => {
    const dir = join(tmpdir(), `cratesync-synth-${process.pid}`);
    nodeFsPort.mkdirSync(dir, { recursive: true });
    try {
      const { path } = await createSynthDownloader(nodeFsPort).download(track, dir, never);
      const probe = spawnSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=format_name,duration:format_tags', '-of', 'json', path],
        { encoding: 'utf8' },
      );
      expect(probe.status).toBe(0);
      const format = JSON.parse(probe.stdout).format;
      expect(format.format_name).toBe('mp3');
      expect(Number(format.duration)).toBeGreaterThan(0);
      expect(format.tags).toMatchObject({
        title: 'Café Noir (Extended Mix)',
        artist: 'Zoë Laurent, Kenji Sato',
        album: 'Night Moves Vol. 3',
        TSRC: 'GBAYE2100123',
        TBPM: '122',
        TKEY: 'F#m',
        SOURCE_ID: '75413016',
      });
      const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-'], {
        encoding: 'utf8',
      });
      if (decode.status !== null) expect(decode.stderr).toBe('');
    } finally {
      nodeFsPort.rmSync(dir, { recursive: true, force: true });
    }
  });
});
