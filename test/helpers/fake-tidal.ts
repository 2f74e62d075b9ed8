// A fake TIDAL API (openapi.tidal.com/v2) on a real node:http server at 127.0.0.1, for tests and the benchmark.
// It answers the documents of the spec (shared/reference/tidal-openapi.json) for the endpoints cratesync
// reads, with TIDAL's known habits: cursor pages of 20 whose `links.next` lacks the `/v2` prefix, at most 20
// ids per bulk request (400 beyond), 400 for a batch holding a "bad" id, bearer tokens that expire (401).
// Faults are scripted per request (429 with or without Retry-After, 5xx, slow answers, dropped connections),
// every request is logged with its kind so tests can count them, and the data is a plain object that tests
// may change between observations. No OAuth endpoints: the auth helper has its own fake.
// Playlist writes (create, update, delete; add, remove, reorder entries) follow the spec's bodies and limits,
// refuse (403) any write to a playlist the user does not own, and replay an Idempotency-Key: the same key with
// the same payload answers the stored answer without a second effect, with another payload 422. Every change
// moves lastModifiedAt on; new entries get fresh itemIds. Write requests are logged with their own kinds, and
// `count('writes')` counts them all.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenProvider } from '../../src/sources/tidal/ports.ts';

// ---------------------------------------------------------------------------------------------- data

export interface FakeArtist {
  id: string;
  name: string;
}

export interface FakeAlbum {
  id: string;
  title: string;
  releaseDate?: string;
  copyright?: string;
}

export interface FakeTrack {
  id: string;
  title: string;
  version?: string;
  isrc: string;
  /** ISO 8601, e.g. PT5M1S. */
  duration: string;
  explicit: boolean;
  popularity: number;
  bpm?: number;
  key: string;
  keyScale: string;
  copyright?: string;
  artistIds: string[];
  albumId?: string;
}

export interface FakeEntry {
  type: 'tracks' | 'videos';
  id: string;
  itemId: string;
  addedAt: string;
}

export interface FakePlaylist {
  id: string;
  name: string;
  description?: string;
  ownerId: string;
  /** PUBLIC when absent. */
  accessType?: string;
  createdAt: string;
  lastModifiedAt: string;
  entries: FakeEntry[];
  /** Overrides numberOfItems (a stale or wrong count). */
  reportedCount?: number;
}

export interface FakeTidalData {
  user: { id: string; username: string; country: string };
  playlists: FakePlaylist[];
  /** Playlist ids in the user's collection, in collection order. */
  favorites: string[];
  tracks: Map<string, FakeTrack>;
  artists: Map<string, FakeArtist>;
  albums: Map<string, FakeAlbum>;
  /** A bulk track request holding any of these answers 400. */
  badTrackIds: Set<string>;
}

export function emptyData(): FakeTidalData {
  return {
    user: { id: '424242', username: 'dj', country: 'NO' },
    playlists: [],
    favorites: [],
    tracks: new Map(),
    artists: new Map(),
    albums: new Map(),
    badTrackIds: new Set(),
  };
}

// ---------------------------------------------------------------------------------------------- requests

export type RequestKind =
  | 'me'
  | 'ownPlaylists'
  | 'playlistsById'
  | 'favorites'
  | 'items'
  | 'tracks'
  | 'createPlaylist'
  | 'updatePlaylist'
  | 'deletePlaylist'
  | 'addItems'
  | 'removeItems'
  | 'moveItems'
  | 'other';

/** Every request that is not a GET. */
export type RequestCount = RequestKind | 'writes';

export interface FakeRequest {
  method: string;
  /** The URL path, e.g. /v2/playlists/abc/relationships/items. */
  path: string;
  query: URLSearchParams;
  kind: RequestKind;
  /** The status answered (absent while pending or when the connection was dropped). */
  status?: number;
}

export interface Fault {
  /** Which requests it hits; every request when absent. */
  match?: (req: FakeRequest) => boolean;
  /** How many matching requests it hits: 1 by default, Infinity for all. */
  times?: number;
  /** Answer this status (with a JSON:API errors body) instead of the real answer. */
  status?: number;
  detail?: string;
  retryAfter?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (the real answer, unless `status` is set). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  drop?: boolean;
  /** Carry out the request, then destroy the connection: a write that happened but whose answer was lost. */
  dropAfter?: boolean;
}

export interface FakeTidalOptions {
  data?: FakeTidalData;
  pageSize?: number;
  bulkLimit?: number;
  /** Extra headers on every answer, e.g. the x-ratelimit-* ones. */
  headers?: Record<string, string> | ((req: FakeRequest) => Record<string, string>);
  /** Leave favourited playlists out of `included` (the client must then fetch them by id). */
  omitFavoriteIncluded?: boolean;
}

