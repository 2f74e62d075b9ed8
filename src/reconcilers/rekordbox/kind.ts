// The rekordbox `Kind` of a file, from its extension. rekordbox localises Kind in its own exports
// (`Mp3-Datei `); the names below are the English ones of the format's documentation.

// A Map, not an object literal: an extension like `.constructor` must not find a prototype member.
const KINDS: ReadonlyMap<string, string> = new Map([
  ['mp3', 'MP3 File'],
  ['flac', 'FLAC File'],
  ['m4a', 'M4A File'],
  ['wav', 'WAV File'],
  ['aif', 'AIFF File'],
  ['aiff', 'AIFF File'],
]);

/** `'MP3 File'` for `…/x.mp3`; undefined for a type rekordbox has no Kind for. */
export function kindOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  if (dot <= slash + 1) return undefined; // no extension, or a dot file like `.mp3`
  return KINDS.get(fileName.slice(dot + 1).toLowerCase());
}
