/**
 * The plan of `hotctl reload|start <ecosystem file>` (the daemon's `apply`), and the one-line
 * outcome after it ran:
 *
 * ```
 * Plan for ecosystem.json:
 *   APP    ACTION     CHANGE
 *   api    reload     spec changed: env, args; git commit 1a2b3c4 → 5d6e7f8
 *   web    scale      2 → 4 workers
 *   cron   start      new app
 *   db     unchanged
 *   old    keep       not in the file (--prune deletes it)
 * …progress of each operation…
 * ✓ ecosystem.json: 1 reloaded, 1 scaled, 1 started; 1 unchanged, 1 kept
 * ```
 */
import type { ApplyPlanItem, OperationSnapshot } from '../../protocol/index.js';
import type { Colours } from './colour.js';
import { renderTable, type Row } from './table.js';

/** One plan item as one line (`api: reload (changed: env, args)`), for logs and fallbacks. */
export function describePlanItem(item: ApplyPlanItem): string {
  const changed = item.reasons && item.reasons.length > 0 ? ` (${item.reasons.join('; ')})` : item.changed.length > 0 ? ` (changed: ${item.changed.join(', ')})` : '';
  const instances = item.instances ? ` ${item.instances.from} → ${item.instances.to} workers` : '';
  return `${item.app}: ${item.action}${instances}${changed}`;
}

/** What changes for one app, in words. */
export function planChange(item: ApplyPlanItem): string {
  switch (item.action) {
    case 'start':
      return 'new app';
    case 'scale':
      return item.instances ? `${item.instances.from} → ${item.instances.to} workers` : item.changed.join(', ');
    case 'reload':
      // Why: the spec's keys, the code on disk (git commit, version, entry script), or a redeploy.
      return item.reasons && item.reasons.length > 0 ? item.reasons.join('; ') : item.changed.join(', ');
    case 'keep':
      return 'not in the file (--prune deletes it)';
    case 'delete':
      return 'not in the file (--prune)';
    case 'unchanged':
      return '';
  }
}

function actionColour(colours: Colours, action: ApplyPlanItem['action']): (text: string) => string {
  if (action === 'start') return colours.green;
  if (action === 'reload' || action === 'scale') return colours.yellow;
  if (action === 'delete') return colours.red;
  return colours.dim;
}

/** The plan as a table under a heading naming its source (the file as the user typed it). */
export function renderPlan(source: string, plan: ApplyPlanItem[], colours: Colours): string[] {
  if (plan.length === 0) return [`Plan for ${source}: no apps.`];
  const rows: Row[] = [['APP', 'ACTION', 'CHANGE'].map((text) => ({ text, paint: colours.bold }))];
  for (const item of plan) rows.push([item.app, { text: item.action, paint: actionColour(colours, item.action) }, planChange(item)]);
  return [`Plan for ${source}:`, ...renderTable(rows).map((line) => `  ${line}`)];
}

const DONE: Record<ApplyPlanItem['action'], string> = {
  start: 'started',
  reload: 'reloaded',
  scale: 'scaled',
  delete: 'deleted',
  unchanged: 'unchanged',
  keep: 'kept',
};

/** Actions that run an operation, in the order the summary names them. */
const MOVING: ApplyPlanItem['action'][] = ['reload', 'scale', 'start', 'delete'];

function counted(plan: ApplyPlanItem[], actions: ApplyPlanItem['action'][], verb: (a: ApplyPlanItem['action']) => string): string[] {
  return actions.map((a) => [plan.filter((item) => item.action === a).length, a] as const).filter(([n]) => n > 0).map(([n, a]) => `${n} ${verb(a)}`);
}

/**
 * The outcome of an applied plan: what moved, what stayed, and each app whose operation failed.
 * `finals` are the terminal snapshots of the plan's operations.
 */
export function applySummary(source: string, plan: ApplyPlanItem[], finals: OperationSnapshot[], colours: Colours): string {
  const failed = finals.filter((op) => op.state === 'failed');
  const failedApps = new Set(failed.map((op) => op.app));
  const moved = counted(
    plan.filter((item) => !failedApps.has(item.app)),
    MOVING,
    (a) => DONE[a],
  );
  const stayed = counted(plan, ['unchanged', 'keep'], (a) => DONE[a]);
  const parts: string[] = [];
  if (moved.length > 0) parts.push(moved.join(', '));
  if (failed.length > 0) parts.push(failed.map((op) => `${op.kind} ${op.app} failed${op.error ? ` (${op.error.code})` : ''}`).join(', '));
  if (moved.length === 0 && failed.length === 0) parts.push('nothing to change');
  const tail = stayed.length > 0 ? `; ${stayed.join(', ')}` : '';
  const mark = failed.length > 0 ? colours.red('✗') : colours.green('✓');
  return `${mark} ${source}: ${parts.join('; ')}${tail}`;
}

/** The closing line of a dry run. */
export function dryRunSummary(plan: ApplyPlanItem[], colours: Colours): string {
  const would = counted(plan, MOVING, (a) => a);
  const what = would.length > 0 ? `${would.join(', ')} planned` : 'nothing to change';
  return colours.dim(`Dry run: nothing was changed (${what}).`);
}
