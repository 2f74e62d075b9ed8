// Written values of ordered fields, and ranges of them. A value stands for a span: a number for itself, a
// date for its whole year, month or day, so `releaseDate: 2021` matches any day of 2021 and `2020..2021`
// runs to the last moment of 2021. Ranges are inclusive, either end may be left open (`118..`, `..122`).
// Dates without a zone are UTC, so a filter means the same on every machine.

import type { Bound, RelativeTime, Test } from './types.ts';

export type OrderedType = 'number' | 'year' | 'duration' | 'date';

interface Span {
  min: Bound;
  max: Bound;
}

type Parsed<T> = T | { error: string };

export function isError<T>(value: Parsed<T>): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const YEAR = /^\d{1,4}$/;
const CLOCK = /^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$/;
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^([+-])(\d+)([hdwmy])$/;

const VALUES: Record<OrderedType, string> = {
  number: 'a number such as 120',
  year: 'a year such as 2020',
  duration: 'a duration such as 5:30 (or seconds, 330)',
  date: 'a date such as 2021-05-01, 2021-05 or 2021, or a relative date such as -30d',
};

const RANGES: Record<OrderedType, string> = {
  number: '118..122',
  year: '2015..2020',
  duration: '4:00..6:30',
  date: '-30d..',
};

/** `118..122`, `2020..`, `..5:30`, `-30d..`, or one value; a range test or the reason it is not one. */
export function parseRange(type: OrderedType, text: string): Parsed<Test & { kind: 'range' }> {
  const t = text.trim();
  const dots = t.indexOf('..');
  if (dots === -1) {
    const span = parseSpan(type, t);
    if (isError(span)) return { error: `${span.error} or a range such as ${RANGES[type]}` };
    if ('ago' in span.min) return { error: `"${t}": a relative date needs a range, such as ${t}..` };
    return { kind: 'range', min: span.min, max: span.max };
  }
  const bad = (why: string) => ({ error: `bad range "${t}": ${why}` });
  const lowText = t.slice(0, dots).trim();
  const highText = t.slice(dots + 2).trim();
  if (lowText === '' && highText === '') return bad(`give at least one end, such as ${RANGES[type]}`);
  const low = lowText === '' ? undefined : parseSpan(type, lowText);
  const high = highText === '' ? undefined : parseSpan(type, highText);
  if (low && isError(low)) return bad(low.error);
  if (high && isError(high)) return bad(high.error);
  const test: Test & { kind: 'range' } = { kind: 'range' };
  if (low) test.min = low.min;
  if (high) test.max = high.max;
  if (test.min && test.max && boundValue(test.min, REFERENCE) > boundValue(test.max, REFERENCE)) {
    return bad('the lower end is above the upper end');
  }
  return test;
}

// Only for telling whether a range with two relative ends is upside down.
const REFERENCE = Date.UTC(2000, 0, 1);

function parseSpan(type: OrderedType, text: string): Parsed<Span> {
  const value = (n: number): Span => ({ min: { at: n }, max: { at: n } });
  const bad = { error: `"${text}" is not ${VALUES[type]}` };
  switch (type) {
    case 'number':
      return NUMBER.test(text) ? value(Number(text)) : bad;
    case 'year':
      return YEAR.test(text) ? value(Number(text)) : bad;
    case 'duration': {
      const seconds = parseDuration(text);
      return seconds === undefined ? bad : value(seconds);
    }
    case 'date': {
      const rel = RELATIVE.exec(text);
      if (rel) {
        const ago: RelativeTime = {
          amount: Number(rel[2]) * (rel[1] === '-' ? -1 : 1),
          unit: rel[3] as RelativeTime['unit'],
        };
        return { min: { ago }, max: { ago } };
      }
      const span = dateSpan(text);
      return span ? { min: { at: span[0] }, max: { at: span[1] } } : bad;
    }
  }
}

/** `5:30` → 330, `1:02:03` → 3723, `330` → 330. */
export function parseDuration(text: string): number | undefined {
  if (NUMBER.test(text) && !text.startsWith('-')) return Number(text);
  const m = CLOCK.exec(text);
  if (!m) return undefined;
  const [hours, minutes, seconds] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  if (seconds >= 60 || (m[1] !== undefined && minutes >= 60)) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

/** First and last millisecond of a year, month, day or instant; undefined when the text is no date. */
export function dateSpan(text: string): [number, number] | undefined {
  const t = text.trim();
  if (DATE_TIME.test(t)) {
    // Without a zone Date.parse would use the machine's own; UTC keeps the meaning fixed.
    const ms = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t}Z`);
    return Number.isNaN(ms) ? undefined : [ms, ms];
  }
  const m = DATE.exec(t);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? undefined : Number(m[2]) - 1;
  const day = m[3] === undefined ? undefined : Number(m[3]);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (month === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1) - 1];
  if (day === undefined) return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1) - 1];
  const start = Date.UTC(year, month, day);
  // Date.UTC rolls 2021-02-30 over into March; such a date does not exist.
  if (day < 1 || new Date(start).getUTCMonth() !== month) return undefined;
  return [start, start + 86_400_000 - 1];
}

/** A date field's value as one instant: the start of its day, month or year. */
export function dateValue(text: string | undefined): number | undefined {
  return text === undefined ? undefined : dateSpan(text)?.[0];
}

export function boundValue(bound: Bound, now: number): number {
  if ('at' in bound) return bound.at;
  const { amount, unit } = bound.ago;
  switch (unit) {
    case 'h':
      return now + amount * 3_600_000;
    case 'd':
      return now + amount * 86_400_000;
    case 'w':
      return now + amount * 7 * 86_400_000;
    case 'm': {
      const d = new Date(now);
      d.setUTCMonth(d.getUTCMonth() + amount);
      return d.getTime();
    }
    case 'y': {
      const d = new Date(now);
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      return d.getTime();
    }
  }
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const t = String(value).trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}
