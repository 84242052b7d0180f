/**
 * The Prometheus text exposition format (version 0.0.4) of one metrics tick. Pure: the HTTP
 * listener serves what this returns at `/metrics`.
 *
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 *
 * Worker series carry the labels `app`, `worker` (the worker id), `pid` and `revision`. Series
 * that come from the worker runtime (heap, event-loop delay, requests) are absent for a worker
 * until its first report, rather than exposed as a made-up 0.
 */
import type { AppMetrics, AppTrafficInfo, RequestOutcomes, WorkerMetrics } from '../protocol/index.js';
import { CODE_CLASSES, DURATION_BUCKETS_S } from '../protocol/index.js';

/** What the app series need: known from the daemon's own bookkeeping, without waiting for a sample. */
export type PrometheusApp = Pick<AppMetrics, 'app' | 'revision' | 'restarts' | 'uptime_ms' | 'reloads'>;

export interface PrometheusInput {
  workers: WorkerMetrics[];
  /** Every app the daemon knows, read at the time of the request (not from the last sample). */
  apps: PrometheusApp[];
  /** What the connection router saw of each routed app (absent: none). */
  traffic?: { app: string; traffic: AppTrafficInfo }[];
  /** Request outcomes per app and revision, cumulative (issue 12; absent: none). */
  outcomes?: { app: string; revision: number; outcomes: RequestOutcomes }[];
  daemon: { version: string; uptime_ms: number };
}

/** The exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string | number>;
type Sample = { labels: Labels; value: number; suffix?: string };
type Family = { name: string; type: 'gauge' | 'counter' | 'histogram'; help: string; samples: Sample[] };

export function renderPrometheus(input: PrometheusInput): string {
  const families: Family[] = [
    ...workerFamilies(input.workers),
    ...appFamilies(input.apps),
    ...trafficFamilies(input.traffic ?? []),
    ...outcomeFamilies(input.outcomes ?? []),
    {
      name: 'hotctl_daemon_info',
      type: 'gauge',
      help: 'Always 1; the labels describe the hotctl daemon.',
      samples: [{ labels: { version: input.daemon.version }, value: 1 }],
    },
    {
      name: 'hotctl_daemon_uptime_seconds',
      type: 'gauge',
      help: 'Time since the hotctl daemon started.',
      samples: [{ labels: {}, value: input.daemon.uptime_ms / 1000 }],
    },
  ];
  return families.map(renderFamily).join('');
}

function workerFamilies(workers: WorkerMetrics[]): Family[] {
  const labels = (w: WorkerMetrics): Labels => ({ app: w.app, worker: w.worker_id, pid: w.pid, revision: w.revision });
  const each = (value: (w: WorkerMetrics) => number | null): Sample[] =>
    workers.flatMap((w) => {
      const v = value(w);
      return v === null ? [] : [{ labels: labels(w), value: v }];
    });
  return [
    { name: 'hotctl_worker_cpu_ratio', type: 'gauge', help: 'CPU use of the worker process over the last sample, in cores (1 = one core fully busy).', samples: each((w) => w.cpu_percent / 100) },
    { name: 'hotctl_worker_resident_memory_bytes', type: 'gauge', help: 'Resident set size of the worker process.', samples: each((w) => w.rss_bytes) },
    { name: 'hotctl_worker_heap_used_bytes', type: 'gauge', help: 'V8 heap used, as the worker runtime last reported it.', samples: each((w) => w.heap_used_bytes) },
    { name: 'hotctl_worker_heap_total_bytes', type: 'gauge', help: 'V8 heap size, as the worker runtime last reported it.', samples: each((w) => w.heap_total_bytes) },
    {
      // A gauge, not a summary: these are percentiles over the runtime's last report interval,
      // and there is no cumulative _sum/_count to go with them.
      name: 'hotctl_worker_event_loop_delay_seconds',
      type: 'gauge',
      help: "Event-loop delay percentiles over the worker runtime's last report interval.",
      samples: workers.flatMap((w) => [
        ...(w.event_loop_delay_p50_ms === null ? [] : [{ labels: { ...labels(w), quantile: '0.5' }, value: w.event_loop_delay_p50_ms / 1000 }]),
        ...(w.event_loop_delay_p99_ms === null ? [] : [{ labels: { ...labels(w), quantile: '0.99' }, value: w.event_loop_delay_p99_ms / 1000 }]),
      ]),
    },
    { name: 'hotctl_worker_requests_in_flight', type: 'gauge', help: 'HTTP requests the worker is serving right now.', samples: each((w) => w.requests_in_flight) },
    { name: 'hotctl_worker_requests_total', type: 'counter', help: 'HTTP requests the worker process has answered since it started.', samples: each((w) => w.requests_total) },
  ];
}

function appFamilies(apps: PrometheusApp[]): Family[] {
  return [
    { name: 'hotctl_app_restarts_total', type: 'counter', help: 'Restarts of the app: crash restarts of its workers plus restarts and reloads (as PM2 counts them).', samples: apps.map((a) => ({ labels: { app: a.app }, value: a.restarts })) },
    {
      name: 'hotctl_app_reloads_total',
      type: 'counter',
      help: 'Reloads of the app since the daemon started, by outcome.',
      samples: apps.flatMap((a) => [
        { labels: { app: a.app, result: 'succeeded' }, value: a.reloads.succeeded },
        { labels: { app: a.app, result: 'failed' }, value: a.reloads.failed },
      ]),
    },
    { name: 'hotctl_app_revision', type: 'gauge', help: 'The revision of the app that serves.', samples: apps.map((a) => ({ labels: { app: a.app }, value: a.revision })) },
    { name: 'hotctl_app_uptime_seconds', type: 'gauge', help: 'Time since the app started.', samples: apps.map((a) => ({ labels: { app: a.app }, value: a.uptime_ms / 1000 })) },
  ];
}

/** The connection router's series (issue 11): per app, and routed/share per revision. */
function trafficFamilies(apps: { app: string; traffic: AppTrafficInfo }[]): Family[] {
  const perApp = (value: (t: AppTrafficInfo) => number): Sample[] => apps.map(({ app, traffic }) => ({ labels: { app }, value: value(traffic) }));
  const perRevision = (value: (r: AppTrafficInfo['revisions'][number]) => number | null): Sample[] =>
    apps.flatMap(({ app, traffic }) =>
      traffic.revisions.flatMap((r) => {
        const v = value(r);
        return v === null ? [] : [{ labels: { app, revision: r.revision }, value: v }];
      }),
    );
  return [
    { name: 'hotctl_traffic_connections_accepted_total', type: 'counter', help: "Connections accepted on the app's routed listening sockets by the primary.", samples: perApp((t) => t.accepted) },
    { name: 'hotctl_traffic_connections_routed_total', type: 'counter', help: "Connections handed to (and accepted by) the revision's workers.", samples: perRevision((r) => r.routed) },
    { name: 'hotctl_traffic_share', type: 'gauge', help: 'The share of new connections asked for the revision (0 to 1; absent: by worker count).', samples: perRevision((r) => (r.share === null ? null : r.share / 100)) },
    { name: 'hotctl_traffic_queued', type: 'gauge', help: 'Connections waiting now for a ready worker.', samples: perApp((t) => t.queued) },
    { name: 'hotctl_traffic_dropped_total', type: 'counter', help: 'Connections closed unserved: the queue was full, or they waited past its timeout.', samples: perApp((t) => t.dropped) },
    { name: 'hotctl_traffic_queue_wait_seconds_sum', type: 'counter', help: 'Total time connections waited in the queue for a ready worker.', samples: perApp((t) => t.queue_wait.total_ms / 1000) },
    { name: 'hotctl_traffic_queue_wait_seconds_count', type: 'counter', help: 'Connections that waited in the queue for a ready worker.', samples: perApp((t) => t.queue_wait.count) },
    { name: 'hotctl_traffic_queue_wait_seconds_max', type: 'gauge', help: 'The longest time a connection waited in the queue.', samples: perApp((t) => t.queue_wait.max_ms / 1000) },
  ];
}

