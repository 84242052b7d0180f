/**
 * One sampler for every worker of every app: each tick, a single usage call for all pids (not
 * one per worker), merged with what each worker's runtime last reported, aggregated per app.
 *
 * Ticks never overlap: the next one is armed when the previous one has finished. The timer is
 * unref'd, and stop() clears the usage reader's history (and pidusage's timer where it is used), so a sampler never keeps the daemon
 * alive.
 */
import type { MetricsEvent, WorkerMetrics } from '../protocol/index.js';
import { clearUsageHistory, pidUsage, type UsageFn } from './process-usage.js';
import type { AppInfo, RequestCounter, SampleTarget } from './tick.js';
import { aggregateApps, nextRequestCounter, workerKey, workerMetrics } from './tick.js';
import { isoTime } from '../platform/iso-time.js';

export type { SampleTarget, AppInfo } from './tick.js';
export type { UsageFn } from './process-usage.js';

export interface MetricsSamplerOptions {
  intervalMs: number;
  targets: () => SampleTarget[];
  apps: () => AppInfo[];
  /** Default: /proc/<pid>/stat of each pid on Linux, one pidusage call for all elsewhere (process-usage.ts). */
  usage?: UsageFn;
  now?: () => number;
  /** Where a failed usage call or a throwing tick listener is reported. */
  log?: (line: string) => void;
}

export class MetricsSampler {
  private readonly usage: UsageFn;
  private readonly now: () => number;
  private readonly listeners = new Set<(event: MetricsEvent) => void>();
  private counters = new Map<string, RequestCounter>();
  private latestByWorker = new Map<string, WorkerMetrics>();
  private last: MetricsEvent | null = null;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<MetricsEvent> | null = null;

  constructor(private readonly options: MetricsSamplerOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    this.usage = options.usage ?? pidUsage;
    this.now = options.now ?? Date.now;
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
    // A tick still reading would refill the usage history: clear after it, too.
    clearUsageHistory();
    void this.inFlight?.finally(clearUsageHistory);
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

  /**
   * Runs one tick now and resolves with its event (the timer calls this; so can tests). While a
   * tick runs, a second call gets that tick's promise rather than starting another.
   */
  tick(): Promise<MetricsEvent> {
    this.inFlight ??= this.sample().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      const startedMs = this.now();
      void this.tick()
        .catch((err: Error) => this.options.log?.(`metrics: a tick failed: ${err.stack ?? String(err)}`))
        .finally(() => {
          if (this.running) this.arm(Math.max(0, this.options.intervalMs - (this.now() - startedMs)));
        });
    }, delayMs);
    this.timer.unref();
  }

  private async sample(): Promise<MetricsEvent> {
    const targets = this.options.targets();
    const pids = [...new Set(targets.map((t) => t.pid))];
    let usage: Awaited<ReturnType<UsageFn>> = {};
    try {
      usage = await this.usage(pids);
    } catch (err) {
      this.options.log?.(`metrics: reading process usage failed: ${(err as Error).message}`);
    }
    const nowMs = this.now();
    const staleMs = Math.max(3 * this.options.intervalMs, 3000);
    const counters = new Map<string, RequestCounter>();
    const workers: WorkerMetrics[] = [];
    for (const target of targets) {
      const key = workerKey(target.app, target.workerId);
      const counter = nextRequestCounter(this.counters.get(key), target.pid, target.report, nowMs, staleMs);
      if (counter) counters.set(key, counter);
      const used = usage[target.pid];
      // No usage: the process exited between targets() and the read. It is left out of this tick.
      if (used) workers.push(workerMetrics(target, used, counter));
    }
    const event: MetricsEvent = { kind: 'metrics', at: isoTime(nowMs), workers, apps: aggregateApps(this.options.apps(), workers) };
    this.counters = counters;
    this.latestByWorker = new Map(workers.map((w) => [workerKey(w.app, w.worker_id), w]));
    this.last = event;
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (err) {
        this.options.log?.(`metrics: a tick listener threw: ${(err as Error).stack ?? String(err)}`);
      }
    }
    return event;
  }
}
