/**
 * The plan of `hotctl reload <file>`: per app, the least disruptive change. Pure.
 *
 * - a new app: start;
 * - only `instances` changed: scale, the other workers untouched;
 * - anything else changed (script, args, env, node_args, …): reload;
 * - nothing changed: unchanged;
 * - running but missing from the file: delete with `prune`, else keep.
 */
import type { ApplyPlanItem, AppSpec } from '../protocol/index.js';

export function planApply(running: AppSpec[], wanted: AppSpec[], prune: boolean): ApplyPlanItem[] {
  const byName = new Map(running.map((s) => [s.name, s]));
  const plan: ApplyPlanItem[] = wanted.map((spec) => {
    const current = byName.get(spec.name);
    if (!current) return { app: spec.name, action: 'start', changed: [] };
    const changed = changedKeys(current, spec);
    if (changed.length === 0) return { app: spec.name, action: 'unchanged', changed };
    if (changed.length === 1 && changed[0] === 'instances') {
      return { app: spec.name, action: 'scale', changed, instances: { from: current.instances, to: spec.instances } };
    }
    return { app: spec.name, action: 'reload', changed };
  });
  const named = new Set(wanted.map((s) => s.name));
  for (const spec of running) {
    if (!named.has(spec.name)) plan.push({ app: spec.name, action: prune ? 'delete' : 'keep', changed: [] });
  }
  return plan;
}

/** The keys whose values differ (deep), sorted. */
export function changedKeys(a: AppSpec, b: AppSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).sort();
}

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  return kx.every((k) => deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
}
