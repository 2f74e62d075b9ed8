// Positions inside JSON text without building a syntax tree. A catalogue can be tens of megabytes: the yaml
// parser needs about 0.6 s per MB (and >100 s for 40 MB) where JSON.parse needs milliseconds, so JSON text is
// parsed natively and this scanner finds a position only when an issue needs one. It also finds duplicate
// keys, which JSON.parse silently resolves to the last one. The text is known to be valid JSON.

import type { JsonPath } from './paths.ts';

export interface JsonSpot {
  /** Offset of the key naming the value, when the value sits in an object. */
  keyAt?: number;
  /** Offset of the value, or of the deepest container found when the path does not exist. */
  valueAt: number;
  valueEnd: number;
  found: boolean;
}

export function findJsonPath(text: string, path: JsonPath): JsonSpot {
  let at = skipSpace(text, 0);
  let keyAt: number | undefined;
  for (const seg of path) {
    const next = text[at] === '{' ? findMember(text, at, String(seg)) : findElement(text, at, seg);
    if (next === undefined) return { keyAt, valueAt: at, valueEnd: valueEnd(text, at), found: false };
    keyAt = next.keyAt;
    at = next.valueAt;
  }
  return { keyAt, valueAt: at, valueEnd: valueEnd(text, at), found: true };
}

export interface DuplicateKey {
  path: (string | number)[];
  keyAt: number;
}

export function findDuplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  walk(text, skipSpace(text, 0), [], out);
  return out;
}

function findMember(text: string, open: number, key: string): { keyAt: number; valueAt: number } | undefined {
  let at = skipSpace(text, open + 1);
  while (text[at] === '"') {
    const [name, end] = readString(text, at);
    const valueAt = skipSpace(text, skipSpace(text, end) + 1);
    if (name === key) return { keyAt: at, valueAt };
    at = afterValue(text, valueAt);
  }
  return undefined;
}

function findElement(
  text: string,
  open: number,
  seg: string | number,
): { keyAt?: number; valueAt: number } | undefined {
  if (text[open] !== '[') return undefined;
  const wanted = Number(seg);
  let at = skipSpace(text, open + 1);
  for (let i = 0; text[at] !== ']' && at < text.length; i++) {
    if (i === wanted) return { valueAt: at };
    at = afterValue(text, at);
  }
  return undefined;
}

function walk(text: string, at: number, path: (string | number)[], out: DuplicateKey[]): number {
  const c = text[at];
  if (c === '{') {
    const seen = new Set<string>();
    at = skipSpace(text, at + 1);
    while (text[at] === '"') {
      const [name, end] = readString(text, at);
      if (seen.has(name)) out.push({ path: [...path, name], keyAt: at });
      seen.add(name);
      path.push(name);
      at = walk(text, skipSpace(text, skipSpace(text, end) + 1), path, out);
      path.pop();
      at = skipComma(text, at);
    }
    return at + 1;
  }
  if (c === '[') {
    at = skipSpace(text, at + 1);
    for (let i = 0; text[at] !== ']' && at < text.length; i++) {
      path.push(i);
      at = skipComma(text, walk(text, at, path, out));
      path.pop();
    }
    return at + 1;
  }
  return valueEnd(text, at);
}

/** Index of the next member or element after the value at `at` (past its comma), or of the closing bracket. */
function afterValue(text: string, at: number): number {
  return skipComma(text, valueEnd(text, at));
}

function skipComma(text: string, at: number): number {
  at = skipSpace(text, at);
  return text[at] === ',' ? skipSpace(text, at + 1) : at;
}

function valueEnd(text: string, at: number): number {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (at < text.length) {
      const ch = text.charCodeAt(at);
      if (ch === 34) {
        at = stringEnd(text, at);
        continue;
      }
      if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return at + 1;
      }
      at++;
    }
    return at;
  }
  while (at < text.length && !',]} \t\r\n'.includes(text[at] as string)) at++;
  return at;
}

function readString(text: string, at: number): [string, number] {
  const end = stringEnd(text, at);
  const raw = text.slice(at + 1, end - 1);
  return [raw.includes('\\') ? (JSON.parse(text.slice(at, end)) as string) : raw, end];
}

function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) return i + 1;
    if (ch === 92) i++;
  }
  return text.length;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length) {
    const ch = text.charCodeAt(at);
    if (ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9) break;
    at++;
  }
  return at;
}
