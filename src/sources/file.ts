// The `file` source: a catalogue file (schema/catalog.schema.json, JSON or YAML) read afresh on every
// observe. Besides the schema, every playlist item must name a track of `tracks`, and playlist ids are
// unique, so the planner can trust the Catalog it gets.

import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import catalogSchema from '../../schema/catalog.schema.json' with { type: 'json' };
import { displayPath } from '../desired/paths.ts';
import { type PathIssue, throwIfIssues } from '../desired/positions.ts';
import { parseValidated } from '../desired/validated.ts';
import { SourceError } from '../errors.ts';
import type { Fs } from '../io/fs.ts';
import type { Catalog, Source, SourcePlaylist, Track } from '../types.ts';

interface RawCatalog {
  playlists: SourcePlaylist[];
  tracks: Record<string, Omit<Track, 'id'>>;
}

/** `path` may be relative to the working folder. observe() throws ConfigError for a bad catalogue. */
export function createFileSource(path: string, fs: Fs): Source {
  const abs = resolve(path);
  return {
    provider: 'file',
    async observe(signal: AbortSignal): Promise<Catalog> {
      signal.throwIfAborted();
      let text: string;
      try {
        text = fs.readFileSync(abs, 'utf8') as string;
      } catch (err) {
        throw new SourceError(`cannot read catalogue ${displayPath(abs)}: ${(err as Error).message}`, false);
      }
      const parsed = parseValidated(text, displayPath(abs), catalogSchema);
      const raw = parsed.data as RawCatalog;
      throwIfIssues(parsed, referenceIssues(raw));
      return toCatalog(raw);
    },
    async fingerprint(signal: AbortSignal): Promise<string> {
      signal.throwIfAborted();
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(abs) as Buffer;
      } catch (err) {
        throw new SourceError(`cannot read catalogue ${displayPath(abs)}: ${(err as Error).message}`, false);
      }
      return `file:${createHash('sha1').update(bytes).digest('hex')}`;
    },
  };
}

function referenceIssues(raw: RawCatalog): PathIssue[] {
  const issues: PathIssue[] = [];
  const firstById = new Map<string, number>();
  raw.playlists.forEach((playlist, p) => {
    const first = firstById.get(playlist.id);
    if (first === undefined) firstById.set(playlist.id, p);
    else {
      issues.push({
        path: ['playlists', p, 'id'],
        message: `playlists[${p}].id: duplicate playlist id "${playlist.id}" (also playlists[${first}])`,
      });
    }
    playlist.items.forEach((trackId, i) => {
      if (!Object.hasOwn(raw.tracks, trackId)) {
        issues.push({
          path: ['playlists', p, 'items', i],
          message: `playlists[${p}].items[${i}]: unknown track id "${trackId}" (not a key of tracks)`,
        });
      }
    });
  });
  return issues;
}

function toCatalog(raw: RawCatalog): Catalog {
  const tracks = new Map<string, Track>();
  for (const [id, track] of Object.entries(raw.tracks)) tracks.set(id, { id, ...track });
  return { playlists: raw.playlists.map((p) => ({ ...p, items: [...p.items] })), tracks };
}
