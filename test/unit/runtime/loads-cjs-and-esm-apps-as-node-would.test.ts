import t from 'tap';
import { app, freePort, get, Harness } from './harness-client.js';

const formats: Array<[string, string, string | undefined]> = [
  ['CommonJS (.cjs) as the main module', 'http-app.cjs', undefined],
  ['ESM (.mjs) with a top-level await', 'esm-app.mjs', 'esm'],
  ['ESM (.js in a "type": "module" package)', 'esm-pkg/server.js', 'esm-js'],
];

for (const [what, file, format] of formats) {
  t.test(`${what}: one 'ready' via listening, then it serves`, async (t) => {
    const port = await freePort();
    const h = await Harness.start(t);
    const script = app(file);
    await h.fork('w1', script, { env: { PORT: String(port), MESSAGE: 'hello' }, args: ['--flag', 'x'] });
    t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'listening' });

    const answer = await get(port);
    t.equal(answer.status, 200);
    t.equal(answer.json.format, format);
    if (file === 'http-app.cjs') {
      // http-app.cjs only listens when `require.main === module`: being ready proves it.
      t.same(answer.json.argv, [script, '--flag', 'x'], 'the app sees [node, script, ...args]');
      t.equal(answer.json.message, 'hello', 'the env reaches the app');
      t.equal(answer.json.instance, '0', 'NODE_APP_INSTANCE');
      t.equal(answer.json.revision, '1', 'HOTCTL_REVISION');
      t.equal(answer.json.version, '1.2.3');
    }
    if (file === 'esm-app.mjs') t.same(answer.json.argv, [script, '--flag', 'x']);

    h.shutdown('w1', 100);
    await h.waitForMessage('w1', 'drained');
    t.same(await h.waitForExit('w1'), { code: 0, signal: null });
    t.equal(h.messages('w1').filter((m) => m.type === 'ready').length, 1, 'exactly one ready');
    t.same(h.messages('w1').filter((m) => m.type === 'boot-error' || m.type === 'fatal'), []);
  });
}

t.test('a slow starter is ready only once it listens', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('slow-start.cjs'), { env: { PORT: String(port), START_DELAY_MS: '300' } });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'listening' });
  t.equal((await get(port)).status, 200, 'ready means it answers');
});
