import t from 'tap';
import { app, freePort, get, Harness, quietAfter, type HarnessEvent } from './harness-client.js';

type Sent = { type: string; requestsServed?: number; connectionsOpen?: number };

/** The worker's hotctl messages after event index `from`, in order. */
function sentSince(h: Harness, from: number): Sent[] {
  return h.events.slice(from).flatMap((e: HarnessEvent) => (e.ev === 'message' && (e.message as { hotctl?: unknown })?.hotctl === 1 ? [e.message as Sent] : []));
}

t.test('an idle worker stops reporting and beats instead; its next connection brings a report at once and reports again until it is idle again', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port), HOTCTL_QUIET_HEARTBEAT_INTERVAL_MS: '100' }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  const quiet = await quietAfter(h, 0, 3);
  t.ok(sentSince(h, 0).slice(0, sentSince(h, 0).length - sentSince(h, quiet).length).some((m) => m.type === 'report'), 'it reported first');

  const answer = await get(port);
  t.equal(answer.status, 200);
  await h.waitFor(() => sentSince(h, quiet).some((m) => m.type === 'report' && m.requestsServed === 1), 'a report that counts the request');
  const sinceRequest = sentSince(h, quiet);
  const firstReport = sinceRequest.findIndex((m) => m.type === 'report');
  t.ok(firstReport >= 0, 'woken');
  // Measured in the 'connection' event itself: the connection counted, its request not read yet.
  t.match(sinceRequest[firstReport], { requestsServed: 0, connectionsOpen: 1 }, 'woken by the connection, before its request');
  t.ok(sinceRequest.slice(firstReport).every((m) => m.type === 'report'), 'awake: reports only, until it is quiet again');

  const quietAgain = await quietAfter(h, quiet, 3);
  const last = sentSince(h, quiet).slice(0, sentSince(h, quiet).length - sentSince(h, quietAgain).length).filter((m) => m.type === 'report').at(-1);
  t.match(last, { requestsServed: 1, connectionsOpen: 0 }, 'what the primary holds while it is quiet again: the request counted, no connection');
});

t.test('without a quiet heartbeat interval (an older primary) the worker reports every interval and never beats', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) }, reportIntervalMs: 20 });
  await h.waitForMessage('w1', 'ready');
  await h.waitFor(() => sentSince(h, 0).filter((m) => m.type === 'report').length >= 15, '15 reports');
  t.equal(sentSince(h, 0).filter((m) => m.type === 'heartbeat').length, 0, 'no heartbeat');
});
