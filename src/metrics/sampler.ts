/**
 * One sampler for every worker of every app: each tick, a single usage call for all pids (not
 * one per worker), merged with what each worker's runtime last reported, aggregated per app.
 *
 * Ticks run once per interval, in the wake-up of a worker's report when one comes about then
 * (reportArrived(); tick-phase.ts), else on the sampler's timer. Ticks never overlap: a tick due
 * while the previous one still reads (an asynchronous usage read) is skipped. The timer is unref'd, and stop() clears the usage reader's history (and pidusage's
 * timer where it is used), so a sampler never keeps the daemon alive. With the /proc reader the
 * whole tick is synchronous: no promise, no closure and no map is made per tick (an idle daemon
 * runs this in V8's interpreter, where each costs; bench/RESULTS.md, section 29).
 */
import type { MetricsEvent, WorkerMetrics } from '../protocol/index.js';
import { clearUsageHistory, pidUsage, type UsageFn } from './process-usage.js';
import type { AppInfo, ProcessUsage, RequestCounter, SampleTarget } from './tick.js';
import { aggregateApps, nextRequestCounter, workerKey, workerMetrics } from './tick.js';
import { isoTime } from '../platform/iso-time.js';
import { monotonicMs } from '../platform/monotonic-ms.js';
import { newTickPhase, onTimer, tickOnReport, ticked } from './tick-phase.js';

export type { SampleTarget, AppInfo } from './tick.js';

/** Where a report's tick is queued: a reaction of a settled promise runs after the report's other listeners. */
const RESOLVED = Promise.resolve();
export type { UsageFn } from './process-usage.js';

export interface MetricsSamplerOptions {
  intervalMs: number;
  targets: () => SampleTarget[];
  apps: () => AppInfo[];
  /** Default: /proc/<pid>/stat of each pid on Linux, one pidusage call for all elsewhere (process-usage.ts). */
  usage?: UsageFn;
  now?: () => number;
  /** When ticks are due (ms, monotonic): default {@link monotonicMs}, or `now` when that is given (tests). */
  clockMs?: () => number;
  /** Where a failed usage call or a throwing tick listener is reported. */
  log?: (line: string) => void;
}

export class MetricsSampler {
  private readonly usage: UsageFn;
  private readonly now: () => number;
  private readonly clockMs: () => number;
  private readonly listeners = new Set<(event: MetricsEvent) => void>();
  // Two maps each, swapped at every tick (the one of the tick before is cleared and refilled):
  // no map allocated per tick.
  private counters = new Map<string, RequestCounter>();
  private nextCounters = new Map<string, RequestCounter>();
  private latestByWorker = new Map<string, WorkerMetrics>();
  private nextLatest = new Map<string, WorkerMetrics>();
  /** The pids of the tick being taken (reused). */
  private readonly pids: number[] = [];
  private last: MetricsEvent | null = null;
  private lastMs = NaN;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  /** The last Timeout made and its delay: re-armed with refresh() when the next delay is the same. */
  private spare: NodeJS.Timeout | null = null;
  private timerDelayMs = NaN;
  private readonly phase = newTickPhase();
  private reportTickQueued = false;
  private inFlight: Promise<MetricsEvent> | null = null;
  private readonly onTimer = (): void => this.timerFired();
  private readonly onReportTick = (): void => {
    this.reportTickQueued = false;
    if (this.running) this.timedTick(true);
  };

  constructor(private readonly options: MetricsSamplerOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    this.usage = options.usage ?? pidUsage;
    this.now = options.now ?? Date.now;
    // Wall-clock time stamps the events; the schedule runs on a monotonic clock (a clock set back
    // must not stop the ticks).
    this.clockMs = options.clockMs ?? options.now ?? monotonicMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(this.options.intervalMs);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.spare = null;
    // A tick still reading would refill the usage history: clear after it, too.
    clearUsageHistory();
    void this.inFlight?.finally(clearUsageHistory);
  }

  /**
   * A worker's report arrived: the tick runs in this wake-up when it is about due (tick-phase.ts),
   * after the report's other listeners (a microtask), so that it sees the report.
   */
  reportArrived(): void {
    if (!this.running || this.reportTickQueued || this.inFlight !== null) return;
    if (!tickOnReport(this.phase, this.clockMs(), this.options.intervalMs)) return;
    this.reportTickQueued = true;
    // A promise reaction rather than queueMicrotask(), which makes an AsyncResource per call.
    void RESOLVED.then(this.onReportTick);
  }

