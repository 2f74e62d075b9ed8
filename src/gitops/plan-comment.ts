// The Markdown of a plan preview comment on a pull request: a hidden marker (so the comment is found again
// and updated in place), the summary, a row per playlist that changes (downloads, links, moves, removals),
// a row per child playlist (tracks gained and lost, TIDAL), then the file-level details. Everything that
// comes from names is escaped. The body stays safely below GitHub's 65,536-character limit: whole pieces
// are dropped from the end, in order of importance, and a note says so.

import { type ChildChange, unchanged } from '../controller/child-changes.ts';
import type { PassResult } from '../controller/pass.ts';
import { planJson } from '../controller/plan-json.ts';
import type { ConfigIssue } from '../errors.ts';
import { formatIssue } from '../errors.ts';
import type { Action } from '../types.ts';
import { fileAtCommit, type GitHubFileSpec, shortSha } from './spec.ts';

/** GitHub's limit on a comment body. */
export const COMMENT_LIMIT = 65_536;
/** What the body may use, in UTF-8 bytes (never more characters than bytes), leaving a safety margin. */
export const COMMENT_BUDGET = 60_000;
/** File lines listed per playlist before "… and N more". */
const DETAIL_LINES = 50;

export function commentMarker(path: string): string {
  // A path cannot end the HTML comment early.
  return `<!-- cratesync-plan:${path.replaceAll('--', '-%2D').replaceAll('>', '%3E')} -->`;
}

export interface CommentContext {
  spec: GitHubFileSpec;
  sha: string;
  pr: number;
}

// ------------------------------------------------------------------------------------------------ plan

export function planComment(pass: PassResult, playlistsDir: string, ctx: CommentContext): string {
  const summary = planJson(pass).summary;
  const title = `### cratesync plan for \`${code(ctx.spec.path)}\` at ${shortSha(ctx.sha)}`;
  const head: string[] = [commentMarker(ctx.spec.path), title, ''];
  if (pass.actions.length === 0) {
    head.push('**No changes.** Merging this pull request leaves the library as it is.');
  } else {
    const byType = Object.entries(summary.byType).map(([t, n]) => `${n} ${TYPE_NAMES[t] ?? t}`);
    head.push(`**Plan: ${pass.actions.length} action(s)**: ${byType.join(' · ')}.`);
  }
  if (summary.skipped > 0) {
    const held = Object.entries(summary.skippedByCode).map(([c, n]) => `${n} ${c}`);
    head.push('', `Held back: ${summary.skipped} (${held.join(', ')}).`);
  }
  if (pass.unsafe) head.push('', `> **Nothing will be moved or removed**: ${md(pass.unsafe)}.`);
  if (pass.shortcut)
    head.push(
      '',
      '_The library was converged and nothing it depends on changed: answered without observing._',
    );

  const pieces: string[] = [];
  const groups = groupByPlaylist(pass.actions, playlistsDir);
  const named = groups.filter((g) => g.name !== OTHER);
  if (named.length > 0) {
    pieces.push(
      '\n\n#### Playlists\n\n| Playlist | Downloads | Links | Moved | Removed | Playlist file |\n|---|--:|--:|--:|--:|:-:|',
    );
    for (const g of named) pieces.push(`\n${groupRow(g)}`);
  }
  const children = pass.children.filter((c) => !unchanged(c));
  if (children.length > 0) {
    pieces.push(
      '\n\n#### Child playlists\n\n| Child playlist | Tracks | Gained | Lost | TIDAL |\n|---|--:|--:|--:|---|',
    );
    for (const c of children) pieces.push(`\n${childRow(c)}`);
  }
  if (groups.length > 0) {
    pieces.push('\n\n#### Changes by playlist\n');
    for (const g of groups) pieces.push(`\n${groupDetails(g)}`);
  }
  const skipped = pass.plans.flatMap((p) => p.skipped);
  if (skipped.length > 0) {
    pieces.push('\n\n#### Held back\n');
    for (const s of skipped)
      pieces.push(
        `\n- ${md(s.path ?? s.child ?? s.trackId ?? s.playlistId ?? '')}: ${md(s.reason)} (${s.code})`,
      );
  }
  const footer = `\n\n<sub>Planned by cratesync against this machine's library for #${ctx.pr} at ${shortSha(ctx.sha)}. \`cratesync plan\` there lists every action.</sub>\n`;
  return assemble(head.join('\n'), pieces, footer);
}

// ---------------------------------------------------------------------------------------------- errors

