// The TIDAL playlist writes a push makes, one function each, building the JSON:API bodies of the spec
// (shared/reference/tidal-openapi.json). Every write takes an Idempotency-Key (see keys.ts): http.ts retries
// a write only when it carries one, and TIDAL replays a repeated key instead of applying it twice.
// These functions do not decide what may be written; the caller checks ownership (state DB and marker.ts).

import type {
  MutationDocument,
  PlaylistCreatePayload,
  PlaylistItemsAddDocument,
  PlaylistItemsAddPayload,
  PlaylistItemsMovePayload,
  PlaylistItemsRemovePayload,
  PlaylistSingleDocument,
  PlaylistUpdatePayload,
  WritableAccessType,
} from '../api-types.ts';
import { readPlaylistItems } from '../client.ts';
import { TidalApiError, type TidalHttp } from '../http.ts';
import type { Edit, PlaylistEntry } from './diff.ts';

export { isManaged, MANAGED_MARKER, withMarker } from './marker.ts';

const playlistPath = (id: string) => `/playlists/${encodeURIComponent(id)}`;
const itemsPath = (id: string) => `${playlistPath(id)}/relationships/items`;

export interface NewPlaylist {
  name: string;
  description: string;
  accessType: WritableAccessType;
}

/** Creates a playlist owned by the user and returns its id. */
export async function createPlaylist(
  http: TidalHttp,
  playlist: NewPlaylist,
  key: string,
  signal: AbortSignal,
): Promise<string> {
  const body: PlaylistCreatePayload = { data: { type: 'playlists', attributes: { ...playlist } } };
  const doc = await http.send<PlaylistSingleDocument>(
    { method: 'POST', path: '/playlists', body, idempotencyKey: key },
    signal,
  );
  const id = doc?.data?.id;
  if (typeof id !== 'string' || id === '') {
    throw new TidalApiError('TIDAL POST /playlists: the answer names no playlist id', false);
  }
  return id;
}

export function renamePlaylist(
  http: TidalHttp,
  playlistId: string,
  name: string,
  key: string,
  signal: AbortSignal,
): Promise<void> {
  return updatePlaylist(http, playlistId, { name }, key, signal);
}

export function describePlaylist(
  http: TidalHttp,
  playlistId: string,
  description: string,
  key: string,
  signal: AbortSignal,
): Promise<void> {
  return updatePlaylist(http, playlistId, { description }, key, signal);
}

async function updatePlaylist(
  http: TidalHttp,
  playlistId: string,
  attributes: PlaylistUpdatePayload['data']['attributes'],
  key: string,
  signal: AbortSignal,
): Promise<void> {
  const body: PlaylistUpdatePayload = { data: { id: playlistId, type: 'playlists', attributes } };
  await http.send<PlaylistSingleDocument>(
    { method: 'PATCH', path: playlistPath(playlistId), body, idempotencyKey: key },
    signal,
  );
}

export async function deletePlaylist(
  http: TidalHttp,
  playlistId: string,
  key: string,
  signal: AbortSignal,
): Promise<void> {
  await http.send<MutationDocument>(
    { method: 'DELETE', path: playlistPath(playlistId), body: undefined, idempotencyKey: key },
    signal,
  );
}

/**
 * The playlist's entries in order, as the diff wants them. Unlike a mirror read, a partial listing is an
 * error here: edits planned from half a playlist would delete or duplicate entries.
 */
export async function readItems(
  http: TidalHttp,
  playlistId: string,
  countryCode: string | undefined,
  signal: AbortSignal,
): Promise<PlaylistEntry[]> {
  const read = await readPlaylistItems(http, playlistId, countryCode, signal);
  if (read.error) throw read.error;
  return read.items.map((item) => {
    const itemId = item.meta?.itemId;
    if (itemId === undefined) {
      throw new TidalApiError(`TIDAL playlist ${playlistId}: an entry has no itemId`, false);
    }
    return { itemId, trackId: item.id, ...(item.type === 'videos' ? { type: 'videos' as const } : {}) };
  });
}

export interface EditResult {
  /** The entries an add created, in order (empty for other edits). */
  added: PlaylistEntry[];
  /** Track ids an add left out (not found or not available). */
  skipped: string[];
}

/** Sends one edit of a planned script as one request. */
export async function applyEdit(
  http: TidalHttp,
  playlistId: string,
  edit: Edit,
  key: string,
  signal: AbortSignal,
): Promise<EditResult> {
  const path = itemsPath(playlistId);
  switch (edit.op) {
    case 'add': {
      const body: PlaylistItemsAddPayload = {
        data: edit.trackIds.map((id) => ({ id, type: 'tracks' })),
        ...(edit.positionBefore !== undefined ? { meta: { positionBefore: edit.positionBefore } } : {}),
      };
      const doc = await http.send<PlaylistItemsAddDocument>(
        { method: 'POST', path, body, idempotencyKey: key },
        signal,
      );
      const added = (doc?.data ?? []).flatMap((d) =>
        d.meta?.itemId !== undefined ? [{ itemId: d.meta.itemId, trackId: d.id }] : [],
      );
      return { added, skipped: (doc?.meta?.skipped ?? []).map((s) => s.id) };
    }
    case 'delete': {
      const body: PlaylistItemsRemovePayload = { data: edit.items.map(identifier) };
      await http.send<MutationDocument>({ method: 'DELETE', path, body, idempotencyKey: key }, signal);
      return { added: [], skipped: [] };
    }
    case 'move': {
      const body: PlaylistItemsMovePayload = {
        data: edit.items.map(identifier),
        meta: { positionBefore: edit.positionBefore },
      };
      await http.send<MutationDocument>({ method: 'PATCH', path, body, idempotencyKey: key }, signal);
      return { added: [], skipped: [] };
    }
  }
}

function identifier(entry: PlaylistEntry) {
  return { id: entry.trackId, type: entry.type ?? 'tracks', meta: { itemId: entry.itemId } };
}
