import t from 'tap';
import { createServer, type Server } from 'node:net';
import { app, freePort, Harness, within } from './harness-client.js';

t.test('an app that throws at load: boot-error with its message, exit 1, never ready', async (t) => {
  const h = await Harness.start(t);
  await h.fork('w1', app('throws-at-boot.cjs'));
  const message = await h.waitForMessage('w1', 'boot-error');
  t.match(message, { type: 'boot-error', error: { name: 'Error', message: 'fixture throws-at-boot: kaboom at load' } });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.match(h.stderr('w1'), /fixture throws-at-boot: kaboom at load/, 'the error is on stderr, as node prints it');
  t.same(h.messages('w1').map((m) => m.type), ['boot-error'], 'nothing but the boot-error');
});

t.test('an ESM app whose top-level await rejects after it listens: boot-error, never ready', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('esm-tla-reject.mjs'), { env: { PORT: String(port) } });
  const message = await h.waitForMessage('w1', 'boot-error');
  t.match(message, { error: { message: /top-level await rejected after listening/ } });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.ok(h.events.some((e) => e.ev === 'listening' && e.id === 'w1'), 'it did listen first');
  t.same(h.messages('w1').map((m) => m.type), ['boot-error'], 'never ready');
});

t.test('the same for a .js ES module (a "type": "module" package), loaded through Module._load', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('esm-pkg/reject.js'), { env: { PORT: String(port) } });
  t.match(await h.waitForMessage('w1', 'boot-error'), { error: { message: /evaluation failed after listening/ } });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.same(h.messages('w1').map((m) => m.type), ['boot-error'], 'never ready');
  t.equal(h.stderr('w1').match(/evaluation failed after listening/g)?.length, 1, 'the error is printed once');
});

t.test('a port held by someone else: boot-error with code EADDRINUSE', async (t) => {
  const holder: Server = createServer();
  await within(new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve)), 'the holder to listen');
  t.teardown(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const port = (holder.address() as { port: number }).port;

  const h = await Harness.start(t);
  await h.fork('w1', app('http-app.cjs'), { env: { PORT: String(port) } });
  const message = await h.waitForMessage('w1', 'boot-error');
  t.match(message, { error: { code: 'EADDRINUSE' } });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.same(h.messages('w1').map((m) => m.type), ['boot-error']);
});

t.test('an app that exits by itself before listening: exit 1, no ready', async (t) => {
  const h = await Harness.start(t);
  await h.fork('w1', app('crash-always.cjs'));
  t.equal((await h.waitForExit('w1')).code, 1);
  t.same(h.messages('w1'), [], 'process.exit() is not an error to report: the exit code says it');
});
