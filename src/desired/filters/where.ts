// A `where:` tree → one Predicate. A node is a query string, or a mapping whose entries must all hold: the
// combinators `all: [...]`, `any: [...]`, `not: node`, and field predicates (`bpm: 118..122`). Every
// problem is reported with the path of the node, so it lands on its line and column in library.yaml.

import { describePath, type JsonPath } from '../paths.ts';
import type { PathIssue } from '../positions.ts';
import { fieldHint, fieldNamed, knownFields } from './fields.ts';
import { compileLeaf } from './leaf.ts';
import { parseQuery } from './query.ts';
import type { Predicate } from './types.ts';

export function compileWhere(node: unknown, path: JsonPath, issues: PathIssue[]): Predicate | undefined {
  if (typeof node === 'string') {
    const query = parseQuery(node);
    if ('predicate' in query) return query.predicate;
    for (const error of query.errors) issues.push({ path, message: `${describePath(path)}: ${error}` });
    return undefined;
  }
  // The schema admits only strings and mappings here.
  const parts: (Predicate | undefined)[] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const at = [...path, key];
    if (key === 'all' || key === 'any') {
      const items = (value as unknown[]).map((item, i) => compileWhere(item, [...at, i], issues));
      parts.push(items.includes(undefined) ? undefined : group(key, items as Predicate[]));
    } else if (key === 'not') {
      const inner = compileWhere(value, at, issues);
      parts.push(inner && { op: 'not', of: inner });
    } else {
      const field = fieldNamed(key);
      if (field) parts.push(compileLeaf(field, value, at, issues));
      else {
        parts.push(undefined);
        issues.push({
          path: at,
          anchor: 'key',
          message: `unknown field "${key}" in ${describePath(path)}${fieldHint(key)} (known: ${knownFields()}; or all, any, not)`,
        });
      }
    }
  }
  if (parts.includes(undefined)) return undefined;
  return group('all', parts as Predicate[]);
}

function group(op: 'all' | 'any', parts: Predicate[]): Predicate {
  return parts.length === 1 ? parts[0]! : { op, of: parts };
}

/** True when the predicate counts from `now` (`addedAt: -30d..`). */
export function usesNow(p: Predicate): boolean {
  switch (p.op) {
    case 'all':
    case 'any':
      return p.of.some(usesNow);
    case 'not':
      return usesNow(p.of);
    case 'field':
      return p.test.kind === 'range' && [p.test.min, p.test.max].some((b) => b !== undefined && 'ago' in b);
  }
}
