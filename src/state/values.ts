// Reading SQL values back: sql.js gives null for an absent value, and numbers or strings otherwise.

import type { SqlValue } from 'sql.js';

/** A count or size; absent reads as 0. */
export const n = (v: SqlValue | undefined): number => Number(v ?? 0);

/** Text, or undefined when absent. */
export const s = (v: SqlValue | undefined): string | undefined =>
  v === null || v === undefined ? undefined : String(v);
