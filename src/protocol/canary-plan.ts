/**
 * A canary plan (issue 12): how `hotctl reload <app> --auto` takes a new revision from a small
 * share of traffic to all of it, judging it against the stable revision at every step. Written
 * in an app's ecosystem entry as `canary` (see {@link CANARY_PLAN_KEYS}); every field has a
 * default, and `reload --auto` flags override them one by one.
 */

/** A normalised plan: shares in percent, durations in ms. */
export interface CanaryPlan {
  /** The canary's share of new connections at each step, in percent, ascending (0 < share < 100). */
  steps: number[];
  /** How long a step lasts before it is judged (ms). */
  step_interval: number;
  /** The highest error rate (5xx, resets and timeouts over requests) a step may show. */
  max_error_rate: number;
  /** The highest p99 latency of the canary over the stable revision's, over the same window. */
  max_p99_ratio: number;
  /** Requests the canary must have received in a step for it to be judged; fewer extend the step. */
  min_requests: number;
  /** How long a step may be extended for want of requests before it fails as inconclusive (ms). */
  max_step_interval: number;
  /** The highest event-loop delay p99 of a canary worker (ms), or null: not judged. */
  max_event_loop_delay_ms: number | null;
}

/** The plan's fields: the default of each, and what it means (JSON Schema, README). */
export const CANARY_PLAN_KEYS = {
  steps: { default: ['5%', '25%', '50%'], description: 'The canary\'s share of new connections at each step, ascending, each above 0% and below 100% (e.g. ["5%", "25%", "50%"]).' },
  step_interval: { default: '30s', description: 'How long each step lasts before it is judged: ms, or "30s", "2m".' },
  max_error_rate: { default: 0.01, description: 'The highest error rate of the canary in a step (5xx answers, resets and timeouts over its requests), from 0 to 1.' },
  max_p99_ratio: { default: 1.5, description: 'The highest p99 latency of the canary over the stable revision\'s in the same step (not judged when the stable revision answered nothing).' },
  min_requests: { default: 100, description: 'Requests the canary must receive in a step to be judged; fewer extend the step (up to `max_step_interval`).' },
  max_step_interval: { default: null, description: 'How long a step may last when it has too few requests, before it fails as inconclusive (default: 4 × `step_interval`).' },
  max_event_loop_delay_ms: { default: null, description: 'The highest event-loop delay p99 of a canary worker (ms); not judged by default.' },
} as const;

export type CanaryPlanKey = keyof typeof CANARY_PLAN_KEYS;

/** What `reload --auto` may override: any field of the plan. */
export type CanaryPlanOverrides = Partial<CanaryPlan>;

/** The plan of an app without a `canary` key. */
export function defaultCanaryPlan(): CanaryPlan {
  return { steps: [5, 25, 50], step_interval: 30_000, max_error_rate: 0.01, max_p99_ratio: 1.5, min_requests: 100, max_step_interval: 120_000, max_event_loop_delay_ms: null };
}

/** A share as written ("5%", "12.5%", or a number of percent): its percent, or null when it is not one above 0 and below 100. */
export function parseShare(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(value) ? Number(value.trim().slice(0, -1).trim()) : NaN;
  return Number.isFinite(n) && n > 0 && n < 100 ? n : null;
}

/** `plan` with `overrides` over it; a `step_interval` given without `max_step_interval` sets that bound to 4 × the new interval. */
export function withOverrides(plan: CanaryPlan, overrides: CanaryPlanOverrides): CanaryPlan {
  const out: CanaryPlan = { ...plan };
  for (const [key, value] of Object.entries(overrides) as [CanaryPlanKey, unknown][]) if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  if (overrides.step_interval !== undefined && overrides.max_step_interval === undefined) out.max_step_interval = 4 * out.step_interval;
  return out;
}

