import t from 'tap';
import { createColours, stripColour } from '../../../src/cli/render/colour.js';
import { formatBytes, formatSeconds, formatUptime } from '../../../src/format/index.js';
import { renderStatus } from '../../../src/cli/render/status-table.js';
import { renderTable } from '../../../src/cli/render/table.js';
import { statusSnapshot } from './fixtures/samples.js';

t.test('durations', async (t) => {
  t.equal(formatSeconds(120), '0.12s');
  t.equal(formatSeconds(1420), '1.42s');
  t.equal(formatSeconds(12_345), '12.3s');
  t.equal(formatUptime(850), '850ms');
  t.equal(formatUptime(42_000), '42s');
  t.equal(formatUptime(303_000), '5m 3s');
  t.equal(formatUptime(2 * 3600_000 + 5 * 60_000), '2h 5m');
  t.equal(formatUptime(3 * 86_400_000 + 4 * 3600_000), '3d 4h');
  t.equal(formatBytes(512), '512B');
  t.equal(formatBytes(52_000_000), '49.6MB');
  t.equal(formatBytes(1.5 * 1024 ** 3), '1.50GB');
});

t.test('tables pad columns to the widest cell, colour after padding', async (t) => {
  const c = createColours(true);
  const lines = renderTable([
    ['A', 'BB', 'C'],
    [{ text: 'long', paint: c.red }, 'x', 'last'],
  ]);
  t.same(lines.map(stripColour), ['A     BB  C', 'long  x   last']);
});

t.test('status table: one row per app, one per worker, no colour when disabled', async (t) => {
  const snapshot = statusSnapshot();
  const lines = renderStatus(snapshot, createColours(false));
  t.notOk(lines.some((l) => l.includes('\u001b[')), 'no ANSI sequences');
  t.match(lines[0], /4242/, 'daemon line names its pid');
  const header = lines.findIndex((l) => l.startsWith('APP'));
  t.ok(header > 0, 'a header row');
  const rows = lines.slice(header + 1);
  t.equal(rows.length, 2 + 3, 'two apps, three workers');
  const cols = (line: string) => line.trim().split(/\s{2,}/);
  const api = rows.find((r) => r.startsWith('api'));
  t.ok(api);
  t.equal(cols(api!)[1], 'reloading');
  t.match(api!, /awaiting_ready/, 'the operation in progress is shown');
  for (const w of snapshot.apps[0]!.workers) {
    const row = rows.find((r) => r.trim().startsWith(`worker ${w.id} `));
    t.ok(row, `worker ${w.id} has a row`);
    const c = cols(row!);
    t.equal(c[1], String(w.pid));
    t.equal(c[2], w.state);
    t.equal(c[3], String(w.revision));
    if (w.metrics) t.equal(c[7], '49.6MB', 'memory of a sampled worker');
  }
  const queue = rows.find((r) => r.startsWith('worker-queue'));
  t.match(queue!, /E_RELOAD_FAILED/, 'a failed last operation is named by its code');
  // Columns line up: every row's STATE column starts at the same offset as the header's.
  const stateAt = lines[header]!.indexOf('STATE');
  for (const row of rows) t.equal(row.slice(stateAt).search(/\S/), 0, `aligned: ${row}`);
});

t.test('status table with colour keeps the same text', async (t) => {
  const plain = renderStatus(statusSnapshot(), createColours(false));
  const coloured = renderStatus(statusSnapshot(), createColours(true));
  t.ok(coloured.some((l) => l.includes('\u001b[')));
  t.same(coloured.map(stripColour), plain);
});

t.test('status table without apps says so', async (t) => {
  const lines = renderStatus({ ...statusSnapshot(), apps: [] }, createColours(false));
  t.equal(lines.length, 2);
});

t.test('status table: a canary is named with its revision and worker count', async (t) => {
  const snapshot = statusSnapshot();
  snapshot.apps[0] = { ...snapshot.apps[0]!, status: 'canary', operation: null, canary: { revision: 3, workers: 1, since: snapshot.apps[0]!.workers[0]!.since, share: null } };
  const api = renderStatus(snapshot, createColours(false)).find((l) => l.startsWith('api'))!;
  t.match(api, /\bcanary\b/);
  t.match(api, /canary: revision 3, 1 worker \(promote or rollback\)/);
  snapshot.apps[0]!.canary!.workers = 2;
  t.match(renderStatus(snapshot, createColours(false)).find((l) => l.startsWith('api'))!, /canary: revision 3, 2 workers/);
});

t.test('status table: a running reload --auto has a row of its own, with its step, share and last figures', async (t) => {
  const snapshot = statusSnapshot();
  const app = snapshot.apps[0]!;
  const figures = (revision: number, requests: number, p99: number) => ({ revision, requests, errors: 0, error_rate: 0, p99_ms: p99 });
  app.analysis = {
    operation: 'reload-api-1',
    revision: 3,
    stable_revision: 2,
    phase: 'stepping',
    step: 2,
    steps: 3,
    share: 25,
    started_at: '2026-11-28T12:00:00.000Z',
    step_started_at: '2026-11-28T12:00:30.000Z',
    step_elapsed_ms: 12_000,
    plan: { steps: [5, 25, 50], step_interval: 30_000, max_error_rate: 0.01, max_p99_ratio: 1.5, min_requests: 100, max_step_interval: 120_000, max_event_loop_delay_ms: null },
    last: { step: 1, share: 5, verdict: 'pass', figures: { canary: figures(3, 412, 21.3), stable: figures(2, 7804, 20.1), event_loop_delay_p99_ms: null }, notes: [] },
  };
  const lines = renderStatus(snapshot, createColours(false));
  const row = lines.find((l) => l.trim().startsWith('canary analysis'));
  t.ok(row, 'a canary analysis row');
  t.match(row, /stepping/);
  t.match(row, /step 2\/3: 25% of new connections to r3 \(stable r2\) · last step 1 pass: canary 412 req · 0% errors · p99 21\.3ms vs stable 7[,.]?804 req · 0% errors · p99 20\.1ms/);
});

t.test("status table: a canary's request outcomes beside the active revision's", async (t) => {
  const snapshot = statusSnapshot();
  const active = snapshot.apps[0]!.revision;
  const outcome = (revision: number, requests: number, errors: number, p99: number) => ({
    revision,
    requests,
    responses: { '1xx': 0, '2xx': requests - errors, '3xx': 0, '4xx': 0, '5xx': errors },
    resets: 0,
    timeouts: 0,
    error_rate: errors / requests,
    p50_ms: 1,
    p99_ms: p99,
  });
  snapshot.apps[0] = {
    ...snapshot.apps[0]!,
    status: 'canary',
    operation: null,
    canary: { revision: active + 1, workers: 1, since: snapshot.apps[0]!.workers[0]!.since, share: 10 },
    outcomes: [outcome(active, 12000, 12, 23.5), outcome(active + 1, 1000, 50, 120)],
  };
  const api = renderStatus(snapshot, createColours(false)).find((l) => l.startsWith('api'))!;
  t.match(api, `r${active + 1} 1,000 req · 5.0% errors · p99 120ms vs r${active} 12,000 req · 0.1% errors · p99 23.5ms`);
});
