/**
 * The daemon's metrics: one sampler for every worker, the history the dashboard draws, the
 * Prometheus text of /metrics, and, at each tick, the max_memory_restart policy
 * (cluster/memory-policy.ts) carried out and the tick published to `metrics` subscribers.
 */
import type { AppTrafficInfo, WorkerMetricsSummary } from '../protocol/index.js';
import { isWorkerMessage } from '../protocol/index.js';
import type { WorkerProcess } from '../cluster/worker-host.js';
import { memoryRestarts } from '../cluster/memory-policy.js';
import type { Supervisor } from '../cluster/supervisor.js';
import { MetricsHistory } from '../metrics/history.js';
import { renderPrometheus } from '../metrics/prometheus.js';
import { MetricsSampler, type AppInfo, type SampleTarget } from '../metrics/sampler.js';
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
      targets: () => this.targets(),
      apps: () => this.appInfo(),
      log: o.log,
    });
    this.sampler.onTick((event) => {
      this.history.record(event, this.sampler.lastTickMs());
      // max_memory_restart: a worker above its app's limit is replaced, its successor ready first.
      for (const { app, worker, reason } of memoryRestarts(event.workers, o.apps())) void app.replaceWorker(worker, reason);
      if (o.bus.wants('metrics')) o.bus.publish(event);
      o.onTick?.();
    });
  }

  start(): void {
    if (this.o.intervalMs > 0) this.sampler.start();
  }

  /**
   * `proc`, whose reports now also time the sampler's tick: it runs in the wake-up of a report
   * when one comes about when the tick is due, not in a wake-up of its own (metrics/tick-phase.ts).
   */
  sampleOnReports(proc: WorkerProcess): WorkerProcess {
    proc.onMessage(this.onWorkerMessage);
    return proc;
  }

  private readonly onWorkerMessage = (message: unknown): void => {
    if (isWorkerMessage(message) && message.type === 'report') this.sampler.reportArrived();
  };

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

  /**
   * Every worker with a process, as the sampler takes them. Plain loops, no closure per app or
   * worker: this runs each second in an idle daemon, in V8's interpreter (bench/RESULTS.md, section 29).
   */
  private targets(): SampleTarget[] {
    const out: SampleTarget[] = [];
    const apps = this.o.apps();
    for (let a = 0; a < apps.length; a++) {
      const sup = apps[a]!;
      const workers = sup.pool.workers;
      for (let i = 0; i < workers.length; i++) {
        const w = workers[i]!;
        if (w.pid !== null) out.push({ app: sup.name, workerId: w.id, pid: w.pid, revision: w.revision, report: sup.pool.report(w.id) });
      }
    }
    return out;
  }

  /** What is known of each app without a sample: the sampler's apps, and /metrics at once after a start. */
  private appInfo(): AppInfo[] {
    const nowMs = Date.now();
    const apps = this.o.apps();
    const out: AppInfo[] = [];
    for (let a = 0; a < apps.length; a++) {
      const sup = apps[a]!;
      const workers = sup.pool.workers;
      let firstStartedMs = Infinity;
      for (let i = 0; i < workers.length; i++) {
        const started = workers[i]!.processStartedMs;
        if (started !== null && started < firstStartedMs) firstStartedMs = started;
      }
      out.push({
        app: sup.name,
        revision: sup.activeRevision,
        restarts: sup.restarts(),
        uptime_ms: firstStartedMs === Infinity ? 0 : nowMs - firstStartedMs,
        reloads: sup.reloadCounts(),
      });
    }
    return out;
  }
}
