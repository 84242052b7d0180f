import t from 'tap';
import { connect } from 'node:net';
import { request } from 'node:http';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/** One raw request; resolves with what came back before the connection closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => (got += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve(got));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function post(port: number, path: string, token: string, localAddress = '127.0.0.1'): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', localAddress, agent: false, headers: { authorization: `Bearer ${token}`, host: `127.0.0.1:${port}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('the HTTP listener: app series at once, 431 for a huge head, 429 after 10 wrong tokens from one address', async (t) => {
  const http = await freePort();
  // Sampling off: nothing but the daemon's own bookkeeping can fill /metrics.
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(http), HOTCTL_HTTP_TOKEN: 'the-right-token', HOTCTL_METRICS_INTERVAL_MS: '0' });
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);

  const metrics = (await get(http, '/metrics')).body;
  t.match(metrics, /^hotctl_app_revision\{app="api"\} 1$/m, 'the revision is listed right after start, before any sample');
  t.match(metrics, /^hotctl_app_restarts_total\{app="api"\} 0$/m, 'restarts too');
  t.match(metrics, /^hotctl_app_reloads_total\{app="api",result="succeeded"\} 0$/m, 'and reloads');

  const head = await raw(http, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${http}\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
  t.match(head, /^HTTP\/1\.1 431 /, `a 100 kB header is answered 431 (got ${JSON.stringify(head.slice(0, 40))})`);
  t.equal((await get(http, '/healthz')).status, 200, 'and the listener carries on');

  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await post(http, '/api/apps/api/restart', `guess-${i}`)).status);
  t.same(statuses, Array(10).fill(403), '10 wrong tokens: 403 each');
  const limited = await post(http, '/api/apps/api/restart', 'guess-10');
  t.equal(limited.status, 429, 'the 11th guess is refused with 429');
  t.ok(Number(limited.retryAfter) >= 1 && Number(limited.retryAfter) <= 60, `with Retry-After (${limited.retryAfter} s)`);
  t.equal((await post(http, '/api/apps/api/restart', 'the-right-token')).status, 429, 'even the right token waits out the window from that address');
  const other = await post(http, '/api/apps/api/restart', 'the-right-token', '127.0.0.2');
  t.equal(other.status, 202, 'another address is not limited (limits are per remote address)');
});
