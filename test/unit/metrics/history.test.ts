import t from 'tap';
import type { AppMetrics, MetricsEvent } from '../../../src/protocol/index.js';
import { MetricsHistory } from '../../../src/metrics/history.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function app(name: string, n: number): AppMetrics {
  return { app: name, revision: 1, restarts: 0, uptime_ms: 0, reloads: { succeeded: 0, failed: 0 }, requests_per_sec: n, cpu_percent: n / 10, rss_bytes: n * 1000 };
}

function tick(atMs: number, apps: AppMetrics[]): MetricsEvent {
  return { kind: 'metrics', at: new Date(atMs).toISOString(), workers: [], apps };
}

t.test('one point per app per tick, oldest first', async (t) => {
  const h = new MetricsHistory();
  h.record(tick(T0, [app('api', 1), app('jobs', 5)]));
  h.record(tick(T0 + 1000, [app('api', 2), app('jobs', 6)]));
  t.same(h.history(), {
    api: [
      { at_ms: T0, cpu_percent: 0.1, rss_bytes: 1000, requests_per_sec: 1 },
      { at_ms: T0 + 1000, cpu_percent: 0.2, rss_bytes: 2000, requests_per_sec: 2 },
    ],
    jobs: [
      { at_ms: T0, cpu_percent: 0.5, rss_bytes: 5000, requests_per_sec: 5 },
      { at_ms: T0 + 1000, cpu_percent: 0.6, rss_bytes: 6000, requests_per_sec: 6 },
    ],
  });
});

t.test('the ring keeps the newest `capacity` points, in order, across many wraps', async (t) => {
  const h = new MetricsHistory({ windowMs: 60 * 60_000, capacity: 5 });
  for (let i = 1; i <= 23; i++) h.record(tick(T0 + i * 1000, [app('api', i)]));
  t.same(
    h.history().api!.map((p) => p.requests_per_sec),
    [19, 20, 21, 22, 23],
  );
});

t.test('default: ten minutes at one point a second', async (t) => {
  const h = new MetricsHistory();
  for (let i = 0; i < 700; i++) h.record(tick(T0 + i * 1000, [app('api', i)]));
  const points = h.history().api!;
  t.equal(points.length, 600);
  t.equal(points[0]!.at_ms, T0 + 100 * 1000);
  t.equal(points.at(-1)!.at_ms, T0 + 699 * 1000);
});

t.test('points older than the window are left out; an app with none left is forgotten', async (t) => {
  const h = new MetricsHistory({ windowMs: 10_000, capacity: 100 });
  h.record(tick(T0, [app('gone', 1), app('api', 1)]));
  h.record(tick(T0 + 5_000, [app('api', 2)]));
  h.record(tick(T0 + 12_000, [app('api', 3)]));
  t.same(Object.keys(h.history()), ['api']);
  t.same(
    h.history().api!.map((p) => p.requests_per_sec),
    [2, 3],
  );
});

t.test('capacity must hold at least one point', async (t) => {
  t.throws(() => new MetricsHistory({ capacity: 0 }), RangeError);
});
