// `children:` as written → ChildPlaylist[]: `where` and `sort` compiled, defaults filled in, and the place of
// the name and of every referenced playlist kept, because whether those names clash with or exist among the
// base playlists is only known after observing the source (check.ts). What can be known from the file alone
// is checked here: fields, ranges, patterns, sort keys, duplicate names and cycles between children.

import type { JsonPath } from '../paths.ts';
import type { PathIssue } from '../positions.ts';
import { cycleIssues, duplicateNameIssues } from './graph.ts';
import { parseSort } from './sort.ts';
import type { ChildPlaylist, RawChild, SourcePos } from './types.ts';
import { compileWhere, usesNow } from './where.ts';

export interface CompiledChildren {
  children: ChildPlaylist[];
  /** Empty when every child is valid; `children` is only meaningful then. */
  issues: PathIssue[];
}

/** `locate` gives the place of a path inside library.yaml (`['children', 0, 'from', 1]`). */
export function compileChildren(
  raw: readonly RawChild[],
  locate: (path: JsonPath) => SourcePos,
): CompiledChildren {
  const issues: PathIssue[] = [...duplicateNameIssues(raw), ...cycleIssues(raw)];
  const children = raw.map((spec, index): ChildPlaylist => {
    const at = ['children', index];
    const refs = (list: 'from' | 'except' | 'intersect'): SourcePos[] =>
      (spec[list] ?? []).map((_, j) => locate([...at, list, j]));
    const child: ChildPlaylist = {
      name: spec.name,
      index,
      from: [...spec.from],
      except: [...(spec.except ?? [])],
      intersect: [...(spec.intersect ?? [])],
      sort: parseSort(spec.sort ?? [], [...at, 'sort'], issues),
      usesNow: false,
      spec: structuredClone(spec),
      pos: {
        name: locate([...at, 'name']),
        from: refs('from'),
        except: refs('except'),
        intersect: refs('intersect'),
      },
    };
    if (spec.where !== undefined) {
      const where = compileWhere(spec.where, [...at, 'where'], issues);
      if (where) {
        child.where = where;
        child.usesNow = usesNow(where);
      }
    }
    if (spec.limit !== undefined) child.limit = spec.limit;
    if (spec.push !== undefined) child.push = spec.push;
    return child;
  });
  return { children, issues };
}
