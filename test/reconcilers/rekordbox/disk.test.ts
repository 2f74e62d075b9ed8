// Real files with hostile names on a byte-exact filesystem (/dev/shm when present): every Location in the
// export must decode to the real file itself, not a link to it and not a near-miss spelling.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOfLocation } from '../../../src/reconcilers/rekordbox/location.ts';
import {
  type RekordboxInput,
  type RekordboxTrack,
  renderRekordboxXml,
} from '../../../src/reconcilers/rekordbox/render.ts';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.ts';
import { attr, child, children, parseXml } from './parse-xml.ts';

const NAMES: [folder: string, file: string][] = [
  ['Warm Up', 'Artist A - Track One.mp3'],
  ['R&B', 'Artist B & C - Café Two (Dub).mp3'],
  ['Peak #1', '100% Pure #2.flac'],
  ['Peak #1', "Don't Stop (Remix).wav"],
  ['Emoji 🎧', '🔥 Fire 👨‍👩‍👧‍👦.m4a'],
  // Same letters in both Unicode forms, in two folders: each must come back as its own bytes.
  ['NFD', 'ROSE\u0301 - Cafe\u0301.aiff'],
  ['NFC', 'ROS\u00C9 - Caf\u00E9.aiff'],
  ['Odd', 'a+b=c;d,e@f$g!h ~ [x] {y} ^z `q` | what?.mp3'],
];

let dir: string;
let tracks: RekordboxTrack[];

beforeAll(() => {
  dir = fs.realpathSync(makeTempDir('cratesync-rekordbox-'));
  tracks = NAMES.map(([folder, file], i) => {
    const p = path.join(dir, 'mp3', 'Playlists', folder, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, Buffer.alloc(100 + i, i));
    return {
      trackId: 100 + i,
      path: p,
      track: { id: `t${i}`, title: file, artists: ['X'] },
      size: fs.statSync(p).size,
    };
  });
  // A playlist folder's link to a real file elsewhere: the export must name the target, never this.
  fs.symlinkSync(tracks[0]!.path, path.join(dir, 'mp3', 'Playlists', 'R&B', 'link.mp3'));
});

afterAll(() => removeTempDir(dir));

describe('rekordbox export against real files', () => {
  it('every Location decodes to an existing real file of the stated size', () => {
    const input: RekordboxInput = {
      product: { name: 'cratesync', version: '0.1.0', company: 'cratesync' },
      folder: 'cratesync',
      tracks,
      playlists: [
        { name: 'Warm Up', trackIds: [100, 101] },
        { name: 'R&B', trackIds: [101, 100, 102, 103, 104, 105, 106, 107] },
      ],
    };
    const xml = renderRekordboxXml(input);
    const collection = child(parseXml(xml).root, 'COLLECTION');
    const entries = children(collection, 'TRACK');
    expect(entries).toHaveLength(NAMES.length);
    expect(Number(attr(collection, 'Entries'))).toBe(NAMES.length);

    const byId = new Map(tracks.map((t) => [t.trackId, t.path]));
    for (const e of entries) {
      const p = pathOfLocation(attr(e, 'Location'));
      expect(p).toBe(byId.get(Number(attr(e, 'TrackID'))));
      const st = fs.lstatSync(p);
      expect(st.isFile()).toBe(true);
      expect(st.size).toBe(Number(attr(e, 'Size')));
      expect(fs.realpathSync(p)).toBe(p);
    }
    expect(xml).not.toContain('link.mp3');
  });

  it('keeps NFC and NFD names apart, each naming its own file', () => {
    const nfd = tracks.find((t) => t.path.includes('/NFD/'))!;
    const nfc = tracks.find((t) => t.path.includes('/NFC/'))!;
    const xml = renderRekordboxXml({
      product: { name: 'c', version: '1', company: 'c' },
      folder: 'c',
      tracks: [nfd, nfc],
      playlists: [],
    });
    const locations = children(child(parseXml(xml).root, 'COLLECTION'), 'TRACK').map((e) =>
      attr(e, 'Location'),
    );
    expect(locations[0]).toContain('ROSE%CC%81');
    expect(locations[1]).toContain('ROS%C3%89');
    expect(locations.map((l) => fs.existsSync(pathOfLocation(l)))).toEqual([true, true]);
  });
});