/** The comment for a head whose library.yaml does not validate: every issue with its line and column. */
export function invalidComment(issues: readonly ConfigIssue[], message: string, ctx: CommentContext): string {
  const head = [
    commentMarker(ctx.spec.path),
    `### cratesync plan for \`${code(ctx.spec.path)}\` at ${shortSha(ctx.sha)}: invalid`,
    '',
    `\`${code(fileAtCommit(ctx.spec, ctx.sha))}\` does not validate, so it cannot be applied. ${issues.length || 1} problem(s):`,
    '',
    '~~~~text',
  ].join('\n');
  const lines = issues.length > 0 ? issues.map(formatIssue) : message.split('\n');
  const pieces = lines.map((l) => `\n${clipLine(l.replaceAll('~~~~', '~ ~ ~ ~'), 1000)}`);
  return assemble(head, pieces, '\n~~~~\n', '\n');
}

/** The comment when the plan itself could not be made (the source could not be read, ...). */
export function failureComment(error: string, ctx: CommentContext): string {
  return [
    commentMarker(ctx.spec.path),
    `### cratesync plan for \`${code(ctx.spec.path)}\` at ${shortSha(ctx.sha)}: no plan`,
    '',
    `cratesync could not plan this pull request: ${md(clipLine(error, 2000))}`,
    '',
  ].join('\n');
}

// ------------------------------------------------------------------------------------------- assembly

/**
 * head + as many whole pieces as fit + footer, in UTF-8 bytes within COMMENT_BUDGET. When pieces are left
 * out, `close` (e.g. a fence) ends what they were inside, and a note says how many were left out.
 */
function assemble(head: string, pieces: readonly string[], footer: string, close = ''): string {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const noteRoom = 400;
  let used = bytes(head) + bytes(footer) + bytes(close) + noteRoom;
  const kept: string[] = [];
  for (const p of pieces) {
    const b = bytes(p);
    if (used + b > COMMENT_BUDGET) break;
    kept.push(p);
    used += b;
  }
  const left = pieces.length - kept.length;
  const note =
    left > 0
      ? `${close}\n\n> **Truncated**: ${left} more line(s) and section(s) do not fit in one GitHub comment (limit ${COMMENT_LIMIT.toLocaleString('en')} characters). Run \`cratesync plan\` on the machine for the full plan.\n`
      : close;
  return `${head}${kept.join('')}${note}${footer}`;
}

// -------------------------------------------------------------------------------------------- grouping

const OTHER = '';

const TYPE_NAMES: Record<string, string> = {
  mkdir: 'new folder(s)',
  download: 'download(s)',
  move: 'move(s)',
  link: 'link(s)',
  relink: 're-link(s)',
  writeFile: 'file write(s)',
  remove: 'removal(s)',
  evict: 'eviction(s)',
};

interface Group {
  /** The playlist folder's name; OTHER for exports and what lies outside the playlists folder. */
  name: string;
  newFolder: boolean;
  folderRemoved: boolean;
  downloads: number;
  links: number;
  moves: number;
  removed: number;
  playlistFile?: 'write' | 'remove';
  /** `+ name`, `- name`, `~ name` lines. */
  lines: string[];
}

