// How children refer to each other. A name in from/except/intersect means a child when a child has that
// name (compared as names are: NFC + lower case), else a base playlist. Children that take from each other
// in a circle have no meaning, so a cycle is a config error, reported at the entry that closes it.

import { describePath } from '../paths.ts';
import type { PathIssue } from '../positions.ts';
import { fold } from './text.ts';
import type { RawChild } from './types.ts';

export const REF_LISTS = ['from', 'except', 'intersect'] as const;
export type RefList = (typeof REF_LISTS)[number];

/** Folded child name → index of the first child with that name. */
export function childIndex(children: readonly { name: string }[]): Map<string, number> {
  const index = new Map<string, number>();
  children.forEach((c, i) => {
    if (!index.has(fold(c.name))) index.set(fold(c.name), i);
  });
  return index;
}

export function duplicateNameIssues(children: readonly RawChild[]): PathIssue[] {
  const index = childIndex(children);
  const issues: PathIssue[] = [];
  children.forEach((c, i) => {
    const first = index.get(fold(c.name))!;
    if (first === i) return;
    const path = ['children', i, 'name'];
    issues.push({
      path,
      message: `${describePath(path)}: "${c.name}" is already the name of children[${first}]`,
    });
  });
  return issues;
}

export function cycleIssues(children: readonly RawChild[]): PathIssue[] {
  const index = childIndex(children);
  const state = new Array<'new' | 'open' | 'done'>(children.length).fill('new');
  const stack: number[] = [];
  const issues: PathIssue[] = [];

  const visit = (i: number): void => {
    state[i] = 'open';
    stack.push(i);
    const child = children[i]!;
    for (const list of REF_LISTS) {
      (child[list] ?? []).forEach((name, j) => {
        const target = index.get(fold(name));
        if (target === undefined) return;
        if (state[target] === 'new') visit(target);
        else if (state[target] === 'open') {
          const path = ['children', i, list, j];
          const loop = [...stack.slice(stack.indexOf(target)), target].map((k) => `"${children[k]!.name}"`);
          // A child named like the base playlist it takes from hides that playlist: say so.
          const what =
            target === i
              ? `"${child.name}" takes from itself; a child playlist cannot be built from itself (when "${name}" is a base playlist, give the child another name)`
              : `${loop.join(' → ')} is a cycle; a child playlist cannot be built from itself, directly or through others`;
          issues.push({ path, message: `${describePath(path)}: ${what}` });
        }
      });
    }
    stack.pop();
    state[i] = 'done';
  };
  children.forEach((_, i) => {
    if (state[i] === 'new') visit(i);
  });
  return issues;
}
