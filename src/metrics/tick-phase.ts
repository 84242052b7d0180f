/**
 * When the sampler ticks: once per interval, in the wake-up of a worker's report when reports come.
 *
 * An idle daemon wakes for each worker's 1 Hz report and for the sampler's tick; each wake-up of
 * an idle process costs more than the little JavaScript it runs (bench/RESULTS.md, section 29: a
 * bare node process spends ~0.15 ms of CPU a second on an empty 1 Hz timer). So the tick runs in
 * the wake-up of a report that comes about an interval after the last tick, and the timer only
 * watches, every few intervals, that reports still come. It is never moved later while it is
 * pending: Node would still wake at the time it was first due (its libuv timer is only ever
 * brought earlier), so it is re-armed from its own callback only.
 *
 *   report at t:  t − lastTick ≥ interval − slack             → tick (in step)
 *                 not in step and t − lastTick ≥ interval / 2   → tick (falls in step: one interval ≥ ½)
 *   timer at t:   a report is due within interval / 2 of t, and the timer has not waited yet
 *                                                             → wait for it (one interval ≤ 1½)
 *                 a tick ran within interval + grace           → check again in WATCH_INTERVALS intervals
 *                 otherwise (no report: none sent, or a hung or exited worker)
 *                                                             → tick, and again in one interval
 *
 * So ticks come once per interval whether reports come or not; when reports stop, one interval
 * lasts up to WATCH_INTERVALS + 1¼ intervals. Pure: the sampler (sampler.ts) keeps the timer.
 */

export interface TickPhase {
  /** When the last tick ran (ms), -Infinity before the first. */
  lastTickMs: number;
  /** When the last worker report arrived (ms), -Infinity before the first. */
  lastReportMs: number;
  /** Whether the last tick ran in a report's wake-up. */
  inStep: boolean;
  /** Whether the timer already waited once for a report since the last tick. */
  waited: boolean;
}

/** While reports come, the timer checks every this many intervals that they still do. */
export const WATCH_INTERVALS = 3;

export function newTickPhase(): TickPhase {
  return { lastTickMs: -Infinity, lastReportMs: -Infinity, inStep: false, waited: false };
}

/** How early a report may come and still be the tick's (the reports' own timers jitter). */
function slackMs(intervalMs: number): number {
  return Math.min(100, intervalMs / 10);
}

/** How late a report may be before the timer counts it as missing. */
function graceMs(intervalMs: number): number {
  return intervalMs / 4;
}

/** A report arrived at `nowMs` (recorded in `phase`): whether the sampler ticks now. */
export function tickOnReport(phase: TickPhase, nowMs: number, intervalMs: number): boolean {
  phase.lastReportMs = nowMs;
  const since = nowMs - phase.lastTickMs;
  return since >= intervalMs - slackMs(intervalMs) || (!phase.inStep && since >= intervalMs / 2);
}

/** The timer fired at `nowMs`: whether to tick now, and when the timer fires next. */
export function onTimer(phase: TickPhase, nowMs: number, intervalMs: number): { tick: boolean; nextMs: number } {
  const dueMs = phase.lastReportMs + intervalMs;
  if (!phase.waited && dueMs > nowMs && dueMs - nowMs <= intervalMs / 2) {
    phase.waited = true;
    return { tick: false, nextMs: dueMs - nowMs + graceMs(intervalMs) };
  }
  if (nowMs - phase.lastTickMs < intervalMs + graceMs(intervalMs) && phase.inStep) return { tick: false, nextMs: WATCH_INTERVALS * intervalMs };
  return { tick: true, nextMs: intervalMs };
}

/** A tick ran at `nowMs` (`byReport`: in a report's wake-up). */
export function ticked(phase: TickPhase, nowMs: number, byReport: boolean): void {
  phase.lastTickMs = nowMs;
  phase.inStep = byReport;
  phase.waited = false;
}