function groupByPlaylist(actions: readonly Action[], playlistsDir: string): Group[] {
  const groups = new Map<string, Group>();
  const group = (name: string): Group => {
    let g = groups.get(name);
    if (!g) {
      g = {
        name,
        newFolder: false,
        folderRemoved: false,
        downloads: 0,
        links: 0,
        moves: 0,
        removed: 0,
        lines: [],
      };
      groups.set(name, g);
    }
    return g;
  };
  const prefix = `${playlistsDir}/`;
  const where = (p: string): { name: string; file?: string } => {
    if (!p.startsWith(prefix)) return { name: OTHER, file: p };
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) return { name: rest.replace(/\.m3u8$/i, '') };
    return { name: rest.slice(0, slash), file: rest.slice(slash + 1) };
  };
  const placed = new Map<string, string>();
  for (const a of actions) if (a.type === 'move' && a.reason === 'place download') placed.set(a.from, a.to);

  for (const a of actions) {
    switch (a.type) {
      case 'mkdir': {
        const w = where(a.path);
        if (w.file === undefined) group(w.name).newFolder = true;
        break;
      }
      case 'download': {
        const dest = placed.get(a.staged);
        const w = dest ? where(dest) : { name: OTHER, file: `track ${a.trackId} (placed once downloaded)` };
        const g = group(w.name);
        g.downloads++;
        g.lines.push(`+ ${md(w.file ?? a.trackId)} (download)`);
        break;
      }
      case 'move': {
        if (a.reason === 'place download' || a.to.startsWith('.cratesync/')) break;
        const to = where(a.to);
        const from = where(a.from);
        const g = group(to.name);
        g.moves++;
        g.lines.push(
          `~ ${md(to.file ?? a.to)} (${from.name === to.name ? 'renamed' : `from ${md(from.name || a.from)}`}: ${md(a.reason)})`,
        );
        break;
      }
      case 'link':
      case 'relink': {
        const w = where(a.path);
        const g = group(w.name);
        g.links++;
        g.lines.push(
          `${a.type === 'link' ? '+' : '~'} ${md(w.file ?? a.path)} (${a.type === 'link' ? a.mode : `re-${a.mode}: ${md(a.reason)}`})`,
        );
        break;
      }
      case 'writeFile': {
        const w = where(a.path);
        const g = group(w.name);
        if (w.file === undefined) g.playlistFile = 'write';
        else g.lines.push(`~ ${md(w.file)} (write${a.kind === 'export' ? ' export' : ''})`);
        break;
      }
      case 'remove': {
        const w = where(a.path);
        const g = group(w.name);
        if (w.file === undefined && a.kind === 'playlistFile') g.playlistFile = 'remove';
        else if (w.file === undefined && a.kind === 'dir') g.folderRemoved = true;
        else {
          g.removed++;
          g.lines.push(`- ${md(w.file ?? a.path)} (${a.evict ? 'evicted' : a.mode}: ${md(a.reason)})`);
        }
        break;
      }
      default:
        break; // TIDAL pushes: the child playlists table.
    }
  }
  const out = [...groups.values()].filter(
    (g) => g.lines.length > 0 || g.newFolder || g.folderRemoved || g.playlistFile !== undefined,
  );
  return out.sort((a, b) =>
    a.name === OTHER ? 1 : b.name === OTHER ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

function groupRow(g: Group): string {
  const name = `${cell(g.name)}${g.newFolder ? ' (new)' : g.folderRemoved ? ' (removed)' : ''}`;
  const file = g.playlistFile === 'write' ? 'written' : g.playlistFile === 'remove' ? 'removed' : '';
  return `| ${name} | ${g.downloads} | ${g.links} | ${g.moves} | ${g.removed} | ${file} |`;
}

function groupDetails(g: Group): string {
  const title = g.name === OTHER ? 'Outside the playlist folders' : md(g.name);
  const counts = `+${g.downloads + g.links} ~${g.moves} −${g.removed}`;
  // `+ x` would read as a nested list: the sign goes in a code span.
  const shown = g.lines.slice(0, DETAIL_LINES).map((l) => `- \`${l[0]}\` ${clipLine(l.slice(2), 400)}`);
  if (g.lines.length > shown.length) shown.push(`- … and ${g.lines.length - shown.length} more`);
  if (shown.length === 0) shown.push(g.folderRemoved ? '- the folder goes' : '- the playlist file only');
  return `<details><summary>${title}: ${counts}</summary>\n\n${shown.join('\n')}\n\n</details>\n`;
}

function childRow(c: ChildChange): string {
  const t = c.tidal;
  let tidal = '';
  if (t?.held !== undefined) tidal = `held: ${cell(t.held)}`;
  else if (t?.delete) tidal = 'playlist deleted';
  else if (t && t.requests > 0) {
    const what = [
      ...(t.create ? ['create'] : []),
      ...(t.rename !== undefined ? [`rename to "${cell(t.rename)}"`] : []),
      `+${t.added.length} −${t.removed.length}${t.moved.length ? ` moved ${t.moved.length}` : ''}`,
    ];
    tidal = `${what.join(', ')} (${t.requests} request(s))`;
  }
  const file = c.disk.playlistFile && c.disk.added.length + c.disk.removed.length === 0 ? ' (order)' : '';
  return `| ${cell(c.name)}${file} | ${c.matched} | ${c.disk.added.length} | ${c.disk.removed.length} | ${tidal} |`;
}

// ---------------------------------------------------------------------------------------------- escaping

/** Text that renders as itself in Markdown: control characters become spaces, markup is escaped. */
export function md(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`);
}

/** A table cell: as md(), and short. */
function cell(text: string): string {
  return md(clipLine(text, 200));
}

/** Inside `backticks`: no backticks or line breaks. */
function code(text: string): string {
  return text.replace(/[`\u0000-\u001f\u007f]/g, "'");
}

function clipLine(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}
