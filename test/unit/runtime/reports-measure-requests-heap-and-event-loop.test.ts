import t from 'tap';
import { app, freePort, get, Harness } from './harness-client.js';
import { DEFAULT_REPORT_INTERVAL_MS, reportIntervalMs, startReports } from '../../../src/runtime/report.js';
import { ServerRegistry } from '../../../src/runtime/servers.js';

t.test('reports: heap, event-loop delay, requests in flight and served', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  await get(port);
  await get(port);
  const report = await h.waitFor(
    (e) => e.ev === 'message' && (e.message as { type?: string; requestsServed?: number }).type === 'report' && (e.message as { requestsServed: number }).requestsServed === 2,
    'a report that counts both requests',
  );
  const m = (report as { message: Record<string, unknown> }).message;
  t.same(Object.keys(m).sort(), ['connectionsOpen', 'eventLoopDelayP50Ms', 'eventLoopDelayP99Ms', 'heapTotalBytes', 'heapUsedBytes', 'hotctl', 'outcomes', 'requestsInFlight', 'requestsServed', 'type']);
  t.match(m.outcomes, { responses: { '2xx': 2 }, resets: 0, timeouts: 0 }, 'the outcomes of both requests');
  t.equal(m.requestsInFlight, 0);
  t.ok((m.heapUsedBytes as number) > 0 && (m.heapUsedBytes as number) <= (m.heapTotalBytes as number), 'heap used ≤ heap total');
  t.ok((m.eventLoopDelayP50Ms as number) >= 0 && (m.eventLoopDelayP50Ms as number) <= (m.eventLoopDelayP99Ms as number), 'p50 ≤ p99, in ms');
});

t.test('a request in flight is counted as such', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('slow-request.cjs'), { env: { PORT: String(port), DELAY_MS: '3000' }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  const pending = get(port).catch(() => undefined);
  t.teardown(() => pending);
  await h.waitForAppMessage('w1', 'request-received');
  const report = await h.waitFor(
    (e) => e.ev === 'message' && (e.message as { type?: string; requestsInFlight?: number }).type === 'report' && (e.message as { requestsInFlight: number }).requestsInFlight === 1,
    'a report with one request in flight',
  );
  t.match((report as { message: unknown }).message, { requestsInFlight: 1, requestsServed: 0 });
  h.signal('w1', 'SIGKILL');
});

t.test('HOTCTL_REPORT_INTERVAL_MS: default 1000, "0" turns reports off', async (t) => {
  t.equal(reportIntervalMs(undefined), DEFAULT_REPORT_INTERVAL_MS);
  t.equal(reportIntervalMs(''), DEFAULT_REPORT_INTERVAL_MS);
  t.equal(reportIntervalMs('250'), 250);
  t.equal(reportIntervalMs('0'), 0);
  t.equal(reportIntervalMs('soon'), DEFAULT_REPORT_INTERVAL_MS);
  t.equal(reportIntervalMs('-5'), DEFAULT_REPORT_INTERVAL_MS);
  const sent: unknown[] = [];
  const stop = startReports(0, new ServerRegistry(() => {}), (r) => sent.push(r));
  stop();
  t.same(sent, []);
});