/**
 * Request outcomes per revision (issue 12): responses by status class, plus `reset` and
 * `timeout` as code classes of their own in the same counter (requests unanswered), and the
 * response-duration histogram with the runtime's fixed buckets.
 */
function outcomeFamilies(revisions: { app: string; revision: number; outcomes: RequestOutcomes }[]): Family[] {
  const requests: Sample[] = [];
  const duration: Sample[] = [];
  for (const { app, revision, outcomes: o } of revisions) {
    for (const c of CODE_CLASSES) requests.push({ labels: { app, revision, code_class: c }, value: o.responses[c] });
    requests.push({ labels: { app, revision, code_class: 'reset' }, value: o.resets }, { labels: { app, revision, code_class: 'timeout' }, value: o.timeouts });
    let cumulative = 0;
    for (let i = 0; i < o.duration_buckets.length; i++) {
      cumulative += o.duration_buckets[i]!;
      duration.push({ suffix: '_bucket', labels: { app, revision, le: i < DURATION_BUCKETS_S.length ? String(DURATION_BUCKETS_S[i]) : '+Inf' }, value: cumulative });
    }
    duration.push({ suffix: '_sum', labels: { app, revision }, value: o.duration_sum_s }, { suffix: '_count', labels: { app, revision }, value: cumulative });
  }
  return [
    {
      name: 'hotctl_revision_requests_total',
      type: 'counter',
      help: "HTTP requests the revision's workers received, by outcome: code_class 1xx to 5xx (answered), reset or timeout (unanswered); kept across worker replacements.",
      samples: requests,
    },
    { name: 'hotctl_revision_request_duration_seconds', type: 'histogram', help: "Time from a request received to its response finished, for the revision's workers.", samples: duration },
  ];
}

function renderFamily(family: Family): string {
  let out = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
  for (const sample of family.samples) out += `${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  return out;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // 15 significant digits: 1.87 ms reads 0.00187, not 0.0018700000000000001.
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}
