/**
 * `hotctl reload <ecosystem file>` (and `hotctl start <file>`): apply the file, i.e. deploy what
 * is on disk. The daemon's `apply` picks, per app, the least disruptive change (start, reload,
 * scale; delete only with --prune), reloads apps with no visible change too unless
 * --changed-only, and answers with its plan and why; the plan is printed, then the progress of
 * each operation, then a one-line summary. With --dry-run only the plan is asked for and printed.
 *
 * A daemon that predates `apply` gets the same effect the plain way: apps it runs are reloaded
 * with the file's spec, the others started, one app at a time (no --dry-run, no --prune there).
 */
import type { ApplyPlanItem, AppSpec, AppStatus } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ControlClient } from './client.js';
import { followOperations, operateOne, outcome } from './operations.js';
import type { Output } from './output.js';
import { applySummary, dryRunSummary, renderPlan } from './render/plan.js';

export { describePlanItem } from './render/plan.js';

export interface ApplyOptions {
  wait: boolean;
  dryRun: boolean;
  /** Delete the running apps the file does not name. */
  prune?: boolean;
  /** Leave apps whose spec and code on disk show no change alone (default: they are reloaded). */
  changedOnly?: boolean;
  /** How the summary names the file (as the user typed it). */
  source?: string;
  /** Apps that run take the specs' `inherited_env` (--update-env); else they keep theirs. */
  updateEnv?: boolean;
}

export async function applyFile(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], options: ApplyOptions): Promise<number> {
  try {
    return await viaApply(client, out, env, apps, options);
  } catch (err) {
    if (!(err instanceof HotctlError && err.code === 'E_UNKNOWN_METHOD') || options.dryRun || options.prune) throw err;
    return oneByOne(client, out, env, apps, options);
  }
}

async function viaApply(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], options: ApplyOptions): Promise<number> {
  const source = options.source ?? 'the file';
  const extra = { ...(options.wait ? { wait: true } : {}), ...(options.prune ? { prune: true } : {}), ...(options.changedOnly ? { changed_only: true } : {}), ...(options.updateEnv ? { update_env: true } : {}) };
  if (options.dryRun) {
    const { plan } = await client.request('apply', { apps, dry_run: true, ...extra });
    if (out.json) {
      out.jsonLine({ plan });
    } else {
      for (const line of renderPlan(source, plan, out.colours)) out.line(line);
      out.line(dryRunSummary(plan, out.colours));
    }
    return 0;
  }
  let plan: ApplyPlanItem[] = [];
  const finals = await followOperations(client, out, async () => {
    const answer = await client.request('apply', { apps, follow: true, ...extra });
    plan = answer.plan;
    if (out.json) out.jsonLine({ plan });
    else for (const line of renderPlan(source, plan, out.colours)) out.line(line);
    return answer.operations;
  });
  if (!out.json) out.line(applySummary(source, plan, finals, out.colours));
  return outcome(out, finals, env);
}

async function oneByOne(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], options: ApplyOptions): Promise<number> {
  const running = new Set((await client.request('status', {}, { timeoutMs: 10_000 })).apps.map((app) => app.name));
  let code = 0;
  for (const spec of apps) {
    const finals = await followOperations(client, out, async () => {
      if (!running.has(spec.name)) return (await client.request('start', { apps: [spec], follow: true })).operations;
      const params = { name: spec.name, spec, follow: true, ...(options.wait ? { wait: true } : {}) };
      return [(await client.request('reload', params)).operation];
    });
    const result = outcome(out, finals, env);
    if (code === 0) code = result;
  }
  return code;
}

/**
 * `apply` leaves an app whose spec did not change as it is, stopped or not; `start` and `run`
 * mean "run these apps", so the file's apps in one of `statuses` (default: stopped) are started
 * again (a restart of a stopped app starts it).
 */
export async function startStoppedApps(
  client: ControlClient,
  out: Output,
  env: NodeJS.ProcessEnv,
  apps: AppSpec[],
  wait: boolean,
  statuses: readonly AppStatus[] = ['stopped'],
): Promise<number> {
  const named = new Set(apps.map((app) => app.name));
  const status = await client.request('status', {}, { timeoutMs: 10_000 });
  let code = 0;
  // A job that ended by itself (exit 0, autorestart false) is stopped on purpose: its schedule or
  // `hotctl restart` runs it again, not a start that may have just run it.
  const endedAlone = (a: (typeof status.apps)[number]) => a.status === 'stopped' && a.workers.length === 0 && a.last_exit?.outcome === 'done';
  for (const app of status.apps.filter((a) => named.has(a.name) && statuses.includes(a.status) && !endedAlone(a))) {
    const result = outcome(out, [await operateOne(client, out, 'restart', { name: app.name, ...(wait ? { wait: true } : {}) })], env);
    if (code === 0) code = result;
  }
  return code;
}
