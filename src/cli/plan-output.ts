// How a plan reads: `plan --json` data for scripts, and a Terraform-like listing for people.

import { type ChildChange, unchanged } from '../controller/child-changes.ts';
import type { PassResult } from '../controller/pass.ts';
import { planJson } from '../controller/plan-json.ts';
import type { Edit } from '../sources/tidal/push/diff.ts';
import type { Action } from '../types.ts';
import { bold, dim, green, red, yellow } from './output.ts';

export { type PlanJson, planJson } from '../controller/plan-json.ts';

const SYMBOL: Record<string, (s: string) => string> = {
  mkdir: (s) => green(`+ ${s}`),
  download: (s) => green(`+ ${s}`),
  link: (s) => green(`+ ${s}`),
  writeFile: (s) => yellow(`~ ${s}`),
  move: (s) => yellow(`~ ${s}`),
  relink: (s) => yellow(`~ ${s}`),
  remove: (s) => red(`- ${s}`),
  'remote.create': (s) => green(`+ ${s}`),
  'remote.rename': (s) => yellow(`~ ${s}`),
  'remote.edit': (s) => yellow(`~ ${s}`),
  'remote.delete': (s) => red(`- ${s}`),
  'remote.forget': (s) => dim(`  ${s}`),
};

export function describeAction(a: Action): string {
  switch (a.type) {
    case 'mkdir':
      return `folder   ${a.path}`;
    case 'download':
      return `download ${a.trackId}`;
    case 'move':
      return a.from === a.to
        ? `promote  ${a.to}  (${a.reason})`
        : `move     ${a.from} → ${a.to}  (${a.reason})`;
    case 'link':
      return `${a.mode.padEnd(8)} ${a.path} → ${a.target}`;
    case 'relink':
      return `re-${a.mode.padEnd(5)} ${a.path} → ${a.target}  (${a.reason})`;
    case 'writeFile':
      return `write    ${a.path}`;
    case 'remove':
      return `${a.mode === 'trash' ? 'trash ' : 'delete'}   ${a.path}  (${a.reason})`;
    case 'remote.create':
      return `TIDAL    create playlist "${a.name}"${a.reason ? `  (${a.reason})` : ''}`;
    case 'remote.rename':
      return `TIDAL    rename playlist of "${a.previousChild ?? a.child}" to "${a.name}"`;
    case 'remote.edit':
      return `TIDAL    ${describeEdit(a.edit)} in "${a.child}"`;
    case 'remote.delete':
      return `TIDAL    delete playlist of "${a.child}"  (${a.reason})`;
    case 'remote.forget':
      return `TIDAL    forget playlist of "${a.child}"  (${a.reason})`;
  }
}

function describeEdit(e: Edit): string {
  if (e.op === 'add') return `add ${e.trackIds.length} track(s)${e.positionBefore ? '' : ' at the end'}`;
  if (e.op === 'delete') return `remove ${e.items.length} entr${e.items.length === 1 ? 'y' : 'ies'}`;
  return `move ${e.items.length} entr${e.items.length === 1 ? 'y' : 'ies'}`;
}

/** One line per child playlist that changes: links on disk, its .m3u8, and its TIDAL playlist. */
function childLines(children: readonly ChildChange[]): string[] {
  const lines: string[] = [];
  for (const c of children) {
    if (unchanged(c)) continue;
    const parts: string[] = [];
    const d = c.disk;
    if (d.added.length > 0 || d.removed.length > 0)
      parts.push(`disk +${d.added.length} −${d.removed.length}`);
    else if (d.playlistFile) parts.push('disk: playlist file rewritten');
    const t = c.tidal;
    if (t?.held !== undefined) parts.push(`TIDAL held: ${t.held}`);
    else if (t?.delete) parts.push('TIDAL: playlist deleted');
    else if (t && t.requests > 0) {
      const what = [
        ...(t.create ? ['create'] : []),
        ...(t.rename !== undefined ? [`rename to "${t.rename}"`] : []),
        `+${t.added.length} −${t.removed.length} moved ${t.moved.length}`,
      ];
      parts.push(`TIDAL: ${what.join(', ')} (${t.requests} request${t.requests === 1 ? '' : 's'})`);
    }
    lines.push(`  ${c.name} (${c.matched} tracks): ${parts.join('; ')}`);
  }
  return lines;
}

export function printPlan(pass: PassResult, opts: { limit: number }): void {
  const out: string[] = [];
  const shown = pass.actions.slice(0, opts.limit);
  for (const a of shown) out.push(`  ${SYMBOL[a.type]!(describeAction(a))}`);
  if (pass.actions.length > shown.length) {
    out.push(dim(`  … and ${pass.actions.length - shown.length} more (all of them with --json)`));
  }
  const skipped = pass.plans.flatMap((p) => p.skipped);
  if (skipped.length > 0) {
    out.push('', bold('Held back:'));
    for (const s of skipped.slice(0, 20))
      out.push(`  ${dim('!')} ${s.path ?? s.trackId ?? s.child ?? ''}: ${s.reason}`);
    if (skipped.length > 20) out.push(dim(`  … and ${skipped.length - 20} more`));
  }
  const children = childLines(pass.children);
  if (children.length > 0) out.push('', bold('Child playlists:'), ...children);
  if (pass.adopt) {
    const a = pass.adopt;
    out.push(
      '',
      bold('Adopt first (adopt: auto):'),
      `  ${a.files} existing file(s) become tracks' real files; ${a.downloadsAvoided} download(s) above will not happen`,
      `  ${a.trashed} duplicate cop${a.trashed === 1 ? 'y goes' : 'ies go'} to the trash; ${a.ambiguous} ambiguous file(s) are left alone (cratesync adopt --dry-run lists them)`,
    );
  }
  if (pass.unsafe) out.push('', yellow(`Nothing will be moved or removed: ${pass.unsafe}.`));
  const summary = planJson(pass).summary;
  const parts = Object.entries(summary.byType).map(([t, n]) => `${n} ${t}`);
  out.push(
    '',
    pass.actions.length === 0
      ? green('No changes. The library matches library.yaml.')
      : bold(`Plan: ${pass.actions.length} action(s): ${parts.join(', ')}.`),
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
