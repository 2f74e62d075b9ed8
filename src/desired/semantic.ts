// The rules of library.yaml that JSON Schema cannot express: a `match` must compile, settings that need
// each other, and no playlist listed twice. They run on schema-valid data.

import { parseDuration, parseHostPort, type RawLibrary } from './normalize.ts';
import type { PathIssue } from './positions.ts';

export function semanticIssues(raw: RawLibrary): PathIssue[] {
  return [
    ...selectorIssues(raw),
    ...sourceIssues(raw),
    ...downloadIssues(raw),
    ...pushIssues(raw),
    ...watchIssues(raw),
  ];
}

/** A poll every few milliseconds would never let the library rest; a port must exist. */
function watchIssues(raw: RawLibrary): PathIssue[] {
  const issues: PathIssue[] = [];
  const w = raw.watch;
  if (w?.interval !== undefined && (parseDuration(w.interval) ?? 0) < 1000) {
    issues.push({ path: ['watch', 'interval'], message: 'watch.interval: must be at least 1s' });
  }
  const port = w?.http === undefined ? undefined : parseHostPort(w.http)?.port;
  if (port !== undefined && port > 65535) {
    issues.push({
      path: ['watch', 'http'],
      message: `watch.http: port ${port} does not exist (0 to 65535; 0 picks a free port)`,
    });
  }
  return issues;
}

/** `push: tidal` writes to the source's own playlists, so it needs TIDAL as the source. */
function pushIssues(raw: RawLibrary): PathIssue[] {
  if (raw.source.provider === 'tidal') return [];
  return (raw.children ?? []).flatMap((c, i) =>
    c.push === undefined
      ? []
      : [
          {
            path: ['children', i, 'push'],
            message: `children[${i}].push: "${c.push}" needs source.provider: tidal (the source is "${raw.source.provider}")`,
          },
        ],
  );
}

function selectorIssues(raw: RawLibrary): PathIssue[] {
  const issues: PathIssue[] = [];
  const firstById = new Map<string, number>();
  raw.playlists.forEach((sel, i) => {
    if ('id' in sel) {
      const first = firstById.get(sel.id);
      if (first === undefined) firstById.set(sel.id, i);
      else {
        issues.push({
          path: ['playlists', i, 'id'],
          message: `playlists[${i}].id: playlist "${sel.id}" is already listed as playlists[${first}]`,
        });
      }
    } else if (sel.match !== undefined) {
      const problem = regexProblem(sel.match);
      if (problem) {
        issues.push({
          path: ['playlists', i, 'match'],
          message: `playlists[${i}].match: not a valid regular expression: ${problem}`,
        });
      }
    }
  });
  return issues;
}

/** Checked with the `u` flag (so `\p{L}` works); whoever applies `match` must compile it the same way. */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (err) {
    // "Invalid regular expression: /(/u: Unterminated group" → "Unterminated group"
    const message = (err as Error).message;
    return message.slice(message.lastIndexOf(': ') + 2) || message;
  }
}

function sourceIssues(raw: RawLibrary): PathIssue[] {
  if (raw.source.provider !== 'file' || raw.source.file?.path) return [];
  return [
    {
      path: ['source', 'provider'],
      message:
        'source.provider is "file" but source.file.path is missing; add e.g. file: { path: ./catalog.json }',
    },
  ];
}

function downloadIssues(raw: RawLibrary): PathIssue[] {
  const download = raw.download;
  if (download?.tool !== 'command') return [];
  if (!download.command) {
    return [
      {
        path: ['download', 'tool'],
        message:
          'download.tool is "command" but download.command is missing; add e.g. command: ["tidal-dl-ng", "dl", "{url}"]',
      },
    ];
  }
  // Without {id} or {url} every track would run the very same command.
  if (!download.command.some((arg) => arg.includes('{id}') || arg.includes('{url}'))) {
    return [
      {
        path: ['download', 'command'],
        message:
          'download.command: no argument contains {id} or {url}, so it cannot know which track to fetch',
      },
    ];
  }
  return [];
}
