import t from 'tap';
import { request } from 'node:https';
import { app, freePort, Harness, within } from './harness-client.js';

// node:https pulls in tls and crypto (~0.9 MB of RSS per worker, bench/RESULTS.md section 16):
// the runtime loads it only for a TLS server, whose app has loaded tls already.
t.test("an http app's worker loads neither node:https nor node:tls", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('builtins-probe.cjs'), { env: { PORT: String(port) } });
  await h.waitForMessage('w1', 'ready');
  const { modules } = (await h.waitForAppMessage('w1', 'builtins')) as { modules: string[] };
  t.ok(modules.includes('http'), 'the probe sees the modules its process loaded');
  t.notOk(modules.includes('https'), 'no node:https');
  t.notOk(modules.includes('tls'), 'no node:tls');
});

t.test("an https app's requests are still counted, on its TLS connections", async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('builtins-probe.cjs'), { env: { PORT: String(port), TLS: '1' }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  const status = await within(
    new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end();
    }),
    'the https answer',
  );
  t.equal(status, 200);
  const report = await h.waitFor(
    (e) => e.ev === 'message' && (e.message as { type?: string; requestsServed?: number }).type === 'report' && (e.message as { requestsServed: number }).requestsServed === 1,
    'a report that counts the https request',
  );
  t.ok(report, 'counted');
});
