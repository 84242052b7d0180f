import t from 'tap';
import { request } from 'node:http';
import WebSocket from 'ws';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

const SECRET = 'pw-5f0e8d2c-never-over-http';

function fetchAll(port: number, path: string, method = 'GET'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${JSON.stringify(res.headers)} ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

t.test("an app's env value appears in no HTTP response and no /ws message, across a reload", async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const appPort = await freePort();
  // http-app.cjs answers with process.env.MESSAGE: proof that the workers do hold the value.
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: appPort, MESSAGE: SECRET } }]);
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, started.stderr);
  t.equal((await get(appPort)).json.message, SECRET, 'the app itself sees the value');

  const messages: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`, { origin: `http://127.0.0.1:${httpPort}` });
  t.teardown(() => ws.terminate());
  const sawMetrics = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no metrics message on /ws in 15 s')), 15_000);
    ws.on('message', (data) => {
      messages.push(String(data));
      if ((JSON.parse(String(data)) as { event?: string }).event === 'metrics') {
        clearTimeout(timer);
        resolve();
      }
    });
    ws.once('error', reject);
  });
  await sawMetrics;

  const reload = await home.run(['reload', 'api']);
  t.equal(reload.code, 0, reload.stderr);
  const status = await home.status();
  t.equal(status.apps[0]!.revision, 2);

  const bodies = await Promise.all(
    ['/', '/assets/app.js', '/assets/style.css', '/api/status', '/api/history', '/metrics', '/healthz', '/readyz', '/nope'].map((p) => fetchAll(httpPort, p)),
  );
  bodies.push(await fetchAll(httpPort, '/api/apps/api/reload', 'POST'));
  t.ok(messages.some((m) => m.includes('"event":"status"')), 'the stream carried status snapshots');
  t.ok(messages.some((m) => m.includes('"event":"worker"')), 'and worker transitions');
  for (const body of bodies) t.notOk(body.includes(SECRET), body.slice(0, 60));
  t.notOk(messages.some((m) => m.includes(SECRET)), `none of ${messages.length} ws messages`);
});