  /** Calls `fn` after every tick; returns a function that removes it. */
  onTick(fn: (event: MetricsEvent) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** The last sampled metrics of one worker, if the last tick saw it. */
  latest(app: string, workerId: number): WorkerMetrics | undefined {
    return this.latestByWorker.get(workerKey(app, workerId));
  }

  /** The last tick, or null before the first. */
  snapshot(): MetricsEvent | null {
    return this.last;
  }

  /** When the last tick was taken (ms since epoch; its event's `at`), NaN before the first. */
  lastTickMs(): number {
    return this.lastMs;
  }

  /**
   * Runs one tick now and resolves with its event (the timer runs the same tick; so can tests).
   * While a tick runs, a second call gets that tick's promise rather than starting another.
   */
  tick(): Promise<MetricsEvent> {
    if (this.inFlight !== null) return this.inFlight;
    try {
      const started = this.begin();
      if (!isPromise(started.usage)) return Promise.resolve(this.finish(started.targets, started.usage));
      return this.await(started.targets, started.usage);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The timer: tick, or wait for a report, or watch again later (tick-phase.ts); re-armed only here. */
  private timerFired(): void {
    this.timer = null;
    if (!this.running) return;
    const next = onTimer(this.phase, this.clockMs(), this.options.intervalMs);
    if (next.tick) this.timedTick(false);
    this.arm(next.nextMs);
  }

  /**
   * A tick of the timer or of a report: synchronous from end to end when the usage read is (/proc
   * on Linux), so an idle tick creates no promise; a tick still running (an asynchronous read) is
   * not overlapped: this one is skipped.
   */
  private timedTick(byReport: boolean): void {
    if (this.inFlight !== null) return;
    ticked(this.phase, this.clockMs(), byReport);
    try {
      const started = this.begin();
      if (!isPromise(started.usage)) this.finish(started.targets, started.usage);
      else void this.await(started.targets, started.usage).catch((err: Error) => this.tickFailed(err));
    } catch (err) {
      this.tickFailed(err as Error);
    }
  }

  /** Sets the timer (not pending: see tick-phase.ts) to fire in `delayMs`: the same Timeout when the delay is the same (no new object, no async id). */
  private arm(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.spare !== null && delayMs === this.timerDelayMs) {
      this.timer = this.spare;
      this.timer.refresh();
    } else {
      this.timer = setTimeout(this.onTimer, delayMs);
      this.timer.unref();
      this.spare = this.timer;
      this.timerDelayMs = delayMs;
    }
  }

  private tickFailed(err: Error): void {
    this.options.log?.(`metrics: a tick failed: ${err.stack ?? String(err)}`);
  }

  /** The tick's targets and the usage read of their pids (a failed read is logged and reads as nothing). */
  private begin(): { targets: SampleTarget[]; usage: Usage | Promise<Usage> } {
    const targets = this.options.targets();
    const pids = this.pids;
    pids.length = 0;
    for (let i = 0; i < targets.length; i++) {
      const pid = targets[i]!.pid;
      if (!pids.includes(pid)) pids.push(pid);
    }
    let usage: Usage | Promise<Usage>;
    try {
      usage = this.usage(pids);
    } catch (err) {
      this.usageFailed(err as Error);
      usage = {};
    }
    if (isPromise(usage)) usage = usage.catch((err: Error) => (this.usageFailed(err), {}));
    return { targets, usage };
  }

  private usageFailed(err: Error): void {
    this.options.log?.(`metrics: reading process usage failed: ${err.message}`);
  }

  private await(targets: SampleTarget[], usage: Promise<Usage>): Promise<MetricsEvent> {
    const done = usage.then((u) => this.finish(targets, u));
    this.inFlight = done.finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private finish(targets: SampleTarget[], usage: Usage): MetricsEvent {
    const nowMs = this.now();
    const staleMs = Math.max(3 * this.options.intervalMs, 3000);
    const counters = this.nextCounters;
    const latest = this.nextLatest;
    counters.clear();
    latest.clear();
    const workers: WorkerMetrics[] = [];
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      const key = workerKey(target.app, target.workerId);
      const counter = nextRequestCounter(this.counters.get(key), target.pid, target.report, nowMs, staleMs);
      if (counter) counters.set(key, counter);
      const used = usage[target.pid];
      // No usage: the process exited between targets() and the read. It is left out of this tick.
      if (used) {
        const metrics = workerMetrics(target, used, counter);
        workers.push(metrics);
        latest.set(key, metrics);
      }
    }
    const event: MetricsEvent = { kind: 'metrics', at: isoTime(nowMs), workers, apps: aggregateApps(this.options.apps(), workers) };
    this.nextCounters = this.counters;
    this.counters = counters;
    this.nextLatest = this.latestByWorker;
    this.latestByWorker = latest;
    this.last = event;
    this.lastMs = nowMs;
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch (err) {
        this.options.log?.(`metrics: a tick listener threw: ${(err as Error).stack ?? String(err)}`);
      }
    }
    return event;
  }
}

type Usage = Record<number, ProcessUsage>;

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}
