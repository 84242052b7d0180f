/**
 * The request outcomes of an app's revisions as status shows them (issue 12 item 1). Pure:
 * revision-outcomes.ts keeps the counts.
 */
import type { AppStatusInfo, RequestOutcomes, RevisionOutcomesInfo } from '../protocol/index.js';
import { durationQuantileS, errorRateOf, requestsOf } from '../protocol/index.js';

/** One revision's figures: counts, error rate, p50/p99 (ms, rounded to 0.01). */
export function revisionOutcomesInfo(revision: number, o: RequestOutcomes): RevisionOutcomesInfo {
  return {
    revision,
    requests: requestsOf(o),
    responses: { ...o.responses },
    resets: o.resets,
    timeouts: o.timeouts,
    error_rate: errorRateOf(o),
    p50_ms: ms(durationQuantileS(o, 0.5)),
    p99_ms: ms(durationQuantileS(o, 0.99)),
  };
}

/** An app's status with its revisions' outcomes (no `outcomes` field when none reported any). */
export function withOutcomes(app: AppStatusInfo, outcomes: ReadonlyMap<number, RequestOutcomes>): AppStatusInfo {
  if (outcomes.size === 0) return app;
  return { ...app, outcomes: [...outcomes].map(([revision, o]) => revisionOutcomesInfo(revision, o)) };
}

function ms(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 100000) / 100;
}
