/**
 * The plan of `hotctl reload|start <file>`: per app, what to do and why. Pure.
 *
 * - a new app: start;
 * - the spec changed (script, args, env, node_args, …) or the code on disk changed (the entry
 *   script's sha256, the package version, the git commit, compared with the active revision's):
 *   reload, saying which;
 * - only `instances` changed, the code did not: scale, the other workers untouched;
 * - nothing detected: reload all the same ("redeploy"), because files other than the entry script
 *   may have changed and reloading a file is the deploy step (`git pull && hotctl reload <file>`,
 *   as with PM2); with `changedOnly` such an app is left alone ("unchanged");
 * - running but missing from the file: delete with `prune`, else keep.
 */
import type { ApplyPlanItem, AppSpec } from '../protocol/index.js';

/** What is known of an app's code on disk (a revision's facts, or a fresh look at the files). */
export interface CodeFacts {
  script_sha256: string;
  app_version: string | null;
  git_commit: string | null;
}

export interface PlanOptions {
  /** Delete the running apps the file does not name. */
  prune?: boolean;
  /** Leave apps whose spec and code show no change alone (no redeploy). */
  changedOnly?: boolean;
  /** The facts of each running app's active revision, by name. */
  runningFacts?: ReadonlyMap<string, CodeFacts>;
  /** The facts of each wanted app's files now, by name (absent: could not be read). */
  wantedFacts?: ReadonlyMap<string, CodeFacts>;
}

const short = (value: string | null) => (value === null ? 'none' : /^[0-9a-f]{40}$/.test(value) ? value.slice(0, 7) : value);

/** Why the code differs, in words (`git commit 1a2b3c4 → 5d6e7f8`); empty when it does not. */
export function codeChanges(before: CodeFacts | undefined, now: CodeFacts | undefined): string[] {
  if (!before || !now) return [];
  const out: string[] = [];
  if (before.git_commit !== now.git_commit) out.push(`git commit ${short(before.git_commit)} → ${short(now.git_commit)}`);
  if (before.app_version !== now.app_version) out.push(`version ${short(before.app_version)} → ${short(now.app_version)}`);
  if (before.script_sha256 !== now.script_sha256) out.push('entry script changed (sha256)');
  return out;
}

export function planApply(running: AppSpec[], wanted: AppSpec[], options: PlanOptions | boolean = {}): ApplyPlanItem[] {
  const o: PlanOptions = typeof options === 'boolean' ? { prune: options, changedOnly: true } : options;
  const byName = new Map(running.map((s) => [s.name, s]));
  const plan: ApplyPlanItem[] = wanted.map((spec) => {
    const current = byName.get(spec.name);
    if (!current) return { app: spec.name, action: 'start', changed: [], reasons: ['new app'] };
    const changed = changedKeys(current, spec);
    const code = codeChanges(o.runningFacts?.get(spec.name), o.wantedFacts?.get(spec.name));
    const reasons = [...(changed.length > 0 ? [`spec changed: ${changed.join(', ')}`] : []), ...code];
    if (changed.length === 1 && changed[0] === 'instances' && code.length === 0) {
      return { app: spec.name, action: 'scale', changed, instances: { from: current.instances, to: spec.instances }, reasons: [`instances ${current.instances} → ${spec.instances}`] };
    }
    if (reasons.length > 0) return { app: spec.name, action: 'reload', changed, reasons };
    if (o.changedOnly) return { app: spec.name, action: 'unchanged', changed, reasons: [] };
    return { app: spec.name, action: 'reload', changed, reasons: ['redeploy: no change seen in the spec, entry script, version or git commit (--changed-only skips it)'] };
  });
  const named = new Set(wanted.map((s) => s.name));
  for (const spec of running) {
    if (!named.has(spec.name)) plan.push({ app: spec.name, action: o.prune ? 'delete' : 'keep', changed: [], reasons: [] });
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
