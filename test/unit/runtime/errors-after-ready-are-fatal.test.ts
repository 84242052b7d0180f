import t from 'tap';
import { app, freePort, Harness } from './harness-client.js';

t.test('an uncaught exception after ready: fatal with name, message and code, exit 1', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('throws-after-ready.cjs'), { env: { PORT: String(port), MODE: 'throw' } });
  await h.waitForMessage('w1', 'ready');
  t.match(await h.waitForMessage('w1', 'fatal'), {
    type: 'fatal',
    error: { name: 'Error', message: 'fixture throws-after-ready: thrown', code: 'E_FIXTURE', stack: /throws-after-ready\.cjs/ },
  });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.match(h.stderr('w1'), /fixture throws-after-ready: thrown/);
  t.same(h.messages('w1').map((m) => m.type), ['ready', 'fatal']);
});

t.test('an unhandled rejection after ready: fatal, exit 1', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('throws-after-ready.cjs'), { env: { PORT: String(port), MODE: 'reject' } });
  await h.waitForMessage('w1', 'ready');
  t.match(await h.waitForMessage('w1', 'fatal'), { error: { message: 'fixture throws-after-ready: rejected' } });
  t.equal((await h.waitForExit('w1')).code, 1);
  t.same(h.messages('w1').map((m) => m.type), ['ready', 'fatal']);
});

t.test('an app that exits after ready: its exit code, nothing else', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('exits-after-ready.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  t.equal((await h.waitForExit('w1')).code, 1);
  t.same(h.messages('w1').map((m) => m.type), ['ready']);
});