/** Problems of a plan after overrides (empty: it can run), each naming the field. */
export function planProblems(plan: CanaryPlan): string[] {
  const out: string[] = [];
  if (plan.steps.length === 0) out.push('steps: at least one step');
  if (plan.steps.some((s, i) => !(s > 0 && s < 100) || (i > 0 && s <= plan.steps[i - 1]!))) out.push('steps: shares above 0% and below 100%, each larger than the one before');
  if (!(Number.isInteger(plan.step_interval) && plan.step_interval >= 100)) out.push('step_interval: at least 100 ms');
  if (!(plan.max_error_rate >= 0 && plan.max_error_rate <= 1)) out.push('max_error_rate: a number from 0 to 1');
  if (!(plan.max_p99_ratio > 0)) out.push('max_p99_ratio: a number above 0');
  if (!(Number.isInteger(plan.min_requests) && plan.min_requests >= 0)) out.push('min_requests: a whole number ≥ 0');
  if (!(Number.isInteger(plan.max_step_interval) && plan.max_step_interval >= plan.step_interval)) out.push('max_step_interval: at least step_interval');
  if (plan.max_event_loop_delay_ms !== null && !(plan.max_event_loop_delay_ms > 0)) out.push('max_event_loop_delay_ms: a number of ms above 0');
  return out;
}

/** What a step of an analysis saw of one revision over the step's window. */
export interface RevisionFigures {
  revision: number;
  /** Responses, resets and timeouts. */
  requests: number;
  /** 5xx answers, resets and timeouts. */
  errors: number;
  /** errors / requests (0 without requests). */
  error_rate: number;
  /** The p99 of response durations (ms), or null without responses. */
  p99_ms: number | null;
}

/** A step's figures: the canary's against the stable revision's over the same window. */
export interface CanaryStepFigures {
  canary: RevisionFigures;
  stable: RevisionFigures;
  /** The highest event-loop delay p99 of a canary worker at the step's end (ms), or null when none reported. */
  event_loop_delay_p99_ms: number | null;
}

/** What a judged step can fail on. `min_requests`: the step stayed too quiet up to max_step_interval (inconclusive). */
export const CANARY_METRICS = ['crash', 'error_rate', 'p99_ratio', 'event_loop_delay', 'min_requests'] as const;
export type CanaryMetric = (typeof CANARY_METRICS)[number];

/** A step's verdict: `pass`, `extend` (too few requests: the step goes on), or `fail`. */
export const STEP_VERDICTS = ['pass', 'extend', 'fail'] as const;
export type StepVerdictKind = (typeof STEP_VERDICTS)[number];

/** One judged step, as status and the operation's steps show it. */
export interface CanaryStepRecord {
  /** 1-based. */
  step: number;
  share: number;
  verdict: StepVerdictKind;
  figures: CanaryStepFigures;
  /** With `fail`: the metric, its value and the threshold it crossed. */
  metric?: CanaryMetric;
  value?: number;
  threshold?: number;
  /** What was not judged, and why (e.g. the p99 ratio when the stable revision answered nothing). */
  notes: string[];
}

/**
 * The phases of an analysis: `stepping` (the canary takes the step's share; judged at the step's
 * end), then `promoting` (every step passed, or `hotctl promote`) or `rolling_back` (a check
 * failed, the canary crashed, `hotctl rollback`, or the daemon stops), then `done`.
 */
export const ANALYSIS_PHASES = ['stepping', 'promoting', 'rolling_back', 'done'] as const;
export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number];

/** An analysis running in the daemon (`reload --auto`), as `status --json` shows it per app. */
export interface CanaryAnalysisInfo {
  operation: string;
  revision: number;
  stable_revision: number;
  phase: AnalysisPhase;
  /** The current step, 1-based, of `steps`. */
  step: number;
  steps: number;
  share: number;
  started_at: string;
  step_started_at: string;
  /** Time spent in the current step (ms). */
  step_elapsed_ms: number;
  plan: CanaryPlan;
  /** The last step judged (or extended), or null before the first judgement. */
  last: CanaryStepRecord | null;
}
