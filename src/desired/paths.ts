// How a place inside a config document is named: as a key path (`['playlists', 1, 'match']`) for code, as
// `playlists[1].match` for people, and as a file name relative to the working folder when that is shorter.

import { isAbsolute, relative } from 'node:path';

/** Keys and array indexes from the document root to a value. */
export type JsonPath = readonly (string | number)[];

/** Turns a JSON pointer (`/playlists/1/match`) into a key path; indexes into arrays become numbers. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `playlists[1].match`, `adopt.pins["Playlists/a.mp3"]`; '' for the root. */
export function describePath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The name of a file as messages show it: relative to the working folder when inside it. */
export function displayPath(absFile: string): string {
  const rel = relative(process.cwd(), absFile);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absFile;
}
