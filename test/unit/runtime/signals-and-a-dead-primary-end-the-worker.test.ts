import t from 'tap';
import { app, freePort, get, Harness, pidGone } from './harness-client.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} sent to the worker itself drains it: drained, exit 0`, async (t) => {
    const port = await freePort();
    const h = await Harness.start(t);
    await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
    await h.waitForMessage('w1', 'ready');
    await get(port);
    h.signal('w1', signal);
    t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 1 });
    t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  });
}

t.test('a second shutdown while draining changes nothing', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  h.shutdown('w1', 100);
  h.shutdown('w1', 100);
  h.signal('w1', 'SIGTERM');
  await h.waitForMessage('w1', 'drained');
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  t.equal(h.messages('w1').filter((m) => m.type === 'drained').length, 1, 'exactly one drained');
});

t.test('when the primary dies, its workers exit: no orphans', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  const pid = await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  h.exitPrimary();
  t.ok(await pidGone(pid, 5000), `worker ${pid} exited after its primary`);
});
