// How a plan reads: `plan --json` data for scripts, and a Terraform-like listing for people.

import type { PassResult } from '../controller/pass.ts';
import type { Action, Skipped } from '../types.ts';
import { bold, dim, green, red, yellow } from './output.ts';

export interface PlanJson {
  actions: Action[];
  skipped: Skipped[];
  summary: {
    actions: number;
    byType: Record<string, number>;
    skipped: number;
    skippedByCode: Record<string, number>;
    unsafe?: string;
    /** Answered by the converged shortcut, without observing. */
    shortcut?: boolean;
  };
}

export function planJson(pass: PassResult): PlanJson {
  const skipped = pass.plans.flatMap((p) => p.skipped);
  return {
    actions: pass.actions.map((a) =>
      a.type === 'writeFile' ? { ...a, content: `${a.content.split('\n').length - 1} lines` } : a,
    ),
    skipped,
    summary: {
      actions: pass.actions.length,
      byType: countBy(pass.actions, (a) => (a.type === 'remove' && a.evict ? 'evict' : a.type)),
      skipped: skipped.length,
      skippedByCode: countBy(skipped, (s) => s.code),
      ...(pass.unsafe ? { unsafe: pass.unsafe } : {}),
      ...(pass.shortcut ? { shortcut: true } : {}),
    },
  };
}

const SYMBOL: Record<string, (s: string) => string> = {
  mkdir: (s) => green(`+ ${s}`),
  download: (s) => green(`+ ${s}`),
  link: (s) => green(`+ ${s}`),
  writeFile: (s) => yellow(`~ ${s}`),
  move: (s) => yellow(`~ ${s}`),
  relink: (s) => yellow(`~ ${s}`),
  remove: (s) => red(`- ${s}`),
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
  }
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
    for (const s of skipped.slice(0, 20)) out.push(`  ${dim('!')} ${s.path ?? s.trackId ?? ''}: ${s.reason}`);
    if (skipped.length > 20) out.push(dim(`  … and ${skipped.length - 20} more`));
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

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
