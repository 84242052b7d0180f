import t from 'tap';
import { app, freePort, get, Harness } from './harness-client.js';

const FORK = { HOTCTL_EXEC_MODE: 'fork' };

t.test('fork mode: a process that serves no port is ready once its module has evaluated; it never called listen()', async (t) => {
  const h = await Harness.start(t);
  await h.fork('w1', app('queue-consumer.cjs'), { env: { ...FORK, QUEUE: 'q' } });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'evaluated' });
  t.equal(h.listenMessages('w1'), 0, 'no listen-started: the primary knows it serves no port');
  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.same(await h.waitForExit('w1'), { code: 0, signal: null }, 'drains and exits 0');
});

t.test('fork mode: a process that listens is ready once the listen() it started while loading completed', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { ...FORK, PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  const order = h.events.flatMap((e) => (e.ev === 'listening' && e.id === 'w1' ? ['listening'] : e.ev === 'message' && e.id === 'w1' && (e.message as { type?: string }).type === 'ready' ? ['ready'] : []));
  t.same(order, ['listening', 'ready'], 'the primary learns the address before it hears ready');
  t.equal(h.listenMessages('w1'), 1, 'one listen-started');
  t.equal((await get(port)).status, 200, 'it serves when it says ready');
});

t.test('fork mode: a one-shot job ends by itself with exit code 0 (the IPC channel does not keep it alive)', async (t) => {
  const h = await Harness.start(t);
  await h.fork('w1', app('job-once.cjs'), { env: { ...FORK, JOB_NAME: 'nightly' } });
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  t.same(h.messages('w1').map((m) => m.type), ['ready'], 'ready, then gone: nothing to report');
  t.ok(h.events.some((e) => e.ev === 'stdout' && e.id === 'w1' && /job nightly done/.test(e.line)), 'its work was done first');
});

t.test('cluster mode: a listen() is announced to the primary, and readiness still waits for listening', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'listening' });
  t.equal(h.listenMessages('w1'), 1);
});

t.test("fork mode: a process that listens stays up while idle (its server keeps it alive, though the socket is the primary's)", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { ...FORK, PORT: String(port) }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  // Reports come from an unref'd timer: ten of them after ready show it stayed up idle, without a sleep.
  await h.waitFor((e) => e.ev === 'message' && e.id === 'w1' && h.messages('w1').filter((m) => m.type === 'report').length >= 10, 'ten reports');
  t.notOk(h.events.some((e) => e.ev === 'exit' && e.id === 'w1'), 'still running');
  t.equal((await get(port)).status, 200, 'and serving');
});
