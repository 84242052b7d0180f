import t from 'tap';
import { app, freePort, get, Harness } from './harness-client.js';

t.test('a request in flight when the drain starts is answered, with Connection: close', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('slow-request.cjs'), { env: { PORT: String(port), DELAY_MS: '1500' } });
  await h.waitForMessage('w1', 'ready');

  const pending = get(port, '/slow');
  await h.waitForAppMessage('w1', 'request-received');
  // A grace period shorter than the request: idle connections may close, busy ones may not.
  h.shutdown('w1', 100);

  const answer = await pending;
  t.equal(answer.status, 200);
  t.equal(answer.json.url, '/slow', 'the whole answer arrived');
  t.equal(answer.headers.connection, 'close', 'the client is told not to reuse the connection');
  t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 1, outcomes: { responses: { '2xx': 1 }, resets: 0 } }, 'drained carries the final outcomes');
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
});
