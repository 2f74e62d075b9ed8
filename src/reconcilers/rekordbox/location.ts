// Owns the rekordbox `Location` rule (shared/reference/rekordbox-xml.md §3): `file://localhost` followed by
// the absolute path with '/' separators, percent-encoded as UTF-8. rekordbox matches tracks by this string,
// so a wrong byte gives an orphan "!" track.
//
// - What stays literal is what a URI path may hold (RFC 3986 unreserved, sub-delims, ':' and '@'): `&`,
//   `'` and `()` stay as rekordbox itself writes them, and the drive colon of `C:` survives. Everything
//   else (space, `#`, `%`, `?`, non-ASCII, …) becomes %XX of its UTF-8 bytes.
// - The path is encoded exactly as given, without Unicode normalisation: it must be the name as it is on
//   disk, and cratesync writes its file names in NFC already. Normalising here would point an NFD name
//   on a byte-exact filesystem at a file that does not exist. Compare Locations with `sameFile()`.
// - Windows: `C:\Music\x.wav` becomes `file://localhost/C:/Music/x.wav`, one slash after localhost.

export type Platform = 'posix' | 'win32';

const PREFIX = 'file://localhost';

// Everything outside unreserved / sub-delims / ':' '@' '/'. With the `u` flag an astral character is one
// match, so emoji are encoded whole; a lone surrogate is one match too, and encodeURIComponent rejects it.
const MUST_ENCODE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu;

const DRIVE = /^[A-Za-z]:[\\/]/;

export function locationOf(absPath: string, platform: Platform = 'posix'): string {
  if (absPath.includes('\0')) throw new RangeError(`a path cannot contain NUL: ${JSON.stringify(absPath)}`);
  return PREFIX + encodePath(uriPath(absPath, platform));
}

/** The native path a Location names; accepts both `&` and `%26` style encodings. */
export function pathOfLocation(location: string, platform: Platform = 'posix'): string {
  if (!location.startsWith(`${PREFIX}/`)) {
    // Streaming entries (`file://localhostsoundcloud:tracks:1`) and other hosts name no local file.
    throw new RangeError(`not a local file Location: ${location}`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(location.slice(PREFIX.length));
  } catch {
    throw new RangeError(`malformed percent-encoding in Location: ${location}`);
  }
  if (platform === 'posix') return decoded;
  if (!/^\/[A-Za-z]:\//.test(decoded)) throw new RangeError(`not a Windows drive Location: ${location}`);
  return decoded.slice(1).replaceAll('/', '\\');
}

/** Whether two paths name the same file for rekordbox: macOS treats NFC and NFD spellings as one name. */
export function sameFile(a: string, b: string): boolean {
  return a.normalize('NFC') === b.normalize('NFC');
}

function uriPath(absPath: string, platform: Platform): string {
  if (platform === 'posix') {
    if (!absPath.startsWith('/')) throw new RangeError(`not an absolute path: ${absPath}`);
    return absPath;
  }
  // UNC shares (\\server\share) have no agreed rekordbox form, so they are refused rather than guessed.
  if (!DRIVE.test(absPath)) throw new RangeError(`not an absolute Windows drive path: ${absPath}`);
  return `/${absPath.replaceAll('\\', '/')}`;
}

function encodePath(p: string): string {
  try {
    return p.replace(MUST_ENCODE, (c) => encodeURIComponent(c));
  } catch {
    throw new RangeError(`path is not well-formed Unicode: ${JSON.stringify(p)}`);
  }
}
