import t from 'tap';
import parse, { type ParsedFamily } from 'parse-prometheus-text-format';
import type { AppMetrics, WorkerMetrics } from '../../../src/protocol/index.js';
import { escapeLabelValue, renderPrometheus } from '../../../src/metrics/prometheus.js';
import { DURATION_BUCKETS_S, emptyOutcomes } from '../../../src/protocol/outcomes.js';

function worker(app: string, id: number, pid: number, revision: number, over: Partial<WorkerMetrics> = {}): WorkerMetrics {
  return {
    app,
    worker_id: id,
    pid,
    revision,
    cpu_percent: 25,
    rss_bytes: 50_000_000,
    heap_used_bytes: 10_000_000,
    heap_total_bytes: 20_000_000,
    event_loop_delay_p50_ms: 1.5,
    event_loop_delay_p99_ms: 12,
    requests_in_flight: 3,
    requests_total: 1234,
    requests_per_sec: 40,
    ...over,
  };
}

function app(name: string, over: Partial<AppMetrics> = {}): AppMetrics {
  return { app: name, revision: 2, restarts: 4, uptime_ms: 90_000, reloads: { succeeded: 3, failed: 1 }, requests_per_sec: 0, cpu_percent: 0, rss_bytes: 0, ...over };
}

const WORKER_SERIES = [
  ['hotctl_worker_cpu_ratio', 'GAUGE'],
  ['hotctl_worker_resident_memory_bytes', 'GAUGE'],
  ['hotctl_worker_heap_used_bytes', 'GAUGE'],
  ['hotctl_worker_heap_total_bytes', 'GAUGE'],
  ['hotctl_worker_event_loop_delay_seconds', 'GAUGE'],
  ['hotctl_worker_requests_in_flight', 'GAUGE'],
  ['hotctl_worker_requests_total', 'COUNTER'],
] as const;

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no family ${name}`);
  return found;
}

t.test('every worker series, for every worker, with app/worker/pid/revision labels; parsed by a real parser', async (t) => {
  const workers = [worker('api', 1, 101, 1), worker('api', 2, 102, 2, { cpu_percent: 150 }), worker('jobs', 7, 201, 5)];
  const text = renderPrometheus({ workers, apps: [app('api'), app('jobs')], daemon: { version: '1.2.3', uptime_ms: 5000 } });
  const families = parse(text);

  for (const [name, type] of WORKER_SERIES) {
    const f = family(families, name);
    t.equal(f.type, type, `${name} type`);
    t.ok(f.help.length > 0, `${name} has HELP`);
    const expected = name === 'hotctl_worker_event_loop_delay_seconds' ? 2 * workers.length : workers.length;
    t.equal(f.metrics.length, expected, `${name}: one sample per worker (per quantile)`);
    for (const w of workers) {
      const samples = f.metrics.filter((m) => m.labels?.app === w.app && m.labels.worker === String(w.worker_id) && m.labels.pid === String(w.pid) && m.labels.revision === String(w.revision));
      t.equal(samples.length, expected / workers.length, `${name} for ${w.app}#${w.worker_id}`);
    }
  }

  const cpu = family(families, 'hotctl_worker_cpu_ratio').metrics.map((m) => Number(m.value));
  t.same(cpu, [0.25, 1.5, 0.25], 'cpu as a ratio of one core');
  const delay = family(families, 'hotctl_worker_event_loop_delay_seconds').metrics.filter((m) => m.labels?.worker === '1');
  t.same(
    delay.map((m) => [m.labels!.quantile, Number(m.value)]),
    [
      ['0.5', 0.0015],
      ['0.99', 0.012],
    ],
  );
  t.same(
    family(families, 'hotctl_worker_requests_total').metrics.map((m) => m.value),
    ['1234', '1234', '1234'],
  );
});

