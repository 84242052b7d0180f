import t from 'tap';
import { Agent } from 'node:http';
import { app, freePort, get, Harness, within } from './harness-client.js';

// Parked (a reload's previous generation, for the rollback window): the worker keeps its servers
// open and runs no shutdown code, but its responses say `Connection: close` so kept-alive clients
// move to the new workers; unparked (a rollback within the window), it keeps connections alive again.
t.test('park: responses say Connection: close, the worker keeps serving and does not drain; unpark: keep-alive again', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('drain-probe.mjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.equal((await get(port, '/', { agent })).headers.connection, 'keep-alive');

  // A grace period longer than the test: idle connections are not closed under the client's next
  // request here (that is the second test's part), only told to close by the responses.
  h.send('w1', { hotctl: 1, type: 'park', graceMs: 60_000 });
  let parked = await get(port, '/', { agent });
  for (let i = 0; i < 50 && parked.headers.connection !== 'close'; i++) parked = await get(port, '/', { agent });
  t.equal(parked.headers.connection, 'close', 'a kept-alive client is told to move');
  t.equal(parked.json.draining, false, 'not draining: no shutdown code ran');
  const fresh = await get(port, '/', { agent });
  t.equal(fresh.status, 200, 'its server still accepts a new connection');
  t.equal(fresh.headers.connection, 'close');

  h.send('w1', { hotctl: 1, type: 'unpark' });
  let back = await get(port, '/', { agent });
  for (let i = 0; i < 50 && back.headers.connection !== 'keep-alive'; i++) back = await get(port, '/', { agent });
  t.equal(back.headers.connection, 'keep-alive', 'unparked: connections kept alive again');
  t.notOk(h.messages('w1').some((m) => m.type === 'drained'), 'never drained');
  t.notOk(h.rawMessages('w1').some((m) => (m as { fixture?: string }).fixture === 'saw-shutdown'), "the app's shutdown code never ran");
});

t.test('park: an idle kept-alive connection is closed after the grace period; the server stays open', async (t) => {
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
  h.send('w1', { hotctl: 1, type: 'park', graceMs: 200 });
  await within(closed, 'the idle connection to close');
  t.pass('the parked worker closed the idle connection');
  t.equal((await get(port, '/')).status, 200, 'its server still answers');
  t.notOk(h.messages('w1').some((m) => m.type === 'drained'), 'never drained');
});
