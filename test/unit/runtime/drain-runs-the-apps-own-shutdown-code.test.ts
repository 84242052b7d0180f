import t from 'tap';
import WebSocket from 'ws';
import { request } from 'node:http';
import { app, freePort, get, Harness, within } from './harness-client.js';

const shutdownRan = (h: Harness, id: string): string[] =>
  h.rawMessages(id).flatMap((m) => ((m as { fixture?: string }).fixture === 'shutdown-code-ran' ? [(m as { via: string }).via] : []));

for (const [label, message, via] of [
  ['PM2 default: the SIGINT listeners', { hotctl: 1, type: 'shutdown', graceMs: 100 }, 'SIGINT'],
  ['kill_signal SIGTERM: the SIGTERM listeners', { hotctl: 1, type: 'shutdown', graceMs: 100, signal: 'SIGTERM' }, 'SIGTERM'],
  ['shutdown_with_message: the message listeners get "shutdown"', { hotctl: 1, type: 'shutdown', graceMs: 100, signal: 'SIGINT', message: true }, 'message'],
] as const) {
  t.test(`${label} run at drain start; server.close(() => process.exit(0)) loses no in-flight request`, async (t) => {
    const port = await freePort();
    const h = await Harness.start(t);
    await h.fork('w1', app('pm2-graceful.cjs'), { env: { PORT: String(port), DELAY_MS: '800', EXIT_CODE: '0' } });
    await h.waitForMessage('w1', 'ready');

    const pending = get(port, '/slow');
    await h.waitForAppMessage('w1', 'request-received');
    h.send('w1', message);
    await h.waitForAppMessage('w1', 'shutdown-code-ran');
    const answer = await pending;
    t.equal(answer.status, 200, 'the in-flight request is answered');
    t.equal(answer.json.url, '/slow');
    t.same(shutdownRan(h, 'w1'), [via], 'exactly the listeners asked for ran, once');
    // The app's process.exit(0) waited for the drain: the runtime still reports and exits itself.
    t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 1 });
    t.same(await h.waitForExit('w1'), { code: 0, signal: null });
    t.ok(h.messages('w1').some((m) => m.type === 'bye'), 'the last message went out before the exit');
  });
}

t.test("the exit code the app asks for while draining is the worker's", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('pm2-graceful.cjs'), { env: { PORT: String(port), EXIT_CODE: '3' } });
  await h.waitForMessage('w1', 'ready');
  h.shutdown('w1', 100);
  await h.waitForMessage('w1', 'drained');
  t.same(await h.waitForExit('w1'), { code: 3, signal: null });
});

t.test('a SIGINT sent to the worker itself runs the app\'s SIGINT listeners once (Node already did), and drains', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('pm2-graceful.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  h.signal('w1', 'SIGINT');
  await h.waitForMessage('w1', 'drained');
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  t.same(shutdownRan(h, 'w1'), ['SIGINT']);
});

t.test('onDrainStart closes WebSocket (1001) and SSE connections at drain start; the drain ends without a kill', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('ws-sse-app.mjs'), { env: { PORT: String(port) }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');

  const sockets = await Promise.all(
    Array.from({ length: 5 }, () =>
      within(
        new Promise<{ closed: Promise<number> }>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
          const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
          ws.once('message', () => resolve({ closed }));
          ws.once('error', reject);
        }),
        'a WebSocket to open',
      ),
    ),
  );
  const streams = await Promise.all(
    Array.from({ length: 5 }, () =>
      within(
        new Promise<{ ended: Promise<string> }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            const ended = new Promise<string>((done) => {
              res.on('end', () => done(body));
              res.on('error', () => done(`${body}<error>`));
            });
            res.on('data', (chunk: string) => {
              if (body === '') resolve({ ended });
              body += chunk;
            });
          });
          req.on('error', reject);
          req.end();
        }),
        'an event stream to open',
      ),
    ),
  );
  const open = await h.waitFor(
    (e) => e.ev === 'message' && e.id === 'w1' && (e.message as { type?: string; connectionsOpen?: number }).type === 'report' && (e.message as { connectionsOpen: number }).connectionsOpen === 10,
    'a report of 10 open connections',
  );
  t.ok(open, 'the runtime reports its 10 open connections');

  h.shutdown('w1', 100);
  const codes = await within(Promise.all(sockets.map((s) => s.closed)), 'the WebSockets to close');
  t.same(codes, Array(5).fill(1001), 'every WebSocket closed with 1001');
  const bodies = await within(Promise.all(streams.map((s) => s.ended)), 'the event streams to end');
  t.ok(bodies.every((b) => b.endsWith('event: bye\ndata: reconnect\n\n')), 'every event stream got its last event and ended cleanly');
  t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 5 });
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
});
