/**
 * `hotctl reload <ecosystem file>`: apply the file. The daemon's `apply` picks, per app, the
 * least disruptive change (start, reload, scale, nothing) and says what changed. A daemon that
 * predates `apply` gets the same effect the plain way: apps it runs are reloaded with the file's
 * spec, the others started, one app at a time.
 */
import type { ApplyPlanItem, AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ControlClient } from './client.js';
import { followOperations, outcome } from './operations.js';
import type { Output } from './output.js';

export interface ApplyOptions {
  wait: boolean;
  dryRun: boolean;
}

export function describePlanItem(item: ApplyPlanItem): string {
  const changed = item.changed.length > 0 ? ` (changed: ${item.changed.join(', ')})` : '';
  const instances = item.instances ? ` ${item.instances.from} → ${item.instances.to} workers` : '';
  return `${item.app}: ${item.action}${instances}${changed}`;
}

export async function applyFile(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], options: ApplyOptions): Promise<number> {
  try {
    return await viaApply(client, out, env, apps, options);
  } catch (err) {
    if (!(err instanceof HotctlError && err.code === 'E_UNKNOWN_METHOD') || options.dryRun) throw err;
    return oneByOne(client, out, env, apps, options);
  }
}

async function viaApply(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], options: ApplyOptions): Promise<number> {
  const wait = options.wait ? { wait: true } : {};
  if (options.dryRun) {
    const { plan } = await client.request('apply', { apps, dry_run: true, ...wait });
    if (out.json) out.jsonLine({ plan });
    else for (const item of plan) out.line(describePlanItem(item));
    return 0;
  }
  const finals = await followOperations(client, out, async () => {
    const { plan, operations } = await client.request('apply', { apps, follow: true, ...wait });
    if (out.json) out.jsonLine({ plan });
    else for (const item of plan) out.line(out.colours.dim(describePlanItem(item)));
    return operations;
  });
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
