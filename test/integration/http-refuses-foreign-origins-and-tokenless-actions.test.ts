import t from 'tap';
import { request } from 'node:http';
import WebSocket from 'ws';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

function upgrade(port: number, origin: string | undefined): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin, handshakeTimeout: 5000 });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

function post(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { error?: { reason?: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) as { error?: { reason?: string } } }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

t.test('the daemon listener: a cross-origin ws upgrade is refused; an action without a token is refused and changes nothing', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const appPort = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 1, env: { PORT: appPort } }]);
  t.equal((await home.run(['start', file])).code, 0);

  t.equal(await upgrade(httpPort, 'http://evil.example'), 403, 'foreign origin');
  t.equal(await upgrade(httpPort, `http://localhost:${httpPort + 1}`), 403, 'another port is another origin');
  t.equal(await upgrade(httpPort, `http://127.0.0.1:${httpPort}`), 'open', 'our own origin');
  t.equal(await upgrade(httpPort, undefined), 'open', 'no Origin (not a browser)');

  for (const method of ['reload', 'restart', 'stop']) {
    const refused = await post(httpPort, `/api/apps/api/${method}`, { authorization: 'Bearer guess' });
    t.equal(refused.status, 403, method);
    t.equal(refused.json.error?.reason, 'actions_disabled', method);
  }
  const app = (await home.status()).apps[0]!;
  t.equal(app.revision, 1, 'no reload happened');
  t.equal(app.last_operation?.kind, 'start', 'no operation ran since the start');
  t.same(app.workers.map((w) => w.state), ['ready']);
});
