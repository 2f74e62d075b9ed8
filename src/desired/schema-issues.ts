// Checks parsed data against a JSON Schema and words every violation for a person: it names the place
// (`layout.links`), what was expected and what was found. Alternatives (oneOf/anyOf) are reduced to the
// branch the user most likely meant, so one mistake gives one message rather than one per branch.

import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { describePath, pointerToPath } from './paths.ts';
import type { ParsedText, PathIssue } from './positions.ts';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
formats.default(ajv, ['date', 'date-time', 'uri']);
// Read by VS Code and yaml-language-server too, so editors and the CLI show the same words.
ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });

const compiled = new WeakMap<object, ValidateFunction>();

export function schemaIssues(schema: AnySchemaObject, parsed: ParsedText): PathIssue[] {
  const validate = compiled.get(schema) ?? compile(schema);
  if (validate(parsed.data)) return [];
  const errors = dropConsequences(reduceAlternatives(validate.errors ?? [], schema));
  return errors.map((e) => describe(e, parsed));
}

function compile(schema: AnySchemaObject): ValidateFunction {
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  const validate = (id && ajv.getSchema(id)) || ajv.compile(schema);
  compiled.set(schema, validate);
  return validate;
}

// ---------------------------------------------------------------------------------------- alternatives

/**
 * For every failed oneOf/anyOf, keeps only the errors of the best-fitting branch: one whose type matches
 * the value, then one that knows most of the keys present, then the one with fewest errors. Equally good
 * branches are kept together and their type and required errors merged ("a string or a list").
 */
function reduceAlternatives(errors: ErrorObject[], root: AnySchemaObject): ErrorObject[] {
  let list = errors;
  const done = new Set<ErrorObject>();
  for (;;) {
    const alt = list
      .filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && !done.has(e))
      .sort((a, b) => depth(a) - depth(b) || a.schemaPath.length - b.schemaPath.length)[0];
    if (!alt) return list;
    done.add(alt);
    const branches = new Map<number, ErrorObject[]>();
    for (const e of list) {
      const branch = branchOf(e, alt);
      if (branch !== undefined) branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue; // more than one branch matched: the oneOf error itself is the news
    const kept = bestBranches(alt, branches, root);
    const keptErrors = new Set(kept.flatMap((b) => branches.get(b) ?? []));
    const merged = kept.length > 1 ? mergeBranches(kept.map((b) => branches.get(b) ?? [])) : undefined;
    list = list.filter((e) => e !== alt && (branchOf(e, alt) === undefined || keptErrors.has(e)));
    if (merged) list = [...list.filter((e) => !merged.replaced.has(e)), ...merged.added];
  }
}

function depth(e: ErrorObject): number {
  return e.instancePath.split('/').length;
}

function branchOf(e: ErrorObject, alt: ErrorObject): number | undefined {
  const prefix = `${alt.schemaPath}/`;
  if (e === alt || !e.schemaPath.startsWith(prefix)) return undefined;
  if (e.instancePath !== alt.instancePath && !e.instancePath.startsWith(`${alt.instancePath}/`))
    return undefined;
  return Number(e.schemaPath.slice(prefix.length).split('/')[0]);
}

