// One field predicate → a Predicate. The same written forms work in a `where:` mapping and after `field:` in
// a query string: a plain string is a substring (text) or a value or range (everything else), `=text` is an
// exact match. The mapping form adds operators: contains, equals, regex, glob, in, compatible; a list is
// short for `in`. Which operators a field takes follows from its type in the registry.

import { describePath, type JsonPath } from '../paths.ts';
import type { PathIssue } from '../positions.ts';
import { FIELDS, type FieldDef, type FieldType } from './fields.ts';
import { compatibleKeys, parseKey } from './keys.ts';
import { fold, globSource, parseRegex } from './text.ts';
import type { Predicate, Test } from './types.ts';
import { isError, parseBool, parseRange } from './values.ts';

type Result = Predicate | { error: string };

const OPERATORS: Record<string, readonly FieldType[] | 'any'> = {
  contains: ['text'],
  equals: 'any',
  regex: ['text'],
  glob: ['text'],
  in: 'any',
  compatible: ['key'],
};

/** A value written as text (`118..122`, `=Title`, `8A`) for `field`. */
export function parseFieldText(field: FieldDef, text: string): Result {
  const t = text.trim();
  if (t === '') return { error: `no value for ${field.name}` };
  if (field.type === 'text') {
    return t.startsWith('=') ? leaf(field, { kind: 'equals', text: fold(t.slice(1)) }) : contains(field, t);
  }
  return scalar(field, t.startsWith('=') ? t.slice(1) : t);
}

/** The value of `field:` in a `where:` mapping, at `path`; problems go to `issues`. */
export function compileLeaf(
  field: FieldDef,
  value: unknown,
  path: JsonPath,
  issues: PathIssue[],
): Predicate | undefined {
  const report = (at: JsonPath, r: Result): Predicate | undefined => {
    if (!isError(r)) return r;
    issues.push({ path: at, message: `${describePath(at)}: ${r.error}` });
    return undefined;
  };
  if (Array.isArray(value)) return inList(field, value, path, report);
  if (value === null || typeof value !== 'object') return report(path, parseFieldText(field, String(value)));

  const parts: Predicate[] = [];
  let ok = true;
  for (const [op, arg] of Object.entries(value)) {
    const at = [...path, op];
    const allowed = OPERATORS[op];
    if (allowed !== 'any' && !allowed?.includes(field.type)) {
      ok = false;
      issues.push({ path: at, anchor: 'key', message: `${describePath(at)}: ${misplaced(op, field)}` });
      continue;
    }
    const part =
      op === 'in' ? inList(field, arg as unknown[], at, report) : report(at, operator(field, op, arg));
    if (part) parts.push(part);
    else ok = false;
  }
  if (!ok) return undefined;
  return parts.length === 1 ? parts[0] : { op: 'all', of: parts };
}

function operator(field: FieldDef, op: string, arg: unknown): Result {
  const text = String(arg);
  switch (op) {
    case 'contains':
      return contains(field, text);
    case 'equals':
      return field.type === 'text' ? leaf(field, { kind: 'equals', text: fold(text) }) : scalar(field, text);
    case 'regex': {
      const re = parseRegex(text);
      return isError(re)
        ? { error: `not a valid regular expression: ${re.error}` }
        : leaf(field, { kind: 'regex', ...re });
    }
    case 'glob': {
      const source = globSource(text);
      // A set such as [z-a] makes the pattern invalid.
      if (isError(parseRegex(source))) return { error: `not a valid glob: "${text}"` };
      return leaf(field, { kind: 'glob', glob: text, source });
    }
    case 'compatible': {
      const code = parseKey(text);
      if (code === undefined) return { error: notAKey(text) };
      return leaf(field, { kind: 'keys', codes: compatibleKeys(code) });
    }
  }
  return { error: `unknown operator "${op}"` };
}

function inList(
  field: FieldDef,
  values: unknown[],
  path: JsonPath,
  report: (at: JsonPath, r: Result) => Predicate | undefined,
): Predicate | undefined {
  // Membership is exact: `artist: [Moodymann, Theo Parrish]` means one of those artists, not a substring.
  const parts = values.map((v, i) =>
    report(
      [...path, i],
      field.type === 'text'
        ? leaf(field, { kind: 'equals', text: fold(String(v)) })
        : scalar(field, String(v)),
    ),
  );
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.length === 1 ? parts[0] : { op: 'any', of: parts as Predicate[] };
}

function scalar(field: FieldDef, text: string): Result {
  switch (field.type) {
    case 'text':
      return contains(field, text);
    case 'bool': {
      const value = parseBool(text);
      return value === undefined
        ? { error: `expected true or false, got "${text}"` }
        : leaf(field, { kind: 'bool', value });
    }
    case 'key': {
      const code = parseKey(text);
      return code === undefined ? { error: notAKey(text) } : leaf(field, { kind: 'keys', codes: [code] });
    }
    default: {
      const range = parseRange(field.type, text);
      return isError(range) ? range : leaf(field, range);
    }
  }
}

function contains(field: FieldDef, text: string): Result {
  if (text === '') return { error: `no text to look for in ${field.name}` };
  return leaf(field, { kind: 'contains', text: fold(text) });
}

function leaf(field: FieldDef, test: Test): Predicate {
  return { op: 'field', field: field.name, test };
}

function notAKey(text: string): string {
  return `"${text}" is not a key; write a Camelot code such as 8A, or a key such as Am, A minor or F#m`;
}

function misplaced(op: string, field: FieldDef): string {
  const allowed = OPERATORS[op];
  if (allowed === undefined) return `unknown operator "${op}" (known: ${Object.keys(OPERATORS).join(', ')})`;
  const fields = FIELDS.filter((f) => allowed === 'any' || allowed.includes(f.type)).map((f) => f.name);
  return `${op} applies to ${fields.join(', ')}, not to ${field.name}`;
}
