/**
 * The `canary` key of an app (a canary plan, src/protocol/canary-plan.ts): checked field by
 * field with the other keys' words, normalised with the defaults filled in. `reload --auto`'s
 * flags go through the same field checks (cli/commands/reload-auto.ts).
 */
import type { CanaryPlan, CanaryPlanKey } from '../protocol/index.js';
import { CANARY_PLAN_KEYS, defaultCanaryPlan, parseShare } from '../protocol/index.js';
import { didYouMean } from './did-you-mean.js';
import { parseDuration } from './normalize.js';
import type { AddProblem } from './problems.js';
import { describe } from './problems.js';

const FIELDS = Object.keys(CANARY_PLAN_KEYS) as CanaryPlanKey[];

/** What each field expects, in words. */
export const CANARY_FIELD_EXPECTED: Readonly<Record<CanaryPlanKey, string>> = {
  steps: 'a list of shares above 0% and below 100%, ascending, e.g. ["5%", "25%", "50%"]',
  step_interval: 'a duration ≥ 100 ms: milliseconds, or a string such as "30s", "2m"',
  max_error_rate: 'a number from 0 to 1 (0.01: 1 %)',
  max_p99_ratio: 'a number above 0 (1.5: the canary\'s p99 at most 1.5 × the stable revision\'s)',
  min_requests: 'a whole number ≥ 0',
  max_step_interval: 'a duration at least `step_interval`: milliseconds, or a string such as "2m"',
  max_event_loop_delay_ms: 'a number of milliseconds above 0',
};

/** One field's value normalised, or undefined when it is not valid. */
export function canaryField(key: CanaryPlanKey, value: unknown): CanaryPlan[CanaryPlanKey] | undefined {
  switch (key) {
    case 'steps': {
      const list = typeof value === 'string' ? value.split(',') : value;
      if (!Array.isArray(list) || list.length === 0) return undefined;
      const shares = list.map(parseShare);
      if (shares.some((s, i) => s === null || (i > 0 && s <= shares[i - 1]!))) return undefined;
      return shares as number[];
    }
    case 'step_interval':
    case 'max_step_interval': {
      const ms = parseDuration(value);
      return ms !== null && ms >= 100 ? ms : undefined;
    }
    case 'max_error_rate':
      return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
    case 'max_p99_ratio':
    case 'max_event_loop_delay_ms':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
    case 'min_requests':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
}

/** Checks a `canary` value: an object of known fields, each valid, `max_step_interval` ≥ `step_interval`. */
export function checkCanaryPlan(value: unknown, path: string, app: string, add: AddProblem): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    add({ app, path, expected: `an object with any of ${FIELDS.join(', ')}`, found: describe(value) });
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!(FIELDS as string[]).includes(key)) {
      const suggestion = didYouMean(key, FIELDS);
      add({ app, path: `${path}.${key}`, expected: `one of the canary fields ${FIELDS.join(', ')}`, found: `an unknown key`, ...(suggestion ? { suggestion } : {}) });
    } else if (v !== null && canaryField(key as CanaryPlanKey, v) === undefined) add({ app, path: `${path}.${key}`, expected: CANARY_FIELD_EXPECTED[key as CanaryPlanKey], found: describe(v) });
  }
  const plan = normalizeCanaryPlan(value);
  if (plan.max_step_interval < plan.step_interval) add({ app, path: `${path}.max_step_interval`, expected: `at least step_interval (${plan.step_interval} ms)`, found: `${plan.max_step_interval} ms` });
}

/** A checked `canary` value with the defaults filled in (max_step_interval: 4 × step_interval). */
export function normalizeCanaryPlan(value: unknown): CanaryPlan {
  const plan = defaultCanaryPlan();
  const raw = value as Record<string, unknown>;
  for (const key of FIELDS) {
    const v = raw[key] === null || raw[key] === undefined ? undefined : canaryField(key, raw[key]);
    if (v !== undefined) (plan as unknown as Record<string, unknown>)[key] = v;
  }
  if (raw.max_step_interval === undefined || raw.max_step_interval === null) plan.max_step_interval = 4 * plan.step_interval;
  return plan;
}