t.test('app and daemon series', async (t) => {
  const families = parse(renderPrometheus({ workers: [], apps: [app('api'), app('jobs', { restarts: 0, revision: 9 })], daemon: { version: '1.2.3', uptime_ms: 5000 } }));
  const values = (name: string) => family(families, name).metrics.map((m) => ({ ...m.labels, value: m.value }));
  t.equal(family(families, 'hotctl_app_restarts_total').type, 'COUNTER');
  t.same(values('hotctl_app_restarts_total'), [
    { app: 'api', value: '4' },
    { app: 'jobs', value: '0' },
  ]);
  t.equal(family(families, 'hotctl_app_reloads_total').type, 'COUNTER');
  t.same(values('hotctl_app_reloads_total'), [
    { app: 'api', result: 'succeeded', value: '3' },
    { app: 'api', result: 'failed', value: '1' },
    { app: 'jobs', result: 'succeeded', value: '3' },
    { app: 'jobs', result: 'failed', value: '1' },
  ]);
  t.same(values('hotctl_app_revision'), [
    { app: 'api', value: '2' },
    { app: 'jobs', value: '9' },
  ]);
  t.same(values('hotctl_app_uptime_seconds'), [
    { app: 'api', value: '90' },
    { app: 'jobs', value: '90' },
  ]);
  t.same(values('hotctl_daemon_info'), [{ version: '1.2.3', value: '1' }]);
  t.same(values('hotctl_daemon_uptime_seconds'), [{ value: '5' }]);
  t.same(
    family(families, 'hotctl_worker_cpu_ratio').metrics,
    [],
    'no workers: the family is declared, with no samples',
  );
});

t.test('label values are escaped per the format, and parse back to the original', async (t) => {
  const nasty = 'we"ird\\app\nname,{x="y"}';
  t.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const text = renderPrometheus({ workers: [worker(nasty, 1, 1, 1)], apps: [app(nasty)], daemon: { version: 'v"1\\', uptime_ms: 0 } });
  t.notOk(text.split('\n').some((line) => line.includes('name,{') && !line.includes('\\n')), 'no raw line feed splits a sample');
  const families = parse(text);
  for (const [name] of WORKER_SERIES) t.equal(family(families, name).metrics[0]!.labels!.app, nasty, name);
  t.equal(family(families, 'hotctl_app_revision').metrics[0]!.labels!.app, nasty);
  t.equal(family(families, 'hotctl_daemon_info').metrics[0]!.labels!.version, 'v"1\\');
});

t.test('runtime series are absent for a worker until its first report; OS series are there', async (t) => {
  const fresh = worker('api', 3, 103, 1, {
    heap_used_bytes: null,
    heap_total_bytes: null,
    event_loop_delay_p50_ms: null,
    event_loop_delay_p99_ms: null,
    requests_in_flight: null,
    requests_total: null,
    requests_per_sec: null,
  });
  const families = parse(renderPrometheus({ workers: [fresh], apps: [], daemon: { version: '1', uptime_ms: 0 } }));
  t.equal(family(families, 'hotctl_worker_cpu_ratio').metrics.length, 1);
  t.equal(family(families, 'hotctl_worker_resident_memory_bytes').metrics.length, 1);
  for (const name of ['hotctl_worker_heap_used_bytes', 'hotctl_worker_heap_total_bytes', 'hotctl_worker_event_loop_delay_seconds', 'hotctl_worker_requests_in_flight', 'hotctl_worker_requests_total']) {
    t.equal(family(families, name).metrics.length, 0, name);
  }
});

t.test('text format basics: every line is a comment or a sample, ending in a line feed', async (t) => {
  const text = renderPrometheus({ workers: [worker('api', 1, 1, 1)], apps: [app('api')], daemon: { version: '1', uptime_ms: 1 } });
  t.ok(text.endsWith('\n'));
  for (const line of text.slice(0, -1).split('\n')) t.match(line, /^(# (HELP|TYPE) hotctl_[a-z_]+ .+|hotctl_[a-z_]+(\{[^\n]*\})? [-+0-9.eE]+|NaN|[+-]Inf)$/);
  const types = text.split('\n').filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]);
  t.equal(new Set(types).size, types.length, 'each family declared once');
});

