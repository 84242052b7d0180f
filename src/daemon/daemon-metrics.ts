/**
 * The daemon's metrics: one sampler for every worker, the history the dashboard draws, the
 * Prometheus text of /metrics, and, at each tick, the max_memory_restart policy
 * (cluster/memory-policy.ts) carried out and the tick published to `metrics` subscribers.
 */
import type { AppTrafficInfo, WorkerMetricsSummary } from '../protocol/index.js';
import { memoryRestarts } from '../cluster/memory-policy.js';
import type { Supervisor } from '../cluster/supervisor.js';
import { MetricsHistory } from '../metrics/history.js';
import { renderPrometheus } from '../metrics/prometheus.js';
import { MetricsSampler } from '../metrics/sampler.js';
import { HOTCTL_VERSION } from '../version.js';
import type { EventBus } from './event-bus.js';
import type { OutcomesOf } from './revision-outcomes.js';

export interface DaemonMetricsOptions {
  /** 0: the sampler never ticks (CPU and memory read as absent, max_memory_restart is inert). */
  intervalMs: number;
  apps(): Supervisor[];
  /** What the connection router saw of an app (null: not routed). */
  traffic?(app: string): AppTrafficInfo | null;
  /** The request outcomes of an app's revisions (revision-outcomes.ts). */
  outcomesOf?: OutcomesOf;
  bus: EventBus;
  startedMs: number;
  log(line: string): void;
  /** Called at each sampler tick (compiler-governor.ts). */
  onTick?(): void;
}

export class DaemonMetrics {
  readonly history = new MetricsHistory();
  private readonly sampler: MetricsSampler;

  constructor(private readonly o: DaemonMetricsOptions) {
    this.sampler = new MetricsSampler({
      intervalMs: o.intervalMs || 1000,
      targets: () =>
        o.apps().flatMap((sup) => sup.pool.workers.flatMap((w) => (w.pid === null ? [] : [{ app: sup.name, workerId: w.id, pid: w.pid, revision: w.revision, report: sup.pool.report(w.id) }]))),
      apps: () => this.appInfo(),
      log: o.log,
    });
    this.sampler.onTick((event) => {
      this.history.record(event);
      // max_memory_restart: a worker above its app's limit is replaced, its successor ready first.
      for (const { app, worker, reason } of memoryRestarts(event.workers, o.apps())) void app.replaceWorker(worker, reason);
      if (o.bus.wants('metrics')) o.bus.publish(event);
      o.onTick?.();
    });
  }

  start(): void {
    if (this.o.intervalMs > 0) this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
  }

  /** A worker's last sampled figures, for status. */
  summary(app: string, workerId: number): WorkerMetricsSummary | null {
    const m = this.sampler.latest(app, workerId);
    return m ? { cpu_percent: m.cpu_percent, rss_bytes: m.rss_bytes, requests_per_sec: m.requests_per_sec, requests_total: m.requests_total } : null;
  }

  /** The Prometheus text of /metrics. */
  text(): string {
    const last = this.sampler.snapshot();
    const traffic = this.o.apps().flatMap((sup) => {
      const t = this.o.traffic?.(sup.name) ?? null;
      return t === null ? [] : [{ app: sup.name, traffic: t }];
    });
    const outcomes = this.o.apps().flatMap((sup) => [...(this.o.outcomesOf?.(sup.name) ?? [])].map(([revision, o]) => ({ app: sup.name, revision, outcomes: o })));
    return renderPrometheus({ workers: last?.workers ?? [], apps: this.appInfo(), traffic, outcomes, daemon: { version: HOTCTL_VERSION, uptime_ms: Date.now() - this.o.startedMs } });
  }

  /** What is known of each app without a sample: the sampler's apps, and /metrics at once after a start. */
  private appInfo() {
    return this.o.apps().map((sup) => {
      const nowMs = Date.now();
      const started = sup.pool.workers.flatMap((w) => (w.processStartedMs === null ? [] : [w.processStartedMs]));
      return {
        app: sup.name,
        revision: sup.activeRevision,
        restarts: sup.restarts(),
        uptime_ms: started.length === 0 ? 0 : nowMs - Math.min(...started),
        reloads: sup.reloadCounts(),
      };
    });
  }
}
