// Idempotency-Keys for push writes. A key is a SHA-256 (64 hex characters, under the API's 128) of the plan
// generation, the target (playlist id, or the child's name before the playlist exists), the step's index in
// the plan and the request's content. Same plan step → same key, so a retry or a rerun of an interrupted
// plan is replayed by TIDAL instead of applied twice. The step index keeps two identical batches of one plan
// (say, 50 copies of a track appended twice) from sharing a key and the second being swallowed as a replay.
// A new plan must use a new generation: a key reused with another payload is refused (422).

import { createHash } from 'node:crypto';

export interface KeyParts {
  /** Identifies one plan; the caller makes it (e.g. from the run id). */
  generation: string;
  /** The playlist id, or `child:<name>` for the create that has none yet. */
  target: string;
  /** The step's position in the plan. */
  step: number;
  /** What the request does (an Edit, or the attributes written). */
  content: unknown;
}

export function idempotencyKey(parts: KeyParts): string {
  const text = canonical([parts.generation, parts.target, parts.step, parts.content]);
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal content always hashes equally whatever built it. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
