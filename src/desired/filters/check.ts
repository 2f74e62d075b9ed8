// The checks of `children:` that need the observed base playlists: a child may not take the name of a base
// playlist (they would share a folder), and every name in from/except/intersect must mean a base playlist
// or a child. The controller calls this after observing the source and before planning; the issues point
// into library.yaml like the loader's own.

import type { ConfigIssue } from '../../errors.ts';
import { describePath } from '../paths.ts';
import { childIndex, REF_LISTS } from './graph.ts';
import { fold } from './text.ts';
import type { ChildPlaylist, SourcePos } from './types.ts';

/** How many names an "unknown playlist" message lists before it says "and N more". */
const LISTED = 10;

export function checkChildren(
  children: readonly ChildPlaylist[],
  bases: readonly { id: string; name: string }[],
): ConfigIssue[] {
  const baseNames = new Set(bases.map((b) => fold(b.name)));
  const baseIds = new Set(bases.map((b) => b.id));
  const childNames = childIndex(children);
  const issues: ConfigIssue[] = [];
  const issue = (pos: SourcePos, path: (string | number)[], message: string): void => {
    issues.push({ ...pos, message: `${describePath(path)}: ${message}` });
  };

  for (const child of children) {
    if (baseNames.has(fold(child.name))) {
      issue(
        child.pos.name,
        ['children', child.index, 'name'],
        `"${child.name}" is also the name of a base playlist; a child playlist needs a name of its own`,
      );
    }
    for (const list of REF_LISTS) {
      child[list].forEach((name, j) => {
        if (childNames.has(fold(name)) || baseIds.has(name) || baseNames.has(fold(name))) return;
        issue(
          child.pos[list][j]!,
          ['children', child.index, list, j],
          `no base playlist or child playlist is named "${name}"${known(bases, children)}`,
        );
      });
    }
  }
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

function known(bases: readonly { name: string }[], children: readonly ChildPlaylist[]): string {
  const names = [...new Set([...bases.map((b) => b.name), ...children.map((c) => c.name)])];
  if (names.length === 0) return '';
  const shown = names.slice(0, LISTED).map((n) => `"${n}"`);
  const more = names.length > LISTED ? ` and ${names.length - LISTED} more` : '';
  return ` (known: ${shown.join(', ')}${more})`;
}