function bestBranches(
  alt: ErrorObject,
  branches: Map<number, ErrorObject[]>,
  root: AnySchemaObject,
): number[] {
  const schemas = Array.isArray(alt.schema) ? (alt.schema as unknown[]) : [];
  const data = alt.data;
  const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
  const score = (branch: number, errors: ErrorObject[]): number[] => {
    const mismatch = errors.some((e) => e.keyword === 'type' && e.instancePath === alt.instancePath);
    const props = resolveRef(schemas[branch], root)?.properties ?? {};
    const known = keys.filter((k) => Object.hasOwn(props, k)).length;
    return [mismatch ? 1 : 0, -known, errors.length];
  };
  const scored = [...branches].map(([branch, errors]) => ({ branch, score: score(branch, errors) }));
  const best = scored.reduce((a, b) => (compareScores(b.score, a.score) < 0 ? b : a)).score;
  return scored.filter((s) => compareScores(s.score, best) === 0).map((s) => s.branch);
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function resolveRef(schema: unknown, root: AnySchemaObject): AnySchemaObject | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const ref = (schema as AnySchemaObject).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema as AnySchemaObject;
  let node: unknown = root;
  for (const seg of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[seg];
  return node as AnySchemaObject | undefined;
}

/** Equally likely branches: "expected a string or a list" instead of two type errors at one place. */
function mergeBranches(branches: ErrorObject[][]): { replaced: Set<ErrorObject>; added: ErrorObject[] } {
  const replaced = new Set<ErrorObject>();
  const added: ErrorObject[] = [];
  for (const keyword of ['type', 'required'] as const) {
    const byPath = new Map<string, ErrorObject[]>();
    for (const errors of branches) {
      const own = errors.filter((e) => e.keyword === keyword);
      // Two required keys missing from one branch are both needed, not alternatives: leave those alone.
      if (keyword === 'required' && new Set(own.map((e) => e.instancePath)).size !== own.length) continue;
      for (const e of own) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
    }
    for (const group of byPath.values()) {
      if (group.length < 2) continue;
      for (const e of group) replaced.add(e);
      const param = keyword === 'type' ? 'type' : 'missingProperty';
      const values = [...new Set(group.flatMap((e) => listParam(e.params[param])))];
      added.push({ ...(group[0] as ErrorObject), params: { [param]: values } });
    }
  }
  return { replaced, added };
}

/** A value of the wrong type fails the other keywords at the same place too; only the type error matters. */
function dropConsequences(errors: ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.filter(
    (e) => e.propertyName === undefined && (e.keyword === 'type' || !typed.has(e.instancePath)),
  );
}

// ---------------------------------------------------------------------------------------------- wording

function describe(e: ErrorObject, parsed: ParsedText): PathIssue {
  const path = pointerToPath(e.instancePath, parsed.data);
  const name = describePath(path);
  // `layout.links: expected …, got …`; at the root: `expected … at the top level, got …`.
  const here = (expected: string, found = ''): PathIssue => ({
    path,
    message: name ? `${name}: ${expected}${found}` : `${expected} at the top level${found}`,
  });
  const inPlace = name ? `in ${name}` : 'at the top level';
  const p = e.params as Record<string, unknown>;
  const got = literal(e.data);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const list = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
      return { path: [...path, key], anchor: 'key', message: `unknown key "${key}" ${inPlace}${list}` };
    }
    case 'required': {
      const keys = listParam(p.missingProperty).map((k) => `"${k}"`);
      return { path, message: `missing required key ${keys.join(' or ')} ${inPlace}` };
    }
    case 'propertyNames':
      return {
        path: [...path, String(p.propertyName)],
        anchor: 'key',
        message: `invalid key "${p.propertyName}" ${inPlace}`,
      };
    case 'type':
      return here(
        `expected ${listParam(p.type).map(typeName).join(' or ')}`,
        `, got ${kind(e.data)}${typeHint(p.type, e.data, parsed.sourceText(path))}`,
      );
    case 'enum':
      return here(`expected one of ${(p.allowedValues as unknown[]).map(plain).join(', ')}`, `, got ${got}`);
    case 'const':
      return here(`expected ${plain(p.allowedValue)}`, `, got ${got}`);
    case 'minimum':
      return here(`expected at least ${p.limit}`, `, got ${got}`);
    case 'maximum':
      return here(`expected at most ${p.limit}`, `, got ${got}`);
    case 'exclusiveMinimum':
      return here(`expected more than ${p.limit}`, `, got ${got}`);
    case 'exclusiveMaximum':
      return here(`expected less than ${p.limit}`, `, got ${got}`);
    case 'minLength':
      return here(
        p.limit === 1 ? 'expected a non-empty string' : `expected at least ${p.limit} characters, got ${got}`,
      );
    case 'maxLength':
      return here(`expected at most ${p.limit} characters, got ${got}`);
    case 'minItems':
      return here(`expected at least ${p.limit} item${p.limit === 1 ? '' : 's'}, got ${count(e.data)}`);
    case 'maxItems':
      return here(`expected at most ${p.limit} items, got ${count(e.data)}`);
    case 'pattern': {
      const custom = e.parentSchema?.patternErrorMessage;
      return here(
        `${typeof custom === 'string' ? custom : `expected text matching /${p.pattern}/`}, got ${got}`,
      );
    }
    case 'format':
      return here(`expected ${FORMATS[String(p.format)] ?? `a ${p.format}`}`, `, got ${got}`);
    case 'uniqueItems': {
      const later = Math.max(Number(p.i), Number(p.j));
      return {
        path: [...path, later],
        message: `${name}[${later}]: repeats item ${Math.min(Number(p.i), Number(p.j))}`,
      };
    }
    case 'oneOf':
      return here('matches more than one of the allowed forms; remove the keys of all but one');
    default:
      return here(e.message ?? `fails "${e.keyword}"`);
  }
}

const FORMATS: Record<string, string> = {
  'date-time': 'a date and time such as 2026-01-02T10:00:00Z',
  date: 'a date such as 2021-05-01',
  uri: 'a URL such as https://example.com/api',
};

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

function listParam(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',');
}

/** The kind of a value, with the value when it is short: `a number (5)`. */
function kind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${literal(value)})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return `a number (${value})`;
}

/** The mistakes YAML makes easy: an id that looks like a number, and YAML 1.1's yes/no. */
function typeHint(expected: unknown, value: unknown, source: string | undefined): string {
  const types = listParam(expected);
  if (types.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    return `; put it in quotes: "${source ?? String(value)}"`;
  }
  if (types.includes('boolean') && typeof value === 'string' && /^(y|yes|n|no|on|off)$/i.test(value)) {
    return '; YAML 1.2 reads this as text, write true or false';
  }
  return '';
}

function literal(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Allowed values as a person would type them: symlink, hardlink, copy. */
function plain(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function count(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}
