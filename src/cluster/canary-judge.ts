/**
 * The judge of one canary step (issue 12): the window's figures in, a verdict out. Pure.
 *
 * Checks, in this order (the first that fails is the verdict): the canary crashed; too few
 * requests (extend the step while it may, else fail as inconclusive); its error rate; its p99
 * over the stable revision's (skipped, with a note, when the stable revision answered nothing);
 * its event-loop delay p99 when the plan bounds it. Latencies under P99_FLOOR_MS count as that floor.
 */
import type { CanaryMetric, CanaryPlan, CanaryStepFigures, CanaryStepRecord, RequestOutcomes, RevisionFigures } from '../protocol/index.js';
import { durationQuantileS, errorRateOf, requestsOf } from '../protocol/index.js';

/** What the judge is given about a step's window. */
export interface StepWindow {
  /** 1-based. */
  step: number;
  share: number;
  canaryRevision: number;
  stableRevision: number;
  /** What each revision did over the window (outcomesSince of two snapshots). */
  canary: RequestOutcomes;
  stable: RequestOutcomes;
  /** The highest event-loop delay p99 of a canary worker now (ms), or null. */
  eventLoopDelayP99Ms: number | null;
  /** Why a canary worker is no longer serving (it crashed, hung), or null. */
  crashed: string | null;
  /** Whether the step may still be extended for want of requests (its max_step_interval not reached). */
  canExtend: boolean;
}

/**
 * Latencies under this floor are not told apart (ms): the histogram's buckets are 1–2.5 ms wide
 * there, so two sub-millisecond revisions may read 1 ms against 2.5 ms, and a new worker's first
 * requests (code not yet optimised) take a few ms more. The ratio compares max(p99, floor) of each.
 */
export const P99_FLOOR_MS = 5;

export function figuresOf(revision: number, o: RequestOutcomes): RevisionFigures {
  const p99 = durationQuantileS(o, 0.99);
  return { revision, requests: requestsOf(o), errors: o.responses['5xx'] + o.resets + o.timeouts, error_rate: errorRateOf(o), p99_ms: p99 === null ? null : p99 * 1000 };
}

export function judgeStep(w: StepWindow, plan: CanaryPlan): CanaryStepRecord {
  const figures: CanaryStepFigures = { canary: figuresOf(w.canaryRevision, w.canary), stable: figuresOf(w.stableRevision, w.stable), event_loop_delay_p99_ms: w.eventLoopDelayP99Ms };
  const notes: string[] = [];
  const base = { step: w.step, share: w.share, figures, notes };
  const fail = (metric: CanaryMetric, value: number, threshold: number): CanaryStepRecord => ({ ...base, verdict: 'fail', metric, value, threshold });
  if (w.crashed !== null) {
    notes.push(w.crashed);
    return fail('crash', 1, 0);
  }
  const c = figures.canary;
  if (c.requests < plan.min_requests) {
    notes.push(`${c.requests} of ${plan.min_requests} requests`);
    return w.canExtend ? { ...base, verdict: 'extend' } : fail('min_requests', c.requests, plan.min_requests);
  }
  if (c.error_rate > plan.max_error_rate) return fail('error_rate', c.error_rate, plan.max_error_rate);
  const s = figures.stable;
  if (s.p99_ms === null || s.p99_ms <= 0 || c.p99_ms === null) notes.push(s.p99_ms === null ? 'p99 ratio not judged: the stable revision answered nothing in this step' : 'p99 ratio not judged: the canary answered nothing in this step');
  else {
    const ratio = Math.max(c.p99_ms, P99_FLOOR_MS) / Math.max(s.p99_ms, P99_FLOOR_MS);
    if (ratio > plan.max_p99_ratio) return fail('p99_ratio', ratio, plan.max_p99_ratio);
  }
  if (plan.max_event_loop_delay_ms !== null) {
    if (w.eventLoopDelayP99Ms === null) notes.push('event-loop delay not judged: no canary report yet');
    else if (w.eventLoopDelayP99Ms > plan.max_event_loop_delay_ms) return fail('event_loop_delay', w.eventLoopDelayP99Ms, plan.max_event_loop_delay_ms);
  }
  return { ...base, verdict: 'pass' };
}

/** A metric's value and threshold as people read them: rates in %, ratios with ×, delays in ms. */
export function metricText(metric: CanaryMetric, value: number, threshold: number): string {
  switch (metric) {
    case 'crash':
      return 'a canary worker stopped serving';
    case 'error_rate':
      return `error rate ${pct(value)} > max_error_rate ${pct(threshold)}`;
    case 'p99_ratio':
      return `p99 latency ratio ${value.toFixed(2)}× the stable revision's > max_p99_ratio ${threshold}×`;
    case 'event_loop_delay':
      return `event-loop delay p99 ${value.toFixed(1)} ms > max_event_loop_delay_ms ${threshold} ms`;
    case 'min_requests':
      return `inconclusive: ${value} requests < min_requests ${threshold} by max_step_interval`;
  }
}

/** The figures of a step in one line: the canary's against the stable's. */
export function figuresText(f: CanaryStepFigures): string {
  const one = (r: RevisionFigures) => `r${r.revision} ${r.requests} req, ${pct(r.error_rate)} errors, p99 ${r.p99_ms === null ? '-' : `${r.p99_ms.toFixed(1)} ms`}`;
  return `canary ${one(f.canary)} | stable ${one(f.stable)}${f.event_loop_delay_p99_ms === null ? '' : ` | canary loop delay p99 ${f.event_loop_delay_p99_ms.toFixed(1)} ms`}`;
}

function pct(rate: number): string {
  const p = rate * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(2)}%`;
}
