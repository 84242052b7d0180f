/**
 * One sampler tick, computed from plain inputs: what each worker's process uses (from the OS),
 * what its runtime last reported, and the previous tick's request counters. No timers, no
 * processes: the sampler (sampler.ts) does the I/O and calls these.
 */
import type { AppMetrics, WorkerMetrics, WorkerReport } from '../protocol/index.js';

/** A worker to sample, as the daemon sees it right now. */
export interface SampleTarget {
  app: string;
  workerId: number;
  pid: number;
  revision: number;
  /**
   * The runtime's last report, as the worker pool holds it. Pass the pool's object itself, not a
   * copy: a new object is how the sampler knows a new report arrived since the last tick.
   */
  report: WorkerReport | undefined;
}

/** What the daemon knows per app (counters that outlive workers). */
export interface AppInfo {
  app: string;
  revision: number;
  restarts: number;
  uptime_ms: number;
  reloads: { succeeded: number; failed: number };
}

/** CPU (% of one core over the last call) and resident memory (bytes) of one process. */
export interface ProcessUsage {
  cpu: number;
  memory: number;
}

/** What a tick keeps about a worker's request counter, to compute the next tick's rate. */
export interface RequestCounter {
  pid: number;
  /** The report the counter was read from. */
  report: WorkerReport;
  served: number;
  /** When that report was first seen (ms). */
  seenMs: number;
  /** The rate computed then (req/s), or null for the first report of a process. */
  rate: number | null;
}

/**
 * The request rate of one worker, from its previous counter and its report now.
 *
 * The runtime reports about once a second and the sampler ticks about once a second, on two
 * unrelated clocks: a tick may see no new report, the next one two. Dividing each tick's delta by
 * the tick's length would then read 0 req/s, then twice the real rate. So the rate is taken
 * between the ticks that saw a *new* report, over the time between those ticks; a tick that sees
 * the same report keeps the last rate — until `staleMs` passes without a report, then 0.
 *
 * A new pid (the worker's process was replaced) or a counter that went down starts over: no rate
 * until the next report.
 */
export function nextRequestCounter(previous: RequestCounter | undefined, pid: number, report: WorkerReport | undefined, nowMs: number, staleMs: number): RequestCounter | undefined {
  if (report === undefined) return undefined;
  if (previous === undefined || previous.pid !== pid || report.requestsServed < previous.served) {
    return { pid, report, served: report.requestsServed, seenMs: nowMs, rate: null };
  }
  if (report === previous.report) {
    return nowMs - previous.seenMs > staleMs && previous.rate !== null ? { ...previous, rate: 0 } : previous;
  }
  const elapsedMs = nowMs - previous.seenMs;
  const rate = elapsedMs > 0 ? ((report.requestsServed - previous.served) * 1000) / elapsedMs : previous.rate;
  return { pid, report, served: report.requestsServed, seenMs: nowMs, rate };
}

/** The metrics of one worker in this tick. */
export function workerMetrics(target: SampleTarget, usage: ProcessUsage, counter: RequestCounter | undefined): WorkerMetrics {
  const report = target.report;
  return {
    app: target.app,
    worker_id: target.workerId,
    pid: target.pid,
    revision: target.revision,
    cpu_percent: round(usage.cpu, 2),
    rss_bytes: Math.round(usage.memory),
    heap_used_bytes: report?.heapUsedBytes ?? null,
    heap_total_bytes: report?.heapTotalBytes ?? null,
    event_loop_delay_p50_ms: report?.eventLoopDelayP50Ms ?? null,
    event_loop_delay_p99_ms: report?.eventLoopDelayP99Ms ?? null,
    requests_in_flight: report?.requestsInFlight ?? null,
    requests_total: report?.requestsServed ?? null,
    requests_per_sec: counter?.rate == null ? null : round(counter.rate, 2),
  };
}

/** Per-app metrics: the daemon's counters, plus the sums over the app's workers in this tick. */
export function aggregateApps(apps: AppInfo[], workers: WorkerMetrics[]): AppMetrics[] {
  return apps.map((info) => {
    let cpu = 0;
    let rss = 0;
    let rate = 0;
    for (const w of workers) {
      if (w.app !== info.app) continue;
      cpu += w.cpu_percent;
      rss += w.rss_bytes;
      rate += w.requests_per_sec ?? 0;
    }
    return {
      app: info.app,
      revision: info.revision,
      restarts: info.restarts,
      uptime_ms: info.uptime_ms,
      reloads: { succeeded: info.reloads.succeeded, failed: info.reloads.failed },
      requests_per_sec: round(rate, 2),
      cpu_percent: round(cpu, 2),
      rss_bytes: rss,
    };
  });
}

/** The key of a worker in the sampler's maps. */
export function workerKey(app: string, workerId: number): string {
  return `${app}\u0000${workerId}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
