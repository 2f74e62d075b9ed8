// A compiled Predicate → a function of one track. Regular expressions are built and relative dates resolved
// once per evaluation, with the `now` the caller passes in, so matching itself reads no clock. A field
// without a value fails every test; only `not` turns that round.

import { FIELDS, type FieldValue, type TrackContext } from './fields.ts';
import { fold } from './text.ts';
import type { Predicate, Test } from './types.ts';
import { boundValue } from './values.ts';

export type Matcher = (ctx: TrackContext) => boolean;

const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));

export function toMatcher(p: Predicate, now: number): Matcher {
  switch (p.op) {
    case 'all': {
      const parts = p.of.map((q) => toMatcher(q, now));
      return (ctx) => parts.every((m) => m(ctx));
    }
    case 'any': {
      const parts = p.of.map((q) => toMatcher(q, now));
      return (ctx) => parts.some((m) => m(ctx));
    }
    case 'not': {
      const inner = toMatcher(p.of, now);
      return (ctx) => !inner(ctx);
    }
    case 'field': {
      const field = FIELD_BY_NAME.get(p.field)!;
      const test = toValueTest(p.test, now);
      return (ctx) => field.values(ctx).some(test);
    }
  }
}

function toValueTest(test: Test, now: number): (value: FieldValue) => boolean {
  switch (test.kind) {
    case 'contains':
      return (v) => typeof v === 'string' && fold(v).includes(test.text);
    case 'equals':
      return (v) => typeof v === 'string' && fold(v) === test.text;
    case 'regex': {
      const re = new RegExp(test.source, test.flags);
      return (v) => typeof v === 'string' && re.test(v.normalize('NFC'));
    }
    case 'glob': {
      const re = new RegExp(test.source, 'su');
      return (v) => typeof v === 'string' && re.test(fold(v));
    }
    case 'range': {
      const min = test.min === undefined ? -Infinity : boundValue(test.min, now);
      const max = test.max === undefined ? Infinity : boundValue(test.max, now);
      return (v) => typeof v === 'number' && v >= min && v <= max;
    }
    case 'bool':
      return (v) => v === test.value;
    case 'keys': {
      const codes = new Set(test.codes);
      return (v) => typeof v === 'string' && codes.has(v);
    }
  }
}
