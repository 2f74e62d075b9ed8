// The vocabulary of `cratesync adopt`: what a scan found in a file, what the matcher concluded about it,
// and what adoption did. Paths are root-relative with '/' separators, as everywhere else.

/** What the tags (and the audio stream) of one file say; the part of it the matcher uses. */
export interface FileMeta {
  title?: string;
  artists: string[];
  album?: string;
  /** Version or mix name from a tag of its own (TIT3, VERSION), when the file has one. */
  version?: string;
  isrc?: string;
  /** Source track ids named by the tags (a TIDAL URL, a SOURCE_ID or TIDAL_ID tag). */
  ids: string[];
  durationSeconds?: number;
  /** Bits per second, as music-metadata reports it. */
  bitrate?: number;
  lossless: boolean;
  /** `FLAC`, `MPEG 1 Layer 3`, `MPEG-4/AAC`, ... */
  codec?: string;
  /** Set when the file could not be read as audio; such a file is never adopted. */
  error?: string;
}

/** One audio file found under the root. */
export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  nlink: number;
  meta: FileMeta;
  /** A file the state DB owns already (the real file of a track), scanned to compare quality. */
  owned?: boolean;
}

/** How a file was tied to a track, strongest first. */
export type Evidence =
  | 'pin'
  | 'id-tag'
  | 'id-name'
  | 'isrc'
  | 'tags'
  | 'name'
  /** Byte-identical to a file matched by other evidence. */
  | 'identical';

export const EVIDENCE_ORDER: readonly Evidence[] = [
  'pin',
  'id-tag',
  'id-name',
  'isrc',
  'tags',
  'name',
  'identical',
];

export interface Candidate {
  trackId: string;
  evidence: Evidence;
  /** 0..1: how well the file agrees with the track at this evidence level. */
  score: number;
  /** What agreed or disagreed, for the report. */
  why: string;
}

export type MatchResult =
  | { kind: 'matched'; trackId: string; evidence: Evidence; score: number; why: string }
  | { kind: 'ambiguous'; evidence: Evidence; candidates: Candidate[] }
  | { kind: 'orphan'; reason: string };

/** A summary line of one track of the catalogue, for the report. */
export interface TrackLabel {
  trackId: string;
  label: string;
}
