// How text is compared in filters. Plain, `=` and glob matches are case- and accent-insensitive in the sense
// of the naming rules: both sides are NFC-normalized and lower-cased (nameKey), so "Après" written with a
// combining accent matches "après". Regular expressions see the NFC text as it is, like beets' `::` queries:
// `(?i)` at the start asks for case-insensitivity, which JavaScript has no inline syntax for.

import { nameKey } from '../../reconcilers/files/names.ts';

export const fold = nameKey;

/** `(?i)^moodymann` → { source: '^moodymann', flags: 'iu' }, or the reason it is not a valid pattern. */
export function parseRegex(pattern: string): { source: string; flags: string } | { error: string } {
  const inline = /^\(\?([a-z]*)\)/.exec(pattern);
  let flags = 'u';
  if (inline) {
    for (const f of inline[1]!) {
      if (!'ims'.includes(f)) return { error: `unknown flag "${f}" in (?${inline[1]}); use i, m or s` };
      if (!flags.includes(f)) flags += f;
    }
  }
  const source = inline ? pattern.slice(inline[0].length) : pattern;
  try {
    new RegExp(source, flags);
  } catch (err) {
    // "Invalid regular expression: /(/u: Unterminated group" → "Unterminated group"
    const message = (err as Error).message;
    return { error: message.slice(message.lastIndexOf(': ') + 2) || message };
  }
  return { source, flags: [...flags].sort().join('') };
}

/**
 * A shell glob as an anchored regex source over folded text: `*` any run, `?` one character, `[abc]` and
 * `[!abc]` sets; everything else is literal.
 */
export function globSource(glob: string): string {
  let out = '^';
  const g = fold(glob);
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[' && g.indexOf(']', i + 2) !== -1) {
      const end = g.indexOf(']', i + 2);
      let set = g.slice(i + 1, end);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^' : ''}${set.replace(/[\\\]^[]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return `${out}$`;
}
