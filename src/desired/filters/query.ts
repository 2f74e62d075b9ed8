// Query strings in the syntax of beets (`beet ls`), over cratesync's fields: terms separated by spaces must
// all hold; a lone `,` separates alternatives (`artist:moodymann , artist:"theo parrish"`). A term is
// `field:value` (the value as leaf.ts reads it: `bpm:118..122`, `title:=Intro`), `field::regex`, or a bare
// word searched in title, artist and album. `^` or `-` before a term negates it (`^title:edit`). Quotes
// keep spaces inside a term; they may open anywhere in it, as in a shell.

import { BARE_WORD_FIELDS, fieldHint, fieldNamed, knownFields } from './fields.ts';
import { parseFieldText } from './leaf.ts';
import { fold, parseRegex } from './text.ts';
import type { Predicate } from './types.ts';
import { isError } from './values.ts';

export type QueryResult = { predicate: Predicate } | { errors: string[] };

export function parseQuery(query: string): QueryResult {
  const tokens = tokenize(query);
  if ('error' in tokens) return { errors: [tokens.error] };
  const groups: Predicate[][] = [[]];
  const errors: string[] = [];
  for (const token of tokens) {
    if (token.separator) {
      groups.push([]);
      continue;
    }
    const term = parseTerm(token.text);
    if (isError(term)) errors.push(term.error);
    else groups[groups.length - 1]!.push(term);
  }
  if (errors.length > 0) return { errors };
  if (groups.some((g) => g.length === 0)) {
    return { errors: [groups.length > 1 ? 'a "," needs a query on both sides' : 'the query is empty'] };
  }
  const alternatives = groups.map((g): Predicate => (g.length === 1 ? g[0]! : { op: 'all', of: g }));
  return { predicate: alternatives.length === 1 ? alternatives[0]! : { op: 'any', of: alternatives } };
}

function parseTerm(raw: string): Predicate | { error: string } {
  const negated = raw.startsWith('^') || raw.startsWith('-');
  const text = negated ? raw.slice(1) : raw;
  if (text === '') return { error: `"${raw}" negates nothing` };
  const positive = positiveTerm(text);
  if (isError(positive)) return positive;
  return negated ? { op: 'not', of: positive } : positive;
}

function positiveTerm(text: string): Predicate | { error: string } {
  // `bpm >= 126` reads as three bare words that match nothing useful; say how it is written instead.
  if (/^(?:[<>]=?|[=!]=)/.test(text)) {
    return { error: `"${text}": comparisons are written as ranges, such as bpm:126.. or year:..2019` };
  }
  const m = /^([A-Za-z]+):([\s\S]*)$/.exec(text);
  if (!m) {
    const word = fold(text);
    return {
      op: 'any',
      of: BARE_WORD_FIELDS.map((field) => ({ op: 'field', field, test: { kind: 'contains', text: word } })),
    };
  }
  const field = fieldNamed(m[1]!);
  if (!field)
    return { error: `unknown field "${m[1]}" in "${text}"${fieldHint(m[1]!)} (known: ${knownFields()})` };
  const value = m[2]!;
  if (value.startsWith(':')) {
    if (field.type !== 'text') return { error: `"${text}": a regular expression needs a text field` };
    const re = parseRegex(value.slice(1));
    if (isError(re)) return { error: `"${text}": not a valid regular expression: ${re.error}` };
    return { op: 'field', field: field.name, test: { kind: 'regex', ...re } };
  }
  const leaf = parseFieldText(field, value);
  return isError(leaf) ? { error: `"${text}": ${leaf.error}` } : leaf;
}

interface Token {
  text: string;
  separator: boolean;
}

function tokenize(query: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  let current = '';
  let started = false;
  let quoted = false;
  let quote: string | undefined;
  const flush = (): void => {
    if (started) tokens.push({ text: current, separator: current === ',' && !quoted });
    current = '';
    started = false;
    quoted = false;
  };
  for (const c of query) {
    if (quote) {
      if (c === quote) quote = undefined;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
      quoted = true;
    } else if (/\s/.test(c)) {
      flush();
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) return { error: `unclosed ${quote} in the query` };
  flush();
  return tokens;
}
