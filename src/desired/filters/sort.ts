// `sort: [bpm+, addedAt-]`. Text compares folded and by code point, never by locale, so the order is the
// same on every machine. A track without the value goes last in either direction (a missing BPM is no
// slower than every other). Ties keep the order of the `from` union, then the track id: the result is a
// total order and never depends on the sort algorithm.

import { describePath, type JsonPath } from '../paths.ts';
import type { PathIssue } from '../positions.ts';
import { FIELDS, fieldHint, fieldNamed, knownFields, type TrackContext } from './fields.ts';
import { fold } from './text.ts';
import type { FieldName, SortKey } from './types.ts';

export function parseSort(entries: readonly string[], path: JsonPath, issues: PathIssue[]): SortKey[] {
  const keys: SortKey[] = [];
  entries.forEach((entry, i) => {
    // The schema has checked the shape (`name`, `name+`, `name-`).
    const m = /^([A-Za-z]+)([+-]?)$/.exec(entry);
    const field = m ? fieldNamed(m[1]!) : undefined;
    if (!field) {
      const at = [...path, i];
      issues.push({
        path: at,
        message: `${describePath(at)}: unknown field "${m?.[1] ?? entry}"${fieldHint(m?.[1] ?? entry)} (known: ${knownFields()})`,
      });
      return;
    }
    keys.push({ field: field.name, descending: m![2] === '-' });
  });
  return keys;
}

export interface Sortable {
  ctx: TrackContext;
  /** Position in the `from` union. */
  order: number;
}

type SortValue = string | number | undefined;

export function sortItems<T extends Sortable>(items: readonly T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return [...items];
  const readers = keys.map((k) => sortReader(k.field));
  const decorated = items.map((item) => ({ item, values: readers.map((read) => read(item.ctx)) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareValues(a.values[k], b.values[k], keys[k]!.descending);
      if (c !== 0) return c;
    }
    return a.item.order - b.item.order || compareValues(a.item.ctx.id, b.item.ctx.id, false);
  });
  return decorated.map((d) => d.item);
}

function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -c : c;
}

const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));

function sortReader(name: FieldName): (ctx: TrackContext) => SortValue {
  const field = FIELD_BY_NAME.get(name)!;
  if (field.sortValue) return field.sortValue;
  return (ctx) => {
    const v = field.values(ctx)[0];
    if (v === undefined) return undefined;
    if (typeof v === 'string') return fold(v);
    return typeof v === 'boolean' ? Number(v) : v;
  };
}