export interface FakeTidal {
  /** The API root, ending in /v2. */
  readonly url: string;
  readonly data: FakeTidalData;
  readonly requests: FakeRequest[];
  /** Requests of one kind (all when absent; every write for 'writes') since the last resetLog(). */
  count(kind?: RequestCount): number;
  resetLog(): void;
  fault(fault: Fault): void;
  clearFaults(): void;
  /** A new valid bearer token. */
  issueToken(ttlMs?: number): string;
  expireToken(token: string): void;
  setHeaders(headers: FakeTidalOptions['headers']): void;
  renamePlaylist(id: string, name: string): void;
  addItems(id: string, trackIds: string[]): void;
  removeItems(id: string, count: number): void;
  /** Moves lastModifiedAt one second on, as any change on TIDAL does. */
  touch(id: string): void;
  close(): Promise<void>;
}

/** Rate-limit headers generous enough that the adaptive limiter never holds a test back for real seconds. */
export const UNTHROTTLED = {
  'x-ratelimit-replenish-rate': '1000',
  'x-ratelimit-burst-capacity': '1000',
  'x-ratelimit-requested-tokens': '1',
};

/** The environment the CLI's TIDAL source reads: the fake's URL, a valid token, a private config folder. */
export function tidalEnv(server: FakeTidal, configDir: string): NodeJS.ProcessEnv {
  return {
    CRATESYNC_TIDAL_API_URL: server.url,
    CRATESYNC_TIDAL_TOKEN: server.issueToken(3_600_000),
    CRATESYNC_CONFIG_DIR: configDir,
  };
}

const ROOT = '/v2';
const PLAYLIST_INCLUDES = new Set([
  'collaboratorProfiles',
  'collaborators',
  'coverArt',
  'items',
  'ownerProfiles',
  'owners',
  'suggestedCoverArts',
]);
const TRACK_INCLUDES = new Set([
  'albums',
  'artists',
  'credits',
  'download',
  'genres',
  'lyrics',
  'metadataStatus',
  'owners',
  'priceConfig',
  'providers',
  'radio',
  'replacement',
  'shares',
  'similarTracks',
  'sourceFile',
  'suggestedTracks',
  'trackStatistics',
  'usageRules',
]);

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly code?: string,
  ) {
    super(detail);
  }
}

const MEDIA_TYPE = 'application/vnd.api+json';
const ACCESS_TYPES = new Set(['PUBLIC', 'UNLISTED']);
const ADD_LIMIT = 50;
const REMOVE_LIMIT = 50;
const MOVE_LIMIT = 20;

interface Answer {
  status: number;
  body: unknown;
}

