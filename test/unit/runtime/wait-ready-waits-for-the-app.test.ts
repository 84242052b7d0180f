import t from 'tap';
import { app, freePort, get, Harness } from './harness-client.js';

t.test("wait_ready: the app's own process.send('ready') goes to the primary as is", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('wait-ready.cjs'), { env: { PORT: String(port) }, waitReady: true });
  await h.waitFor((e) => e.ev === 'message' && e.id === 'w1' && e.message === 'ready', "the app's 'ready'");
  t.same(h.messages('w1'), [], 'no hotctl ready of its own: listening does not count under wait_ready');
  t.equal((await get(port)).status, 200);

  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.same(h.rawMessages('w1').filter((m) => m === 'ready' || (m as { type?: string }).type === 'ready'), ['ready'], 'exactly one readiness signal');
});

t.test("wait_ready: hotctl's ready() sends { type: 'ready', via: 'app' }", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('drain-probe.mjs'), { env: { PORT: String(port) }, waitReady: true });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'app' });
  t.equal((await get(port)).json.draining, false, 'isDraining() is false while serving');
  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.equal(h.messages('w1').filter((m) => m.type === 'ready').length, 1, 'exactly one ready');
});

t.test('wait_ready: an app that listens but never says so is never ready', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('never-ready.cjs'), { env: { PORT: String(port) }, waitReady: true });
  await h.waitFor((e) => e.ev === 'listening' && e.id === 'w1', 'w1 to listen');
  t.equal((await get(port)).status, 200, 'it serves');
  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  t.same(
    h.rawMessages('w1').filter((m) => m === 'ready' || (m as { type?: string }).type === 'ready'),
    [],
    'no readiness signal from its start to its exit',
  );
});

t.test('without wait_ready, ready() does not make a worker ready before it listens', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  // drain-probe calls ready() 50 ms after listening; by then it is ready via listening.
  await h.fork('w1', app('drain-probe.mjs'), { env: { PORT: String(port) } });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'listening' });
  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.equal(h.messages('w1').filter((m) => m.type === 'ready').length, 1, 'exactly one ready');
});
