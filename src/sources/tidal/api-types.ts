// The JSON:API documents cratesync reads from TIDAL, written by hand from the official spec
// (shared/reference/tidal-openapi.json, 1.10.104). Only the members we use are listed; everything the spec
// marks as required may still be missing, because TIDAL redacts fields a token may not read, so the mapping
// treats every attribute as optional. Enums are open upstream: the enum members below are the ones known
// today, widened with `string` so an unknown value still type-checks.

/** `Links`: `next` is a path relative to the API root WITHOUT its `/v2` prefix (see http.ts). */
export interface Links {
  self: string;
  next?: string;
  meta?: { nextCursor: string };
}

/** `Resource_Identifier`. */
export interface ResourceIdentifier {
  id: string;
  type: string;
}

/** `Multi_Relationship_Data_Document`: itself paginated through `links.next`. */
export interface RelationshipDocument {
  data?: ResourceIdentifier[];
  links?: Links;
}

export interface Copyright {
  text: string;
}

// ---------------------------------------------------------------------------------------------- users

/** `Users_Attributes`. */
export interface UserAttributes {
  country: string;
  username: string;
  developerAccessTier?: string;
}

/** `Users_Single_Resource_Data_Document`. */
export interface UserDocument {
  data: { id: string; type: 'users'; attributes?: UserAttributes };
  links: Links;
}

// ---------------------------------------------------------------------------------------------- playlists

/** `Playlists_Attributes`. */
export interface PlaylistAttributes {
  name: string;
  description?: string;
  accessType?: 'PUBLIC' | 'UNLISTED' | 'PRIVATE' | (string & {});
  playlistType?: 'EDITORIAL' | 'USER' | 'MIX' | 'ARTIST' | (string & {});
  createdAt?: string;
  lastModifiedAt?: string;
  numberOfItems?: number;
  numberOfTrackItems?: number;
  numberOfVideoItems?: number;
  duration?: string;
  bounded?: boolean;
  numberOfFollowers?: number;
}

/** `Playlists_Resource_Object`. */
export interface PlaylistResource {
  id: string;
  type: 'playlists';
  attributes?: PlaylistAttributes;
  relationships?: { owners?: RelationshipDocument; items?: RelationshipDocument };
}

/** `Playlists_Multi_Resource_Data_Document` (GET /playlists). */
export interface PlaylistsDocument {
  data: PlaylistResource[];
  included?: IncludedResource[];
  links: Links;
}

/** `Playlists_Items_Resource_Identifier`: one entry of a playlist; `itemId` identifies the entry itself. */
export interface PlaylistItemIdentifier {
  id: string;
  type: 'tracks' | 'videos' | (string & {});
  meta?: { itemId?: string; addedAt?: string; itemCursor?: string };
}

/** `Playlists_Items_Multi_Relationship_Data_Document` (GET /playlists/{id}/relationships/items). */
export interface PlaylistItemsDocument {
  data?: PlaylistItemIdentifier[];
  included?: IncludedResource[];
  links: Links;
}

/** `UserCollectionPlaylists_Items_Resource_Identifier`. */
export interface CollectionPlaylistIdentifier {
  id: string;
  type: 'playlists' | (string & {});
  meta?: { addedAt: string };
}

/** `UserCollectionPlaylists_Items_Multi_Relationship_Data_Document`; `include=items` fills `included`. */
export interface CollectionPlaylistsDocument {
  data?: CollectionPlaylistIdentifier[];
  included?: IncludedResource[];
  links: Links;
}

// ---------------------------------------------------------------------------------------------- catalogue

/** `Tracks_Attributes`. */
export interface TrackAttributes {
  title: string;
  version?: string;
  isrc?: string;
  duration?: string;
  explicit?: boolean;
  popularity?: number;
  bpm?: number;
  key?: TidalKey;
  keyScale?: TidalKeyScale;
  copyright?: Copyright;
  mediaTags?: string[];
  createdAt?: string;
}

export type TidalKey =
  | 'UNKNOWN'
  | 'C'
  | 'CSharp'
  | 'D'
  | 'Eb'
  | 'E'
  | 'F'
  | 'FSharp'
  | 'G'
  | 'Ab'
  | 'A'
  | 'Bb'
  | 'B'
  | (string & {});

export type TidalKeyScale =
  | 'UNKNOWN'
  | 'MAJOR'
  | 'MINOR'
  | 'AEOLIAN'
  | 'BLUES'
  | 'DORIAN'
  | 'HARMONIC_MINOR'
  | 'LOCRIAN'
  | 'LYDIAN'
  | 'MIXOLYDIAN'
  | 'PENTATONIC_MAJOR'
  | 'PHRYGIAN'
  | 'MELODIC_MINOR'
  | 'PENTATONIC_MINOR'
  | (string & {});