t.test("the connection router's series: per app, and routed/share per revision (share only where asked)", async (t) => {
  const traffic = {
    accepted: 200,
    queued: 1,
    dropped: 2,
    queue_wait: { count: 4, total_ms: 1500, max_ms: 900 },
    revisions: [
      { revision: 1, share: 90, routed: 180 },
      { revision: 2, share: 10, routed: 20 },
    ],
  };
  const plain = { ...traffic, revisions: [{ revision: 3, share: null, routed: 7 }] };
  const text = renderPrometheus({ workers: [], apps: [app('api'), app('web')], traffic: [{ app: 'api', traffic }, { app: 'web', traffic: plain }], daemon: { version: '1.2.3', uptime_ms: 5000 } });
  const families = parse(text);
  const value = (name: string, labels: Record<string, string>) =>
    family(families, name).metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).map((m) => Number(m.value));
  t.same(value('hotctl_traffic_connections_routed_total', { app: 'api' }), [180, 20]);
  t.same(value('hotctl_traffic_connections_routed_total', { app: 'web', revision: '3' }), [7]);
  t.same(value('hotctl_traffic_share', { app: 'api', revision: '2' }), [0.1]);
  t.same(value('hotctl_traffic_share', { app: 'web' }), [], 'no share asked: no share series');
  t.same(value('hotctl_traffic_connections_accepted_total', { app: 'api' }), [200]);
  t.same(value('hotctl_traffic_queued', { app: 'api' }), [1]);
  t.same(value('hotctl_traffic_dropped_total', { app: 'api' }), [2]);
  t.same(value('hotctl_traffic_queue_wait_seconds_sum', { app: 'api' }), [1.5]);
  t.same(value('hotctl_traffic_queue_wait_seconds_count', { app: 'api' }), [4]);
  t.same(value('hotctl_traffic_queue_wait_seconds_max', { app: 'api' }), [0.9]);
  t.equal(family(families, 'hotctl_traffic_connections_routed_total').type, 'COUNTER');
  t.equal(family(families, 'hotctl_traffic_share').type, 'GAUGE');
});

t.test('request outcomes per revision: requests by code class (reset, timeout included), and the duration histogram', async (t) => {
  const o = emptyOutcomes();
  o.responses['2xx'] = 90;
  o.responses['5xx'] = 6;
  o.resets = 3;
  o.timeouts = 1;
  o.duration_buckets[0] = 50;
  o.duration_buckets[4] = 45;
  o.duration_buckets[DURATION_BUCKETS_S.length] = 1;
  o.duration_sum_s = 12.5;
  const text = renderPrometheus({ workers: [], apps: [app('api')], outcomes: [{ app: 'api', revision: 2, outcomes: o }, { app: 'api', revision: 3, outcomes: emptyOutcomes() }], daemon: { version: '1', uptime_ms: 1 } });
  const families = parse(text);
  const requests = family(families, 'hotctl_revision_requests_total');
  t.equal(requests.type, 'COUNTER');
  const byClass = Object.fromEntries(requests.metrics.filter((m) => m.labels?.revision === '2').map((m) => [m.labels!.code_class, Number(m.value)]));
  t.same(byClass, { '1xx': 0, '2xx': 90, '3xx': 0, '4xx': 0, '5xx': 6, reset: 3, timeout: 1 });
  t.equal(requests.metrics.filter((m) => m.labels?.revision === '3').length, 7, 'a revision without requests: zeros');
  t.equal(family(families, 'hotctl_revision_request_duration_seconds').type, 'HISTOGRAM');
  // The parser above folds a labelled histogram's series together: read the lines themselves.
  const line = (suffix: string, extra = '') => {
    const found = text.split('\n').find((l) => l.startsWith(`hotctl_revision_request_duration_seconds${suffix}{app="api",revision="2"${extra}} `));
    return found === undefined ? undefined : Number(found.split(' ')[1]);
  };
  t.equal(line('_count'), 96);
  t.equal(line('_sum'), 12.5);
  t.equal(text.split('\n').filter((l) => l.startsWith('hotctl_revision_request_duration_seconds_bucket{app="api",revision="2",')).length, DURATION_BUCKETS_S.length + 1, 'one bucket per bound, and +Inf');
  t.equal(line('_bucket', ',le="0.001"'), 50);
  t.equal(line('_bucket', `,le="${DURATION_BUCKETS_S[4]}"`), 95, 'cumulative');
  t.equal(line('_bucket', ',le="+Inf"'), 96);
  t.equal(line('_count'), line('_bucket', ',le="+Inf"'), '_count is the +Inf bucket');
});
