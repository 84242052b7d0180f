import t from 'tap';
import { Agent } from 'node:http';
import { app, freePort, get, Harness, within } from './harness-client.js';

t.test('during the drain, a request on a kept-alive connection is answered with Connection: close; then hooks run', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('drain-probe.mjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const first = await get(port, '/', { agent });
  t.equal(first.headers.connection, 'keep-alive');
  t.equal(first.json.draining, false);

  // A grace period far longer than the test's waits: the drain must end because the last
  // connection closed after its `Connection: close` answer, not because the grace ran out.
  h.shutdown('w1', 60_000);
  t.same(await h.waitForAppMessage('w1', 'saw-shutdown'), { fixture: 'saw-shutdown', draining: true }, 'the drain has begun');

  const second = await get(port, '/', { agent });
  t.equal(second.status, 200, 'answered normally');
  t.equal(second.headers.connection, 'close');
  t.equal(second.json.draining, true, 'by the same worker, draining');

  await h.waitForMessage('w1', 'drained', 8000);
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  const appMessages = h.rawMessages('w1').filter((m) => (m as { fixture?: string }).fixture === 'hook-ran');
  t.same(appMessages, [{ fixture: 'hook-ran', hook: 1, draining: true }, { fixture: 'hook-ran', hook: 2 }], 'hooks ran in order, before drained');
  const order = h.rawMessages('w1').map((m) => (m as { fixture?: string; type?: string }).fixture ?? (m as { type?: string }).type);
  t.ok(order.indexOf('drained') > order.lastIndexOf('hook-ran'), 'drained comes after the hooks');
  t.match(h.stderr('w1'), /a shutdown hook failed: Error: fixture drain-probe: a failing hook/, 'a failing hook is logged, the drain goes on');
  t.match(h.messages('w1').find((m) => m.type === 'drained'), { hotctl: 1, type: 'drained', served: 2 });
});

t.test('an idle kept-alive connection is closed after the grace period, then the worker exits', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  await get(port, '/', { agent });
  const sockets = Object.values(agent.freeSockets).flat();
  t.equal(sockets.length, 1, 'one idle kept-alive connection');
  const closed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));

  h.shutdown('w1', 200);
  await within(closed, 'the idle connection to close');
  t.pass('the server closed the idle connection');
  t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 1 });
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
});
