// The reference's tiny example (§6) as cratesync renders it: track 2 sits in both playlists and is listed
// once; the link to it in Warmup never appears. Differences from the reference's text are deliberate:
// one line per element, only the attributes cratesync knows, classic Tonality, folder named `cratesync`.

import { describe, expect, it } from 'vitest';
import { type RekordboxInput, renderRekordboxXml } from '../../../src/reconcilers/rekordbox/render.ts';

const MUSIC = '/Users/dj/Music/mp3/Playlists';

const input: RekordboxInput = {
  product: { name: 'cratesync', version: '0.1.0', company: 'cratesync' },
  folder: 'cratesync',
  // Given out of TrackID order on purpose: the collection is written sorted.
  tracks: [
    {
      trackId: 2,
      path: `${MUSIC}/Peak/Artist B & C - Café Two (Dub).mp3`,
      track: {
        id: '2222222',
        title: 'Café Two',
        version: 'Dub',
        artists: ['Artist B & C'],
        durationSeconds: 267.6,
        bpm: 124,
        key: 'CSharp',
        keyScale: 'MINOR',
        releaseDate: '2019-06-01',
      },
      size: 8388608,
      dateAdded: '2025-01-31T10:11:12Z',
    },
    {
      trackId: 1,
      path: `${MUSIC}/Warmup/Artist A - Track One.mp3`,
      track: {
        id: '1111111',
        title: 'Track One',
        artists: ['Artist A'],
        album: 'Album A',
        durationSeconds: 301,
        bpm: 130,
        camelot: '8A',
        releaseDate: '2021',
      },
      size: 9437184,
      kind: 'MP3 File',
      dateAdded: '2025-01-31',
    },
  ],
  playlists: [
    { name: 'Warmup', trackIds: [1, 2] },
    { name: 'Peak', trackIds: [2] },
  ],
};

const expected = `<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="cratesync" Version="0.1.0" Company="cratesync"/>
  <COLLECTION Entries="2">
    <TRACK TrackID="1" Name="Track One" Artist="Artist A" Album="Album A" Kind="MP3 File" Size="9437184" TotalTime="301" Year="2021" AverageBpm="130.00" DateAdded="2025-01-31" Location="file://localhost/Users/dj/Music/mp3/Playlists/Warmup/Artist%20A%20-%20Track%20One.mp3" Tonality="Am"/>
    <TRACK TrackID="2" Name="Café Two (Dub)" Artist="Artist B &amp; C" Album="" Kind="MP3 File" Size="8388608" TotalTime="268" Year="2019" AverageBpm="124.00" DateAdded="2025-01-31" Location="file://localhost/Users/dj/Music/mp3/Playlists/Peak/Artist%20B%20&amp;%20C%20-%20Caf%C3%A9%20Two%20(Dub).mp3" Tonality="Dbm"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="1">
      <NODE Type="0" Name="cratesync" Count="2">
        <NODE Name="Warmup" Type="1" KeyType="0" Entries="2">
          <TRACK Key="1"/>
          <TRACK Key="2"/>
        </NODE>
        <NODE Name="Peak" Type="1" KeyType="0" Entries="1">
          <TRACK Key="2"/>
        </NODE>
      </NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
`;

describe('renderRekordboxXml golden', () => {
  it('renders the reference example byte for byte', () => {
    expect(renderRekordboxXml(input)).toBe(expected);
  });

  it('renders an empty library as a valid tree', () => {
    const xml = renderRekordboxXml({ ...input, tracks: [], playlists: [] });
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="cratesync" Version="0.1.0" Company="cratesync"/>
  <COLLECTION Entries="0"/>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="1">
      <NODE Type="0" Name="cratesync" Count="0"/>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
`);
  });
});
