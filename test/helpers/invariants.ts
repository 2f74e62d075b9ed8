// The properties every reconciled library must have, checked against the real disk:
// every link resolves and is relative; each track has exactly one real file; each playlist folder holds
// exactly its source playlist's tracks; each .m3u8 lists them in source order; nothing escapes the root.

import nodePath from 'node:path';
import NodeID3 from 'node-id3';
import type { Fs } from '../../src/io/fs.ts';
import type { Catalog, DesiredState } from '../../src/types.ts';

export interface LibraryCheck {
  problems: string[];
}

/** Which track a file's content names (see fakeAudio), or the TXXX id written by synth. */
function trackOf(fs: Fs, abs: string): string | undefined {
  const bytes = fs.readFileSync(abs) as Buffer;
  const fake = /cratesync-test-audio (\S+)/.exec(bytes.toString('latin1'))?.[1];
  if (fake !== undefined) return fake;
  const tags = NodeID3.read(bytes);
  return tags.userDefinedText?.find((t) => t.description === 'SOURCE_ID')?.value;
}

export function checkLibrary(
  fs: Fs,
  desired: DesiredState,
  catalog: Catalog,
  opts: { mirrored?: (name: string) => boolean; unavailable?: Set<string> } = {},
): LibraryCheck {
  const problems: string[] = [];
  const base = `${desired.root}/${desired.layout.playlists}`;
  const realFiles = new Map<string, string[]>();
  const folderTracks = new Map<string, Map<string, string>>();
  const unavailable = opts.unavailable ?? new Set<string>();

  const folders = fs.existsSync(base) ? (fs.readdirSync(base) as string[]) : [];
  for (const folder of folders) {
    const dir = `${base}/${folder}`;
    if (!fs.lstatSync(dir).isDirectory()) continue;
    const tracks = new Map<string, string>();
    for (const name of fs.readdirSync(dir) as string[]) {
      const abs = `${dir}/${name}`;
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) {
        const target = String(fs.readlinkSync(abs));
        if (nodePath.isAbsolute(target)) problems.push(`absolute link ${abs} → ${target}`);
        const resolved = nodePath.resolve(dir, target);
        if (!resolved.startsWith(`${desired.root}/`)) problems.push(`link escapes the root: ${abs}`);
        if (!fs.existsSync(resolved)) {
          problems.push(`broken link ${abs} → ${target}`);
          continue;
        }
        tracks.set(trackOf(fs, resolved) ?? '?', name);
      } else if (st.isFile()) {
        const id = trackOf(fs, abs) ?? '?';
        tracks.set(id, name);
        if (desired.layout.links === 'symlink' || !realFiles.has(id))
          realFiles.set(id, [...(realFiles.get(id) ?? []), abs]);
        else if (desired.layout.links === 'hardlink') {
          const first = fs.statSync(realFiles.get(id)![0]!);
          if (first.ino !== st.ino)
            problems.push(`hard link ${abs} is not the same file as ${realFiles.get(id)![0]}`);
        }
      }
    }
    folderTracks.set(folder, tracks);
  }

  for (const [id, files] of realFiles) {
    if (files.length > 1) problems.push(`track ${id} has ${files.length} real files: ${files.join(', ')}`);
  }

  const mirrored = catalog.playlists.filter((p) => opts.mirrored?.(p.name) ?? true);
  const claimed = new Set<string>();
  for (const p of mirrored) {
    const want = new Set(p.items.filter((i) => catalog.tracks.has(i) && !unavailable.has(i)));
    // Find this playlist's folder: one whose track set matches and that no other playlist took. Two
    // playlists can share a track set and a name up to case ("deep house", "Deep House (3)"): then the one
    // whose .m3u8 lists this playlist's order is it.
    const fits = [...folderTracks].filter(
      ([f, t]) => !claimed.has(f) && sameSet(new Set(t.keys()), want) && nameFits(f, p.name),
    );
    if (fits.length === 0) {
      problems.push(`no folder holds exactly the tracks of playlist "${p.name}" (${[...want].join(',')})`);
      continue;
    }
    const expected = p.items.filter((i) => want.has(i));
    const listed = (folder: string): string[] | undefined => {
      const m3u = `${base}/${folder}.m3u8`;
      if (!fs.existsSync(m3u)) return undefined;
      return String(fs.readFileSync(m3u, 'utf8'))
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => {
          const abs = nodePath.resolve(base, l);
          return fs.existsSync(abs) ? (trackOf(fs, abs) ?? `unknown:${l}`) : `missing:${l}`;
        });
    };
    const m3u8 = desired.layout.playlistFiles === 'm3u8';
    const match = (m3u8 && fits.find(([f]) => listed(f)?.join(',') === expected.join(','))) || fits[0]!;
    claimed.add(match[0]);
    if (m3u8) {
      const m3u = `${base}/${match[0]}.m3u8`;
      const got = listed(match[0]);
      if (got === undefined) problems.push(`missing ${m3u}`);
      else if (got.join(',') !== expected.join(','))
        problems.push(`${m3u} lists ${got.join(',')} instead of ${expected.join(',')}`);
    }
  }
  for (const [f, t] of folderTracks) {
    if (!claimed.has(f) && t.size > 0)
      problems.push(`folder ${f} belongs to no mirrored playlist but holds ${t.size} track(s)`);
  }
  return { problems };
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Folder names are sanitized and may carry a collision suffix; compare loosely. */
function nameFits(folder: string, name: string): boolean {
  const clean = (s: string) =>
    s
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '');
  return clean(folder.replace(/ \(\d+\)$/, '')).startsWith(clean(name).slice(0, 20)) || clean(name) === '';
}
