// Parse + schema check in one step: what every config file reader (library.yaml, catalogue files) does
// before its own checks.

import type { AnySchemaObject } from 'ajv';
import { type ParsedText, parseText, throwIfIssues } from './positions.ts';
import { schemaIssues } from './schema-issues.ts';

/** Throws ConfigError listing every syntax or schema problem with FILE:LINE:COL. */
export function parseValidated(text: string, file: string, schema: AnySchemaObject): ParsedText {
  const parsed = parseText(text, file);
  throwIfIssues(parsed, schemaIssues(schema, parsed));
  return parsed;
}