/** `Tracks_Resource_Object`. */
export interface TrackResource {
  id: string;
  type: 'tracks';
  attributes?: TrackAttributes;
  relationships?: { albums?: RelationshipDocument; artists?: RelationshipDocument };
}

/** `Tracks_Multi_Resource_Data_Document` (GET /tracks?filter[id]=…&include=artists,albums). */
export interface TracksDocument {
  data: TrackResource[];
  included?: IncludedResource[];
  links: Links;
}

/** `Albums_Attributes`. */
export interface AlbumAttributes {
  title: string;
  version?: string;
  releaseDate?: string;
  copyright?: Copyright;
}

export interface AlbumResource {
  id: string;
  type: 'albums';
  attributes?: AlbumAttributes;
}

/** `Artists_Attributes`. */
export interface ArtistAttributes {
  name: string;
  popularity?: number;
}

export interface ArtistResource {
  id: string;
  type: 'artists';
  attributes?: ArtistAttributes;
}

/** GET /albums?filter[id]=… and GET /artists?filter[id]=… (used only to fill gaps in `included`). */
export interface AlbumsDocument {
  data: AlbumResource[];
  links: Links;
}

export interface ArtistsDocument {
  data: ArtistResource[];
  links: Links;
}

/** `Included`: a discriminated union upstream; the members cratesync reads, plus anything else. */
export type IncludedResource =
  | PlaylistResource
  | TrackResource
  | AlbumResource
  | ArtistResource
  | { id: string; type: 'users' | 'videos' | 'artworks' | 'userProfiles'; attributes?: unknown };

// ---------------------------------------------------------------------------------------------- writes

/** Only these two may be set through the API: a PRIVATE playlist cannot be created or set. */
export type WritableAccessType = 'PUBLIC' | 'UNLISTED';

/** `PlaylistsCreateOperation_Payload` (POST /playlists). */
export interface PlaylistCreatePayload {
  data: {
    type: 'playlists';
    attributes: { name: string; description?: string; accessType?: WritableAccessType; createdAt?: string };
  };
}

/** `PlaylistsUpdateOperation_Payload` (PATCH /playlists/{id}): only the attributes sent change. */
export interface PlaylistUpdatePayload {
  data: {
    id: string;
    type: 'playlists';
    attributes: { name?: string; description?: string; accessType?: WritableAccessType };
  };
}

/** `Playlists_Create_Single_Resource_Data_Document` (201) and `Playlists_Update_…` (200). */
export interface PlaylistSingleDocument {
  data: PlaylistResource;
  links: Links;
}

/** One entry of an items write; `meta.itemId` is required on remove and reorder. */
export interface PlaylistItemWriteIdentifier {
  id: string;
  type: 'tracks' | 'videos';
  meta?: { itemId?: string; addedAt?: string };
}

/** `PlaylistsItemsRelationshipAddOperation_Payload`: 1–50 entries; without `meta` they are appended. */
export interface PlaylistItemsAddPayload {
  data: PlaylistItemWriteIdentifier[];
  meta?: { positionBefore: string };
}

/** `PlaylistsItemsRelationshipRemoveOperation_Payload`: 1–50 entries, each with `meta.itemId`. */
export interface PlaylistItemsRemovePayload {
  data: (PlaylistItemWriteIdentifier & { meta: { itemId: string } })[];
}

/** `PlaylistsItemsRelationshipUpdateOperation_Payload`: 1–20 entries moved before `positionBefore`. */
export interface PlaylistItemsMovePayload {
  data: (PlaylistItemWriteIdentifier & { meta: { itemId: string } })[];
  meta: { positionBefore: string };
}

/** `Playlists_Items_Add_Multi_Relationship_Data_Document`: the new entries, and the ids TIDAL skipped. */
export interface PlaylistItemsAddDocument {
  data: PlaylistItemIdentifier[];
  meta?: { skipped?: { id: string; type: string; reason?: string }[] };
  links: Links;
}

/** `Mutation_Response_Document` (DELETE /playlists/{id}, item removes and reorders). */
export interface MutationDocument {
  links: Links;
  meta?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------- errors

/** `Error_Object` of an `Errors_Document`. */
export interface ErrorObject {
  status?: string;
  code?: string;
  detail?: string;
  source?: { parameter?: string; pointer?: string; header?: string };
}

export interface ErrorsDocument {
  errors?: ErrorObject[];
}