export async function startFakeTidal(opts: FakeTidalOptions = {}): Promise<FakeTidal> {
  const data = opts.data ?? emptyData();
  const pageSize = opts.pageSize ?? 20;
  const bulkLimit = opts.bulkLimit ?? 20;
  let headers = opts.headers;
  const requests: FakeRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const tokens = new Map<string, number>();
  /** Idempotency-Key → the request it came with and the answer given. */
  const replays = new Map<string, { fingerprint: string; answer: Answer }>();
  const timers = new Set<NodeJS.Timeout>();
  let tokenSeq = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      kind: kindOf(req.method ?? 'GET', url),
    };
    requests.push(entry);
    void answer(req, res, url, entry);
  });

  async function answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    entry: FakeRequest,
  ): Promise<void> {
    const extra = typeof headers === 'function' ? headers(entry) : (headers ?? {});
    const send = (status: number, body: unknown, more: Record<string, string> = {}) => {
      if (res.destroyed) return;
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...extra, ...more });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, detail: string, more: Record<string, string> = {}, code?: string) =>
      send(status, { errors: [{ status: String(status), code: code ?? codeOf(status), detail }] }, more);
    const text = entry.method === 'GET' ? '' : await readBody(req);

    const slot = faults.find((f) => f.left > 0 && (f.fault.match?.(entry) ?? true));
    if (slot) slot.left--;
    const fault = slot?.fault;
    if (fault?.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.delayMs);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve();
        });
      });
      if (res.destroyed) return;
    }
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      const more: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) more['retry-after'] = fault.retryAfter;
      const detail = fault.detail ?? (fault.status === 429 ? 'Rate limit exceeded' : 'Scripted fault');
      fail(fault.status, detail, more);
      return;
    }

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const expiry = auth ? tokens.get(auth[1]!) : undefined;
    if (expiry === undefined || expiry <= Date.now()) {
      fail(401, auth ? 'Access token expired' : 'Missing bearer token');
      return;
    }
    if (req.headers.accept !== 'application/vnd.api+json') {
      fail(406, 'Accept must be application/vnd.api+json');
      return;
    }
    try {
      const out =
        entry.method === 'GET' ? { status: 200, body: route(entry, url) } : write(entry, req.headers, text);
      if (fault?.dropAfter) {
        req.socket.destroy();
        return;
      }
      send(out.status, out.body, fault?.headers);
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      fail(err.status, err.message, {}, err.code);
    }
  }

  // -------------------------------------------------------------------------------------------- writes

  function write(entry: FakeRequest, reqHeaders: http.IncomingHttpHeaders, text: string): Answer {
    if (text !== '' && reqHeaders['content-type'] !== MEDIA_TYPE) {
      throw new HttpFailure(415, `Content-Type must be ${MEDIA_TYPE}`);
    }
    const key = reqHeaders['idempotency-key'];
    const fingerprint = `${entry.method} ${entry.path} ${text}`;
    if (typeof key === 'string') {
      if (key.length > 128) throw new HttpFailure(400, 'Idempotency-Key is longer than 128 characters');
      const seen = replays.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        throw new HttpFailure(
          422,
          'Idempotency key reused with a different payload',
          'IDEMPOTENT_REQUEST_PAYLOAD_MISMATCH',
        );
      }
      if (seen) return seen.answer;
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new HttpFailure(400, 'The body is not JSON');
    }
    const answer = routeWrite(entry, body as WriteBody | undefined);
    // Only answers that changed something are kept: a refused write may be retried once fixed.
    if (typeof key === 'string') replays.set(key, { fingerprint, answer });
    return answer;
  }

  function routeWrite(entry: FakeRequest, body: WriteBody | undefined): Answer {
    const path = entry.path.startsWith(`${ROOT}/`) ? entry.path.slice(ROOT.length) : entry.path;
    if (path === '/playlists' && entry.method === 'POST') return createPlaylist(body);
    const one = /^\/playlists\/([^/]+)$/.exec(path);
    if (one && entry.method === 'PATCH') return updatePlaylist(decodeURIComponent(one[1]!), body);
    if (one && entry.method === 'DELETE') return deletePlaylist(decodeURIComponent(one[1]!));
    const rel = /^\/playlists\/([^/]+)\/relationships\/items$/.exec(path);
    if (rel) {
      const p = owned(decodeURIComponent(rel[1]!));
      if (entry.method === 'POST') return addEntries(p, body);
      if (entry.method === 'DELETE') return removeEntries(p, body);
      if (entry.method === 'PATCH') return moveEntries(p, body);
    }
    throw new HttpFailure(405, `${entry.method} ${entry.path} is not supported by the fake`);
  }

  /** The playlist, when the user may write it. */
  function owned(id: string): FakePlaylist {
    const p = data.playlists.find((x) => x.id === id);
    if (!p) throw new HttpFailure(404, `Playlist ${id} not found`);
    if (p.ownerId !== data.user.id) throw new HttpFailure(403, `Playlist ${id} is not yours to change`);
    return p;
  }

  function checkAttributes(attrs: Record<string, unknown>): void {
    if ('name' in attrs && (typeof attrs.name !== 'string' || attrs.name.trim() === '')) {
      throw new HttpFailure(400, 'name must be a non-empty string');
    }
    if ('description' in attrs && typeof attrs.description !== 'string') {
      throw new HttpFailure(400, 'description must be a string');
    }
    if ('accessType' in attrs && !ACCESS_TYPES.has(attrs.accessType as string)) {
      throw new HttpFailure(400, 'accessType must be PUBLIC or UNLISTED');
    }
  }

  function createPlaylist(body: WriteBody | undefined): Answer {
    const d = body?.data;
    if (!d || Array.isArray(d) || d.type !== 'playlists' || typeof d.attributes !== 'object') {
      throw new HttpFailure(400, 'data must be a playlists resource with attributes');
    }
    const attrs = d.attributes as Record<string, unknown>;
    if (!('name' in attrs)) throw new HttpFailure(400, 'name is required');
    checkAttributes(attrs);
    const now = new Date().toISOString();
    const p: FakePlaylist = {
      id: randomUUID(),
      name: attrs.name as string,
      ...(attrs.description !== undefined ? { description: attrs.description as string } : {}),
      ownerId: data.user.id,
      accessType: (attrs.accessType as string | undefined) ?? 'PUBLIC',
      createdAt: now,
      lastModifiedAt: now,
      entries: [],
    };
    data.playlists.push(p);
    return { status: 201, body: { data: playlistResource(p), links: { self: `/playlists/${p.id}` } } };
  }

  function updatePlaylist(id: string, body: WriteBody | undefined): Answer {
    const p = owned(id);
    const d = body?.data;
    if (!d || Array.isArray(d) || d.type !== 'playlists' || d.id !== id || typeof d.attributes !== 'object') {
      throw new HttpFailure(400, 'data must be this playlist, with attributes');
    }
    const attrs = d.attributes as Record<string, unknown>;
    checkAttributes(attrs);
    if (typeof attrs.name === 'string') p.name = attrs.name;
    if (typeof attrs.description === 'string') p.description = attrs.description;
    if (typeof attrs.accessType === 'string') p.accessType = attrs.accessType;
    touch(id);
    return { status: 200, body: { data: playlistResource(p), links: { self: `/playlists/${id}` } } };
  }

  function deletePlaylist(id: string): Answer {
    owned(id);
    data.playlists = data.playlists.filter((x) => x.id !== id);
    data.favorites = data.favorites.filter((x) => x !== id);
    return { status: 200, body: { links: { self: `/playlists/${id}` } } };
  }

  function entriesOf(body: WriteBody | undefined, limit: number): WriteIdentifier[] {
    const list = body?.data;
    if (!Array.isArray(list) || list.length < 1 || list.length > limit) {
      throw new HttpFailure(400, `data must hold 1 to ${limit} entries`);
    }
    for (const e of list) {
      if (typeof e?.id !== 'string' || (e.type !== 'tracks' && e.type !== 'videos')) {
        throw new HttpFailure(400, 'every entry needs an id and a type of tracks or videos');
      }
    }
    return list;
  }

  function anchorIndex(p: FakePlaylist, itemId: unknown): number {
    const at = p.entries.findIndex((e) => e.itemId === itemId);
    if (at < 0)
      throw new HttpFailure(400, `positionBefore ${String(itemId)} is not an entry of the playlist`);
    return at;
  }

  /** The entries named by itemId, checked against the playlist (each must exist and hold that id). */
  function existing(p: FakePlaylist, list: WriteIdentifier[]): Set<string> {
    const ids = new Set<string>();
    for (const e of list) {
      const itemId = e.meta?.itemId;
      if (typeof itemId !== 'string') throw new HttpFailure(400, 'meta.itemId is required on every entry');
      const found = p.entries.find((x) => x.itemId === itemId);
      if (!found || found.id !== e.id || found.type !== e.type) {
        throw new HttpFailure(400, `No ${e.type} ${e.id} with itemId ${itemId} in the playlist`);
      }
      ids.add(itemId);
    }
    return ids;
  }

  function addEntries(p: FakePlaylist, body: WriteBody | undefined): Answer {
    const list = entriesOf(body, ADD_LIMIT);
    const at = body?.meta === undefined ? p.entries.length : anchorIndex(p, body.meta.positionBefore);
    const now = new Date().toISOString();
    const added: FakeEntry[] = [];
    const skipped: { id: string; type: string; reason: string }[] = [];
    for (const e of list) {
      if (e.type === 'tracks' && !data.tracks.has(e.id))
        skipped.push({ id: e.id, type: e.type, reason: 'NOT_FOUND' });
      else added.push(entryOf(e.type as FakeEntry['type'], e.id, now));
    }
    p.entries.splice(at, 0, ...added);
    if (added.length > 0) touch(p.id);
    return {
      status: 200,
      body: {
        data: added.map((e) => ({ id: e.id, type: e.type, meta: { itemId: e.itemId, addedAt: e.addedAt } })),
        ...(skipped.length > 0 ? { meta: { skipped } } : {}),
        links: { self: `/playlists/${p.id}/relationships/items` },
      },
    };
  }

  function removeEntries(p: FakePlaylist, body: WriteBody | undefined): Answer {
    const gone = existing(p, entriesOf(body, REMOVE_LIMIT));
    p.entries = p.entries.filter((e) => !gone.has(e.itemId));
    touch(p.id);
    return { status: 200, body: { links: { self: `/playlists/${p.id}/relationships/items` } } };
  }

  function moveEntries(p: FakePlaylist, body: WriteBody | undefined): Answer {
    const list = entriesOf(body, MOVE_LIMIT);
    const moving = existing(p, list);
    const anchor = body?.meta?.positionBefore;
    if (typeof anchor !== 'string') throw new HttpFailure(400, 'meta.positionBefore is required');
    if (moving.has(anchor)) throw new HttpFailure(400, 'positionBefore cannot be one of the moved entries');
    anchorIndex(p, anchor);
    const lifted = list.map((e) => p.entries.find((x) => x.itemId === e.meta?.itemId)!);
    p.entries = p.entries.filter((e) => !moving.has(e.itemId));
    p.entries.splice(anchorIndex(p, anchor), 0, ...lifted);
    touch(p.id);
    return { status: 200, body: { links: { self: `/playlists/${p.id}/relationships/items` } } };
  }

  function route(entry: FakeRequest, url: URL): unknown {
    if (entry.method !== 'GET') throw new HttpFailure(405, `${entry.method} is not supported by the fake`);
    if (!entry.path.startsWith(`${ROOT}/`)) throw new HttpFailure(404, `No route for ${entry.path}`);
    const path = entry.path.slice(ROOT.length);
    const q = url.searchParams;
    if (path === '/users/me') return me();
    if (path === '/playlists') return playlists(url, q);
    if (path === '/userCollectionPlaylists/me/relationships/items') return favorites(url, q);
    const m = /^\/playlists\/([^/]+)\/relationships\/items$/.exec(path);
    if (m) return items(url, decodeURIComponent(m[1]!));
    if (path === '/tracks') return tracks(q);
    throw new HttpFailure(404, `No route for ${entry.path}`);
  }

  function me() {
    const u = data.user;
    return {
      data: {
        id: u.id,
        type: 'users',
        attributes: { username: u.username, country: u.country, developerAccessTier: 'THIRD_PARTY' },
      },
      links: { self: '/users/me' },
    };
  }

  function playlists(url: URL, q: URLSearchParams) {
    checkIncludes(q, PLAYLIST_INCLUDES);
    const owners = listParam(q, 'filter[owners.id]');
    const ids = listParam(q, 'filter[id]');
    if (owners.length === 0 && ids.length === 0 && listParam(q, 'filter[collaborators.id]').length === 0) {
      throw new HttpFailure(
        400,
        'At least one filter is required: filter[id], filter[owners.id], filter[collaborators.id]',
      );
    }
    if (ids.length > bulkLimit) throw new HttpFailure(400, `filter[id] takes at most ${bulkLimit} values`);
    const ownerIds = new Set(owners.map((o) => (o === 'me' ? data.user.id : o)));
    const chosen = data.playlists.filter(
      (p) => (ownerIds.size === 0 || ownerIds.has(p.ownerId)) && (ids.length === 0 || ids.includes(p.id)),
    );
    const page = paginate(url, chosen);
    return { data: page.items.map(playlistResource), links: page.links };
  }

  function favorites(url: URL, q: URLSearchParams) {
    checkIncludes(q, new Set(['items']));
    const listed = data.favorites
      .map((id) => data.playlists.find((p) => p.id === id))
      .filter((p): p is FakePlaylist => p !== undefined);
    const page = paginate(url, listed);
    const doc: Record<string, unknown> = {
      data: page.items.map((p, i) => ({
        id: p.id,
        type: 'playlists',
        meta: { addedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() },
      })),
      links: page.links,
    };
    if (listParam(q, 'include').includes('items') && !opts.omitFavoriteIncluded) {
      doc.included = page.items.map(playlistResource);
    }
    return doc;
  }

  function items(url: URL, id: string) {
    checkIncludes(url.searchParams, new Set(['items']));
    const playlist = data.playlists.find((p) => p.id === id);
    if (!playlist) throw new HttpFailure(404, `Playlist ${id} not found`);
    const page = paginate(url, playlist.entries);
    return {
      data: page.items.map((e) => ({
        id: e.id,
        type: e.type,
        meta: { itemId: e.itemId, addedAt: e.addedAt },
      })),
      links: page.links,
    };
  }

  function tracks(q: URLSearchParams) {
    const include = checkIncludes(q, TRACK_INCLUDES);
    const ids = listParam(q, 'filter[id]');
    if (ids.length === 0)
      throw new HttpFailure(400, 'At least one filter is required: filter[id], filter[isrc]');
    if (ids.length > bulkLimit) throw new HttpFailure(400, `filter[id] takes at most ${bulkLimit} values`);
    const bad = ids.find((id) => data.badTrackIds.has(id));
    if (bad !== undefined) throw new HttpFailure(400, `Invalid track id: ${bad}`);
    const found = ids.map((id) => data.tracks.get(id)).filter((t): t is FakeTrack => t !== undefined);
    const included = new Map<string, unknown>();
    const resources = found.map((t) => {
      const relationships: Record<string, unknown> = {};
      if (include.has('artists')) {
        relationships.artists = {
          data: t.artistIds.map((a) => ({ id: a, type: 'artists' })),
          links: { self: `/tracks/${t.id}/relationships/artists` },
        };
        for (const a of t.artistIds) {
          const artist = data.artists.get(a);
          if (artist) {
            included.set(`artists:${a}`, {
              id: a,
              type: 'artists',
              attributes: { name: artist.name, popularity: 0.5 },
            });
          }
        }
      }
      if (include.has('albums') && t.albumId !== undefined) {
        relationships.albums = {
          data: [{ id: t.albumId, type: 'albums' }],
          links: { self: `/tracks/${t.id}/relationships/albums` },
        };
        const album = data.albums.get(t.albumId);
        if (album) included.set(`albums:${album.id}`, albumResource(album));
      }
      return {
        id: t.id,
        type: 'tracks',
        attributes: trackAttributes(t),
        ...(Object.keys(relationships).length > 0 ? { relationships } : {}),
      };
    });
    return {
      data: resources,
      ...(include.size > 0 ? { included: [...included.values()] } : {}),
      links: { self: `/tracks?${q.toString()}` },
    };
  }

  /** One page of `list` and the links to the next, as TIDAL writes them: relative, without `/v2`. */
  function paginate<T>(url: URL, list: T[]): { items: T[]; links: Record<string, unknown> } {
    const cursor = url.searchParams.get('page[cursor]');
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    const items = list.slice(offset, offset + pageSize);
    const path = url.pathname.slice(ROOT.length);
    const rest = url.search
      .slice(1)
      .split('&')
      .filter((kv) => kv !== '' && !/^page(%5B|\[)cursor(%5D|\])=/i.test(kv));
    const self = `${path}${url.search}`;
    if (offset + pageSize >= list.length) return { items, links: { self } };
    const next = encodeCursor(offset + pageSize);
    const query = [...rest, `page%5Bcursor%5D=${next}`].join('&');
    return { items, links: { self, next: `${path}?${query}`, meta: { nextCursor: next } } };
  }

  function playlistResource(p: FakePlaylist) {
    const videos = p.entries.filter((e) => e.type === 'videos').length;
    const total = p.reportedCount ?? p.entries.length;
    return {
      id: p.id,
      type: 'playlists',
      attributes: {
        name: p.name,
        ...(p.description !== undefined ? { description: p.description } : {}),
        accessType: p.accessType ?? 'PUBLIC',
        playlistType: 'USER',
        bounded: true,
        createdAt: p.createdAt,
        lastModifiedAt: p.lastModifiedAt,
        numberOfFollowers: 0,
        numberOfItems: total,
        numberOfTrackItems: total - videos,
        numberOfVideoItems: videos,
        externalLinks: [],
      },
    };
  }

  const server_ = await new Promise<http.Server>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
  const port = (server_.address() as AddressInfo).port;

  const find = (id: string) => {
    const p = data.playlists.find((x) => x.id === id);
    if (!p) throw new Error(`fake TIDAL: no playlist ${id}`);
    return p;
  };
  const touch = (id: string) => {
    const p = find(id);
    p.lastModifiedAt = new Date(Date.parse(p.lastModifiedAt) + 1000).toISOString();
  };

  return {
    url: `http://127.0.0.1:${port}${ROOT}`,
    data,
    requests,
    count: (kind) =>
      requests.filter((r) =>
        kind === undefined ? true : kind === 'writes' ? r.method !== 'GET' : r.kind === kind,
      ).length,
    resetLog: () => {
      requests.length = 0;
    },
    fault: (fault) => {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    issueToken: (ttlMs = 3_600_000) => {
      const token = `fake-token-${++tokenSeq}`;
      tokens.set(token, Date.now() + ttlMs);
      return token;
    },
    expireToken: (token) => {
      tokens.set(token, 0);
    },
    setHeaders: (h) => {
      headers = h;
    },
    renamePlaylist: (id, name) => {
      find(id).name = name;
      touch(id);
    },
    addItems: (id, trackIds) => {
      const p = find(id);
      for (const trackId of trackIds) p.entries.push(entryOf('tracks', trackId, p.lastModifiedAt));
      touch(id);
    },
    removeItems: (id, count) => {
      find(id).entries.splice(-count, count);
      touch(id);
    },
    touch,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Values of a list parameter, in either form the API takes: repeated keys or a comma list. */
function listParam(q: URLSearchParams, name: string): string[] {
  return q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
}

function checkIncludes(q: URLSearchParams, allowed: Set<string>): Set<string> {
  const include = new Set(listParam(q, 'include'));
  for (const path of include) {
    if (!allowed.has(path)) throw new HttpFailure(400, `Invalid include path: ${path}`);
  }
  return include;
}

interface WriteIdentifier {
  id: string;
  type: string;
  meta?: { itemId?: string };
}

/** A write body as it may arrive: checked field by field before use. */
interface WriteBody {
  data?: WriteIdentifier[] | { id?: string; type?: string; attributes?: unknown };
  meta?: { positionBefore?: unknown };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function kindOf(method: string, url: URL): RequestKind {
  const path = url.pathname.startsWith(`${ROOT}/`) ? url.pathname.slice(ROOT.length) : url.pathname;
  if (method !== 'GET') return writeKindOf(method, path);
  if (path === '/users/me') return 'me';
  if (path === '/tracks') return 'tracks';
  if (path === '/userCollectionPlaylists/me/relationships/items') return 'favorites';
  if (/^\/playlists\/[^/]+\/relationships\/items$/.test(path)) return 'items';
  if (path === '/playlists') return url.searchParams.has('filter[id]') ? 'playlistsById' : 'ownPlaylists';
  return 'other';
}

function writeKindOf(method: string, path: string): RequestKind {
  if (path === '/playlists' && method === 'POST') return 'createPlaylist';
  if (/^\/playlists\/[^/]+$/.test(path)) {
    if (method === 'PATCH') return 'updatePlaylist';
    if (method === 'DELETE') return 'deletePlaylist';
  }
  if (/^\/playlists\/[^/]+\/relationships\/items$/.test(path)) {
    if (method === 'POST') return 'addItems';
    if (method === 'DELETE') return 'removeItems';
    if (method === 'PATCH') return 'moveItems';
  }
  return 'other';
}

function codeOf(status: number): string {
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'BAD_REQUEST';
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new HttpFailure(400, `Invalid page[cursor]: ${cursor}`);
  return Number(m[1]);
}

function trackAttributes(t: FakeTrack) {
  return {
    title: t.title,
    ...(t.version !== undefined ? { version: t.version } : {}),
    isrc: t.isrc,
    duration: t.duration,
    explicit: t.explicit,
    popularity: t.popularity,
    ...(t.bpm !== undefined ? { bpm: t.bpm } : {}),
    key: t.key,
    keyScale: t.keyScale,
    ...(t.copyright !== undefined ? { copyright: { text: t.copyright } } : {}),
    mediaTags: ['LOSSLESS'],
    accessType: 'PUBLIC',
    externalLinks: [],
  };
}

function albumResource(a: FakeAlbum) {
  return {
    id: a.id,
    type: 'albums',
    attributes: {
      title: a.title,
      albumType: 'ALBUM',
      barcodeId: `0${a.id.padStart(12, '0')}`,
      duration: 'PT40M',
      explicit: false,
      mediaTags: ['LOSSLESS'],
      numberOfItems: 10,
      numberOfVolumes: 1,
      popularity: 0.5,
      ...(a.releaseDate !== undefined ? { releaseDate: a.releaseDate } : {}),
      ...(a.copyright !== undefined ? { copyright: { text: a.copyright } } : {}),
    },
  };
}

export function entryOf(
  type: FakeEntry['type'],
  id: string,
  addedAt = '2025-01-01T00:00:00.000Z',
): FakeEntry {
  return { type, id, itemId: randomUUID(), addedAt };
}

// ---------------------------------------------------------------------------------------------- tokens

/** A TokenProvider backed by the fake's tokens: `invalidate` issues a fresh one, as a refresh would. */
export function fakeTokens(server: FakeTidal): TokenProvider & { invalidations: number; current(): string } {
  let token = server.issueToken();
  const provider = {
    invalidations: 0,
    current: () => token,
    accessToken: async (signal: AbortSignal) => {
      signal.throwIfAborted();
      return token;
    },
    invalidate: async (stale: string) => {
      provider.invalidations++;
      if (stale === token) token = server.issueToken();
    },
  };
  return provider;
}

// ---------------------------------------------------------------------------------------------- libraries

const KEYS = ['C', 'CSharp', 'D', 'Eb', 'E', 'F', 'FSharp', 'G', 'Ab', 'A', 'Bb', 'B', 'UNKNOWN'];
const VERSIONS = [undefined, 'Extended Mix', undefined, 'Radio Edit', 'Dub'];

export interface LibrarySpec {
  playlists: number;
  /** Track entries over all playlists, spread evenly. */
  entries: number;
  uniqueTracks: number;
  /** Playlists owned by someone else and only favourited (taken from the end); the rest are the user's. */
  foreignFavorites?: number;
  /** Own playlists also in the collection (taken from the start). */
  ownFavorites?: number;
  /** A video entry after every this many track entries (none when absent). */
  videoEvery?: number;
}

/** A deterministic library: track ids are 9-digit strings, playlist ids UUID-shaped. */
export function buildLibrary(spec: LibrarySpec): FakeTidalData {
  const data = emptyData();
  const artists = Math.max(1, Math.ceil(spec.uniqueTracks / 5));
  const albums = Math.max(1, Math.ceil(spec.uniqueTracks / 4));
  for (let i = 0; i < artists; i++)
    data.artists.set(String(7000 + i), { id: String(7000 + i), name: `Artist ${i}` });
  for (let i = 0; i < albums; i++) {
    const id = String(500_000 + i);
    data.albums.set(id, {
      id,
      title: `Album ${i}`,
      releaseDate: `${1990 + (i % 35)}-0${1 + (i % 9)}-1${i % 10}`,
      copyright: `℗ ${1990 + (i % 35)} Label ${i % 7}`,
    });
  }
  for (let i = 0; i < spec.uniqueTracks; i++) {
    const id = String(100_000_000 + i);
    const version = VERSIONS[i % VERSIONS.length];
    const key = KEYS[i % KEYS.length]!;
    data.tracks.set(id, {
      id,
      title: `Track ${i}`,
      ...(version !== undefined ? { version } : {}),
      isrc: `NOA1R25${String(i).padStart(5, '0')}`,
      duration: `PT${3 + (i % 5)}M${i % 60}S`,
      explicit: i % 11 === 0,
      popularity: (i % 100) / 100,
      ...(i % 5 === 4 ? {} : { bpm: 118 + (i % 12) }),
      key,
      keyScale: key === 'UNKNOWN' ? 'UNKNOWN' : i % 2 === 0 ? 'MINOR' : 'MAJOR',
      artistIds:
        i % 4 === 0
          ? [String(7000 + (i % artists)), String(7000 + ((i + 1) % artists))]
          : [String(7000 + (i % artists))],
      albumId: String(500_000 + (i % albums)),
    });
  }
  const foreign = spec.foreignFavorites ?? 0;
  let k = 0;
  for (let p = 0; p < spec.playlists; p++) {
    const count = Math.floor(spec.entries / spec.playlists) + (p < spec.entries % spec.playlists ? 1 : 0);
    const entries: FakeEntry[] = [];
    for (let e = 0; e < count; e++, k++) {
      // The first uniqueTracks entries introduce every track once; later ones repeat earlier tracks.
      const t = k < spec.uniqueTracks ? k : (k * 7919) % spec.uniqueTracks;
      entries.push({
        type: 'tracks',
        id: String(100_000_000 + t),
        itemId: uuidOf(p, e),
        addedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, k)).toISOString(),
      });
      if (spec.videoEvery && (e + 1) % spec.videoEvery === 0) {
        entries.push({
          type: 'videos',
          id: String(900_000 + k),
          itemId: uuidOf(p, 100_000 + e),
          addedAt: '2025-02-01T00:00:00.000Z',
        });
      }
    }
    const isForeign = p >= spec.playlists - foreign;
    data.playlists.push({
      id: uuidOf(1_000_000 + p, 0),
      name: `Crate ${p}`,
      description: p % 3 === 0 ? `Crate number ${p}` : undefined,
      ownerId: isForeign ? '999' : data.user.id,
      createdAt: '2024-06-01T00:00:00.000Z',
      lastModifiedAt: new Date(Date.UTC(2025, 5, 1, 0, p)).toISOString(),
      entries,
    });
  }
  const ownFavorites = spec.ownFavorites ?? 0;
  data.favorites = [
    ...data.playlists.slice(spec.playlists - foreign).map((p) => p.id),
    ...data.playlists.slice(0, Math.min(ownFavorites, spec.playlists - foreign)).map((p) => p.id),
  ];
  return data;
}

function uuidOf(a: number, b: number): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
  return `${hex(a, 8)}-${hex(b >> 16, 4)}-4${hex(b, 3)}-8${hex(a + b, 3)}-${hex(a * 31 + b, 12)}`;
}
