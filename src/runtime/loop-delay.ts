/**
 * The worker's event-loop delay: exact while it reports, measured from its heartbeats while quiet.
 *
 *   awake ──sleep()──► quiet ──wake()──► awake
 *   Node's delay monitor          no monitor: the quiet heartbeats'
 *   (a C++ timer every 50 ms)     lateness, one figure per check window
 *
 * Awake (the worker reports every interval: it serves, or someone looks, or it has not been idle
 * for 5 reports yet): Node's event-loop delay monitor samples the loop every {@link RESOLUTION_MS}
 * and each report reads p50 and p99 since the report before, as always.
 *
 * Quiet (src/runtime/quiet.ts): the monitor costs an idle worker 20 wake-ups a second (1.3-1.7
 * ms of CPU a second against 0.005 for a bare worker) and, once reset, ~0.36 MB of resident
 * counters (its reset() writes zeros over the whole ~442 kB of HDR buckets, so every page of
 * them is mapped). So it is stopped and let go: V8 frees it (and its counters) at its next
 * collection of the monitor's wrapper. A monitor not freed by the next wake is taken up again
 * (through a WeakRef), never a second one made: at most one is alive. Meanwhile the delay is
 * how late the quiet heartbeats fired: each check window of N heartbeats should take N periods,
 * and what it took beyond that (clock granularity included: ~0.4 ms a heartbeat) is the
 * window's lateness. A stall that holds a heartbeat up shows in full; one that ends between two
 * heartbeats is not seen (the monitor would have seen it). The figures of a quiet check, and of
 * the first report after a wake, are the worst window lateness since the last report (p50 and
 * p99 alike); from the next report on, the monitor's again. docs/protocol.md ("metrics") says so.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The monitor's timer period (ms). At 10 ms it was 100 wake-ups a second, ~5 ms of CPU per
 * second per idle worker; at 50 ms, ~1.3 ms (bench/RESULTS.md, "Idle daemon"). A stall still
 * shows in full: the tick it holds up is late by all of it.
 */
export const RESOLUTION_MS = 50;

export interface DelayFigures {
  p50Ms: number;
  p99Ms: number;
}

export class LoopDelay {
  /** Sampling the loop (awake), or null (quiet). */
  private monitor: IntervalHistogram | null = null;
  /** The monitor let go when the worker went quiet, until V8 frees it. */
  private retired: WeakRef<IntervalHistogram> | null = null;
  /** The quiet heartbeat's period (ms). */
  private beatMs = 0;
  /** When the current window of quiet heartbeats started (performance.now()). */
  private windowStartMs = 0;
  /** The worst window lateness since the last report (ms). */
  private worstLateMs = 0;

  /** Starts the monitor (the worker reports). */
  wake(): void {
    if (this.monitor !== null) return;
    const reused = this.retired?.deref();
    this.retired = null;
    if (reused !== undefined && reused.count > 0) reused.reset();
    this.monitor = reused ?? monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.monitor.enable();
  }

  /** Stops the monitor and lets it go (the worker goes quiet, a heartbeat every `beatMs`). */
  sleep(beatMs: number): void {
    this.beatMs = beatMs;
    this.windowStartMs = performance.now();
    if (this.monitor === null) return;
    this.monitor.disable();
    this.retired = new WeakRef(this.monitor);
    this.monitor = null;
  }

  /**
   * Quiet: `beats` heartbeats have fired since the window started (a check, or a wake between
   * two heartbeats: then the one under way counts as due). Ends the window.
   */
  window(beats: number, underWay = false): void {
    const now = performance.now();
    const late = now - this.windowStartMs - (beats + (underWay ? 1 : 0)) * this.beatMs;
    if (late > this.worstLateMs) this.worstLateMs = late;
    this.windowStartMs = now;
  }

  /** The figures since the last report: the monitor's percentiles, or while it has recorded nothing (quiet, just woken) the worst quiet window. */
  figures(): DelayFigures {
    const m = this.monitor;
    if (m !== null && m.count > 0) return { p50Ms: delayMs(m.percentile(50)), p99Ms: delayMs(m.percentile(99)) };
    const late = Math.round(this.worstLateMs * 100) / 100;
    return { p50Ms: late, p99Ms: late };
  }

  /** A report went out: the next figures start from now. A monitor that recorded nothing is not reset (reset() maps all its counters). */
  reported(): void {
    this.worstLateMs = 0;
    if (this.monitor !== null && this.monitor.count > 0) this.monitor.reset();
  }

  /** Loop samples the monitor holds since the last report (0 while quiet). */
  get samples(): number {
    return this.monitor?.count ?? 0;
  }

  /** Stops for good. */
  stop(): void {
    this.monitor?.disable();
    this.monitor = null;
    this.retired = null;
  }
}

/** The monitor records the whole time between its timer's ticks; the delay is what exceeds the resolution. */
function delayMs(ns: number): number {
  if (!Number.isFinite(ns)) return 0;
  return Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
}
