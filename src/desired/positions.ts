// Parses config text (YAML, and so JSON) while keeping where every value came from, so that each problem
// is reported as FILE:LINE:COL pointing at the offending key or value. Lines and columns are 1-based.

import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { ConfigError, type ConfigIssue, formatIssue } from '../errors.ts';
import { findDuplicateKeys, findJsonPath } from './json-text.ts';
import { describePath, type JsonPath } from './paths.ts';

/** 'key': the mapping key that names the value (say, an unknown key); 'value': the value itself. */
export type Anchor = 'key' | 'value';

/** A problem found in the parsed data, before it has a line and column. */
export interface PathIssue {
  path: JsonPath;
  message: string;
  anchor?: Anchor;
}

export interface Position {
  line: number;
  col: number;
}

export interface ParsedText {
  /** The file name used in issues. */
  readonly file: string;
  readonly data: unknown;
  /** Where the value at `path` starts; the nearest existing parent when the path does not exist. */
  locate(path: JsonPath, anchor?: Anchor): Position;
  /** The text of a scalar as written, e.g. `0123` for what YAML read as the number 123. */
  sourceText(path: JsonPath): string | undefined;
}

/** At most this many syntax errors are shown: after the first one, parsers mostly report its echoes. */
const MAX_SYNTAX_ISSUES = 5;

/** Parses YAML or JSON text. Throws ConfigError when the text is not well-formed. */
export function parseText(text: string, file: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*[{[]/.test(body)) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (jsonError) {
      // Not strict JSON. YAML accepts a little more (comments, trailing commas); when it too refuses the
      // text, JSON.parse usually says more plainly what is wrong.
      try {
        return parseYaml(body, file);
      } catch (yamlError) {
        throw jsonSyntaxError(body, file, (jsonError as Error).message) ?? yamlError;
      }
    }
    return jsonText(body, file, data);
  }
  return parseYaml(body, file);
}

/** Gives every issue its line and column, drops repeats, and orders them as they appear in the file. */
export function locateIssues(parsed: ParsedText, issues: readonly PathIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const pos = parsed.locate(issue.path, issue.anchor ?? 'value');
    const key = `${pos.line}:${pos.col}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: parsed.file, line: pos.line, col: pos.col, message: issue.message });
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

export function configError(issues: ConfigIssue[]): ConfigError {
  return new ConfigError(issues.map(formatIssue).join('\n'), issues);
}

export function throwIfIssues(parsed: ParsedText, issues: readonly PathIssue[]): void {
  if (issues.length > 0) throw configError(locateIssues(parsed, issues));
}

// ------------------------------------------------------------------------------------------------ YAML

function parseYaml(text: string, file: string): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: Math.max(1, pos.line), col: Math.max(1, pos.col) };
  };
  if (doc.errors.length > 0) {
    const issues = doc.errors.slice(0, MAX_SYNTAX_ISSUES).map((err) => {
      const message =
        err.code === 'DUPLICATE_KEY'
          ? `duplicate key "${keyAt(doc, err.pos[0])}"`
          : `syntax error: ${err.message}`;
      return { file, ...at(err.pos[0]), message };
    });
    throw configError(issues);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    throw configError([{ file, line: 1, col: 1, message: (err as Error).message }]);
  }

  const find = (path: JsonPath): YamlSpot => {
    let node: unknown = doc.contents;
    let key: unknown;
    let parent: unknown;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) return { node, key, found: false };
        parent = node;
        key = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        parent = node;
        key = undefined;
        node = node.items[seg];
      } else {
        return { node, key, found: false };
      }
    }
    return { node, key, parent, found: true };
  };

  return {
    file,
    data,
    locate(path, anchor = 'value') {
      const spot = find(path);
      const order = anchor === 'key' && spot.found ? [spot.key, spot.node] : [spot.node, spot.key];
      for (const n of [...order, spot.parent]) {
        const start = startOf(n);
        if (start !== undefined) return at(start);
      }
      return { line: 1, col: 1 };
    },
    sourceText(path) {
      const spot = find(path);
      if (!spot.found || !isScalar(spot.node) || !spot.node.range) return undefined;
      return text.slice(spot.node.range[0], spot.node.range[1]);
    },
  };
}

interface YamlSpot {
  node: unknown;
  key: unknown;
  parent?: unknown;
  found: boolean;
}

/** The key that starts at `offset` (the yaml parser reports duplicate keys by position only). */
function keyAt(doc: Document, offset: number): string {
  let name = '?';
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        name = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return name;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Start offset of a node that has text; an empty value (`root:` and nothing) has none. */
function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range && range[1] > range[0] ? range[0] : undefined;
}

// ------------------------------------------------------------------------------------------------ JSON

function jsonText(text: string, file: string, data: unknown): ParsedText {
  let lineStarts: number[] | undefined;
  const at = (offset: number): Position => {
    lineStarts ??= computeLineStarts(text);
    return positionIn(lineStarts, offset);
  };

  const duplicates = findDuplicateKeys(text);
  if (duplicates.length > 0) {
    throw configError(
      duplicates.map((d) => {
        const parent = describePath(d.path.slice(0, -1));
        const name = String(d.path[d.path.length - 1]);
        return {
          file,
          ...at(d.keyAt),
          message: `duplicate key "${name}"${parent ? ` in ${parent}` : ''}`,
        };
      }),
    );
  }

  return {
    file,
    data,
    locate(path, anchor = 'value') {
      const spot = findJsonPath(text, path);
      return at(anchor === 'key' && spot.found && spot.keyAt !== undefined ? spot.keyAt : spot.valueAt);
    },
    sourceText(path) {
      const spot = findJsonPath(text, path);
      return spot.found ? text.slice(spot.valueAt, spot.valueEnd) : undefined;
    },
  };
}

/** "Expected ',' or '}' after property value in JSON at position 36" → an issue at that place. */
function jsonSyntaxError(text: string, file: string, message: string): ConfigError | undefined {
  const match = /^(.*) in JSON at position (\d+)/.exec(message);
  if (!match) return undefined;
  const pos = positionIn(computeLineStarts(text), Number(match[2]));
  return configError([{ file, ...pos, message: `syntax error: ${match[1]}` }]);
}

function positionIn(lineStarts: number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (lineStarts[lo] as number) + 1 };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
