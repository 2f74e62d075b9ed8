import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locationOf, pathOfLocation, sameFile } from '../../../src/reconcilers/rekordbox/location.ts';

// The shape §3 allows: the prefix, one slash, then only URI path characters and well-formed escapes.
const SHAPE = /^file:\/\/localhost\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/;

const NFD_ROSE = 'ROSE\u0301'; // É as E + combining acute
const HOSTILE = [
  '/Users/dj/Music/a b.mp3',
  '/Users/dj/Music/Artist B & C - Café Two (Dub).mp3',
  '/m/#1 hit.mp3',
  '/m/100% pure.mp3',
  "/m/Don't Stop.mp3",
  '/m/(Remix) [Edit] {x}.mp3',
  '/m/🎧 Set 👨‍👩‍👧‍👦.flac',
  `/m/${NFD_ROSE}.wav`,
  '/m/ROS\u00C9.wav',
  '/m/what?.mp3',
  '/m/a+b=c;d,e@f$g!h*i~j.mp3',
  '/m/back\\slash|pipe^caret`tick".aiff',
  '/m/%20 literally.mp3',
];

describe('locationOf', () => {
  it('writes the rekordbox form of the reference examples', () => {
    expect(locationOf('/Users/dj/Music/a b.mp3')).toBe('file://localhost/Users/dj/Music/a%20b.mp3');
    expect(locationOf('/Users/dj/Music/mp3/Playlists/Peak/Artist B & C - Café Two (Dub).mp3')).toBe(
      'file://localhost/Users/dj/Music/mp3/Playlists/Peak/Artist%20B%20&%20C%20-%20Caf%C3%A9%20Two%20(Dub).mp3',
    );
    expect(locationOf('/Volumes/My_USB/Music/x.mp3')).toBe('file://localhost/Volumes/My_USB/Music/x.mp3');
  });

  it("encodes what a URI path cannot hold and keeps & ' ( ) literal", () => {
    expect(locationOf("/m/#1 100% Don't (x) & y?.mp3")).toBe(
      "file://localhost/m/%231%20100%25%20Don't%20(x)%20&%20y%3F.mp3",
    );
    expect(locationOf('/m/🎧.mp3')).toBe('file://localhost/m/%F0%9F%8E%A7.mp3');
  });

  it('keeps the Unicode form of the name on disk: NFC and NFD encode differently', () => {
    expect(locationOf('/m/ROS\u00C9.wav')).toBe('file://localhost/m/ROS%C3%89.wav');
    expect(locationOf(`/m/${NFD_ROSE}.wav`)).toBe('file://localhost/m/ROSE%CC%81.wav');
    expect(sameFile('/m/ROS\u00C9.wav', `/m/${NFD_ROSE}.wav`)).toBe(true);
  });

  it('writes one slash after localhost, never two', () => {
    expect(locationOf('/x.mp3')).toBe('file://localhost/x.mp3');
  });

  it('writes the Windows drive form', () => {
    expect(locationOf('C:\\Users\\Phil\\Music\\x.wav', 'win32')).toBe(
      'file://localhost/C:/Users/Phil/Music/x.wav',
    );
    expect(locationOf('D:/Music/a b #1.wav', 'win32')).toBe('file://localhost/D:/Music/a%20b%20%231.wav');
  });

  it('refuses what names no absolute local file', () => {
    expect(() => locationOf('music/x.mp3')).toThrow(RangeError);
    expect(() => locationOf('/m/a\0b.mp3')).toThrow(RangeError);
    expect(() => locationOf('/m/\uD800.mp3')).toThrow(RangeError);
    expect(() => locationOf('/Users/x.mp3', 'win32')).toThrow(RangeError);
    expect(() => locationOf('\\\\server\\share\\x.mp3', 'win32')).toThrow(RangeError);
  });
});

describe('pathOfLocation', () => {
  it.each(HOSTILE)('round-trips %s exactly', (p) => {
    const loc = locationOf(p);
    expect(loc).toMatch(SHAPE);
    expect(pathOfLocation(loc)).toBe(p);
    // An independent decoder agrees.
    expect(fileURLToPath(loc)).toBe(p);
  });

  it('accepts the heavier encodings other writers use (pyrekordbox, Node)', () => {
    expect(pathOfLocation('file://localhost/m/A%20%26%20B%20%28Dub%29%27s.mp3')).toBe("/m/A & B (Dub)'s.mp3");
    for (const p of HOSTILE) expect(pathOfLocation(`file://localhost${pathToFileURL(p).pathname}`)).toBe(p);
  });

  it('round-trips Windows paths', () => {
    const p = 'C:\\Users\\dj\\Música\\A & B (Dub) #2 100%.wav';
    expect(pathOfLocation(locationOf(p, 'win32'), 'win32')).toBe(p);
    expect(
      pathOfLocation('file://localhost/C:/Music/PioneerDJ/Demo%20Tracks/Demo%20Track%201.mp3', 'win32'),
    ).toBe('C:\\Music\\PioneerDJ\\Demo Tracks\\Demo Track 1.mp3');
  });

  it('refuses non-file and malformed Locations', () => {
    expect(() => pathOfLocation('file://localhostsoundcloud:tracks:123')).toThrow(RangeError);
    expect(() => pathOfLocation('file:///m/x.mp3')).toThrow(RangeError);
    expect(() => pathOfLocation('file://localhost/m/%E0%A4.mp3')).toThrow(RangeError);
    expect(() => pathOfLocation('file://localhost/m/100%.mp3')).toThrow(RangeError);
    expect(() => pathOfLocation('file://localhost/m/x.mp3', 'win32')).toThrow(RangeError);
  });

  it('round-trips any absolute path of well-formed Unicode', () => {
    const segment = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 12 })
      .filter((s) => !s.includes('/') && !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const p = `/${segments.join('/')}`;
        const loc = locationOf(p);
        expect(loc).toMatch(SHAPE);
        expect(pathOfLocation(loc)).toBe(p);
        expect(fileURLToPath(loc)).toBe(p);
      }),
      { numRuns: 500 },
    );
  });
});
