import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DaemonEvent, StatusSnapshot, SubscriptionTopic } from '../../../src/protocol/index.js';
import { HotctlError } from '../../../src/protocol/index.js';
import { HttpServer, MAX_BODY_BYTES, type HttpServerOptions, type ReadyReport } from '../../../src/daemon/http-server.js';

const SECRET = 'sk_live_DO_NOT_LEAK_8c1f';

function snapshot(): StatusSnapshot {
  return {
    daemon: { pid: 1, version: '9.9.9', protocol: 1, home: '/h', mode: 'daemon', uptime_ms: 1, http: null, notices: [] },
    apps: [
      {
        name: 'api',
        status: 'online',
        revision: 1,
        instances: 1,
        script: '/s.js',
        cwd: '/',
        restarts: 0,
        last_exit: null,
        next_run: null,
        workers: [{ id: 1, pid: 10, instance: 0, state: 'ready', revision: 1, restarts: 0, uptime_ms: 5, since: 'x', metrics: null }],
        operation: null,
        last_operation: null,
        canary: null,
      },
    ],
  };
}

interface Rig {
  server: HttpServer;
  url: string;
  port: number;
  acts: Array<[string, string]>;
  ready: ReadyReport;
  /** Every send function the server subscribed, with its topics. */
  subscribers: Map<(e: DaemonEvent) => void, SubscriptionTopic[]>;
  publish(event: DaemonEvent): void;
}

async function rig(t: { teardown(fn: () => unknown): void }, over: Partial<HttpServerOptions> = {}): Promise<Rig> {
  const subscribers = new Map<(e: DaemonEvent) => void, SubscriptionTopic[]>();
  const acts: Array<[string, string]> = [];
  const r = { acts, subscribers, ready: { ready: false, apps: [{ name: 'api', ready: 0, wanted: 2 }] } as ReadyReport } as Rig;
  const server = new HttpServer({
    host: '127.0.0.1',
    port: 0,
    token: null,
    status: snapshot,
    metricsText: () => '# HELP x y\n# TYPE x gauge\nx 1\n',
    history: () => ({ api: [{ at_ms: 1, cpu_percent: 1, rss_bytes: 1, requests_per_sec: 1 }] }),
    ready: () => r.ready,
    // Deliberately careless: hands over every event whatever the topics, like a buggy daemon would.
    subscribe: (topics, send) => {
      subscribers.set(send, topics);
      return () => subscribers.delete(send);
    },
    act: async (method, name) => {
      acts.push([method, name]);
      if (name === 'nope') throw new HotctlError('E_APP_NOT_FOUND');
      return { operation: { id: 'op-1', kind: method } };
    },
    ...over,
  });
  r.server = server;
  r.url = await server.listen();
  r.port = Number(new URL(r.url).port);
  r.publish = (event) => {
    for (const send of subscribers.keys()) send(event);
  };
  t.teardown(() => server.close());
  return r;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
}

function http(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let json: unknown = undefined;
        try {
          json = JSON.parse(body);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a ws; resolves with the socket and the messages it gets, or with the refusal's status. */
function ws(port: number, options: { origin?: string; host?: string } = {}): Promise<{ socket: WebSocket; messages: any[]; next(pred: (m: any) => boolean): Promise<any> } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host) headers.host = options.host;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: options.origin, headers, handshakeTimeout: 5000 });
    const messages: any[] = [];
    const waiters = new Set<() => void>();
    socket.on('message', (d) => {
      messages.push(JSON.parse(String(d)));
      for (const w of [...waiters]) w();
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        next: (pred) =>
          new Promise((res, rej) => {
            let from = 0;
            const check = () => {
              const found = messages.slice(from).find(pred);
              from = messages.length;
              if (!found) return;
              waiters.delete(check);
              clearTimeout(timer);
              res(found);
            };
            const timer = setTimeout(() => (waiters.delete(check), rej(new Error('ws message not seen in 5 s'))), 5000);
            waiters.add(check);
            check();
          }),
      }),
    );
  });
}

/** Resolves once `pred` holds, checked on every turn of the event loop; rejects after 5 s. */
function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  return new Promise((resolve, reject) => {
    const check = () => (pred() ? resolve() : Date.now() > deadline ? reject(new Error(`not seen in 5 s: ${what}`)) : setImmediate(check));
    check();
  });
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

t.test('probes, metrics, JSON', async (t) => {
  const r = await rig(t);
  const health = await http(r.port, '/healthz');
  t.equal(health.status, 200);
  t.equal(health.body, 'ok\n');

  const metrics = await http(r.port, '/metrics');
  t.equal(metrics.status, 200);
  t.equal(metrics.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.equal(metrics.body, '# HELP x y\n# TYPE x gauge\nx 1\n');

  t.same((await http(r.port, '/api/status')).json, snapshot());
  t.same(Object.keys((await http(r.port, '/api/history')).json), ['api']);
  t.match(r.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

t.test('/readyz is 503 with detail until every app is ready, then 200', async (t) => {
  const r = await rig(t);
  const before = await http(r.port, '/readyz');
  t.equal(before.status, 503);
  t.same(before.json, { ready: false, apps: [{ name: 'api', ready: 0, wanted: 2 }] });
  r.ready = { ready: true, apps: [{ name: 'api', ready: 2, wanted: 2 }] };
  const after = await http(r.port, '/readyz');
  t.equal(after.status, 200);
  t.equal(after.json.ready, true);
});

t.test('the dashboard and its assets', async (t) => {
  const r = await rig(t);
  const page = await http(r.port, '/');
  t.equal(page.status, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.headers['content-security-policy'], /default-src 'self'/);
  t.match(page.body, /\/assets\/app\.js/);
  const js = await http(r.port, '/assets/app.js');
  t.equal(js.status, 200);
  t.match(js.headers['content-type'], /^text\/javascript/);
  const css = await http(r.port, '/assets/style.css');
  t.equal(css.status, 200);
  t.match(css.headers['content-type'], /^text\/css/);
  t.equal((await http(r.port, '/assets/missing.js')).status, 404);
  t.equal((await http(r.port, '/assets/')).status, 404);
});

t.test('the compiled modules the dashboard shares with the CLI are served under /lib/, and nothing else of dist/', async (t) => {
  const r = await rig(t);
  for (const path of ['/lib/format/index.js', '/lib/format/numbers.js', '/lib/format/tones.js', '/lib/protocol/states.js']) {
    const mod = await http(r.port, path);
    t.equal(mod.status, 200, path);
    t.match(mod.headers['content-type'], /^text\/javascript/, path);
    t.notMatch(mod.body, /from ['"](?!\.\/)/, `${path} imports only its neighbours`);
  }
  t.match((await http(r.port, '/lib/format/index.js')).body, /export \* from '\.\/numbers\.js'/);
  for (const path of [
    '/lib/protocol/index.js',
    '/lib/protocol/home.js',
    '/lib/daemon/daemon.js',
    '/lib/format/../daemon/daemon.js',
    '/lib/format/..%2fdaemon%2fdaemon.js',
    '/lib/format/index.js.map',
    '/lib/format/index.d.ts',
    '/lib/format/missing.js',
    '/lib/',
  ]) {
    t.equal((await http(r.port, path)).status, 404, path);
  }
});

t.test('path traversal never reaches a file outside the assets folder', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hc-assets-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'public', 'sub'), { recursive: true });
  writeFileSync(join(root, 'public', 'ok.css'), 'body{}');
  writeFileSync(join(root, 'public', 'sub', 'deep.css'), 'p{}');
  writeFileSync(join(root, 'public', '.hidden.css'), 'hidden');
  writeFileSync(join(root, 'secret.css'), SECRET);
  const r = await rig(t, { assetsDir: join(root, 'public') });
  t.equal((await http(r.port, '/assets/ok.css')).body, 'body{}');
  t.equal((await http(r.port, '/assets/sub/deep.css')).body, 'p{}');
  for (const path of [
    '/assets/../secret.css',
    '/assets/..%2fsecret.css',
    '/assets/%2e%2e/secret.css',
    '/assets/%2e%2e%2fsecret.css',
    '/assets/sub/..%2f..%2fsecret.css',
    '/assets/..%5csecret.css',
    '/assets/%2fetc%2fpasswd',
    '/assets/.hidden.css',
    '/assets/ok.css%00.js',
    '/assets/%E0%A4%A',
    '/assets//secret.css',
  ]) {
    const answer = await http(r.port, path);
    t.equal(answer.status, 404, path);
    t.notMatch(answer.body, SECRET, path);
  }
});

t.test('unknown paths are 404, wrong methods 405 with Allow', async (t) => {
  const r = await rig(t);
  const missing = await http(r.port, '/nope');
  t.equal(missing.status, 404);
  t.equal(missing.json.error.reason, 'not_found');
  t.equal(missing.json.error.code, 'E_HTTP_NOT_FOUND', 'the refusal carries its registry code');
  const put = await http(r.port, '/healthz', { method: 'PUT' });
  t.equal(put.status, 405);
  t.equal(put.headers.allow, 'GET, HEAD');
  const head = await http(r.port, '/healthz', { method: 'HEAD' });
  t.equal(head.status, 200);
  t.equal(head.body, '');
});

t.test('a Host header that is not ours is refused (DNS rebinding); loopback names are fine', async (t) => {
  const r = await rig(t);
  const evil = await http(r.port, '/api/status', { headers: { host: `evil.example:${r.port}` } });
  t.equal(evil.status, 403);
  t.equal(evil.json.error.reason, 'host_not_allowed');
  t.equal(evil.json.error.code, 'E_HTTP_HOST_NOT_ALLOWED');
  t.equal((await http(r.port, '/api/status', { headers: { host: `localhost:${r.port}` } })).status, 200);
  t.equal((await http(r.port, '/api/status', { headers: { host: `[::1]:${r.port}` } })).status, 200);
  t.equal((await http(r.port, '/api/status', { headers: { host: `127.0.0.1:${r.port + 1}` } })).status, 403, 'another port is another origin');
  t.same(await ws(r.port, { host: `evil.example:${r.port}` }), { refused: 403 });
});

t.test('ws: a foreign Origin is refused with 403; our own origins and no Origin are accepted', async (t) => {
  const r = await rig(t);
  t.same(await ws(r.port, { origin: 'http://evil.example' }), { refused: 403 });
  t.same(await ws(r.port, { origin: `http://127.0.0.1:${r.port + 1}` }), { refused: 403 });
  t.same(await ws(r.port, { origin: 'null' }), { refused: 403 });
  for (const origin of [`http://127.0.0.1:${r.port}`, `http://localhost:${r.port}`, undefined]) {
    const c = await ws(r.port, { origin });
    if ('refused' in c) {
      t.fail(`refused ${origin}`);
      continue;
    }
    const first = await c.next(() => true);
    t.equal(first.event, 'status', `${origin}: a status snapshot first`);
    t.same(first.data.status, snapshot());
    c.socket.close();
  }
  await until(() => r.subscribers.size === 0, 'closed sockets unsubscribed');
  t.pass('closed sockets unsubscribed');
});

t.test('ws: status, metrics and events by default; {"subscribe":[...]} narrows; logs never go out', async (t) => {
  const r = await rig(t);
  const c = await ws(r.port);
  if ('refused' in c) throw new Error('refused');
  await c.next((m) => m.event === 'status');
  t.same([...r.subscribers.values()], [['status', 'metrics', 'events']]);

  const at = new Date().toISOString();
  r.publish({ kind: 'log', at, app: 'api', worker_id: 1, revision: 1, stream: 'out', text: SECRET });
  r.publish({ kind: 'worker', at, app: 'api', worker_id: 1, pid: 1, revision: 1, instance: 0, from: 'starting', to: 'ready', reason: 'listening' });
  r.publish({ kind: 'metrics', at, workers: [], apps: [] });
  await c.next((m) => m.event === 'metrics');
  t.same(
    c.messages.map((m) => m.event),
    ['status', 'worker', 'metrics'],
    'the log line was not forwarded, though the daemon handed it over',
  );

  c.socket.send(JSON.stringify({ subscribe: ['metrics'] }));
  await until(() => [...r.subscribers.values()].some((v) => v.length === 1), 'the new subscription');
  t.same([...r.subscribers.values()], [['metrics']], 'the old subscription was replaced');
  const seen = c.messages.length;
  r.publish({ kind: 'worker', at, app: 'api', worker_id: 1, pid: 1, revision: 1, instance: 0, from: 'ready', to: 'draining', reason: 'x' });
  r.publish({ kind: 'metrics', at: 'second', workers: [], apps: [] });
  await c.next((m) => m.data.at === 'second');
  t.same(
    c.messages.slice(seen).map((m) => m.event),
    ['metrics'],
  );

  const gone = closed(c.socket);
  c.socket.send(JSON.stringify({ subscribe: ['logs'] }));
  t.equal(await gone, 1008, 'asking for logs closes the socket as a policy violation');
});

t.test('actions without a configured token: refused, whatever the request carries', async (t) => {
  const r = await rig(t);
  for (const headers of [{}, { authorization: 'Bearer anything' }] as Array<Record<string, string>>) {
    const answer = await http(r.port, '/api/apps/api/reload', { method: 'POST', headers });
    t.equal(answer.status, 403);
    t.equal(answer.json.error.reason, 'actions_disabled');
  }
  t.same(r.acts, []);
});

t.test('actions with a token: 401 without it, 403 with a wrong one, 202 with the right one', async (t) => {
  const token = 'correct-horse-battery-staple';
  const r = await rig(t, { token });
  const none = await http(r.port, '/api/apps/api/reload', { method: 'POST' });
  t.equal(none.status, 401);
  t.equal(none.json.error.reason, 'token_required');
  t.match(none.headers['www-authenticate'], /^Bearer/);
  const basic = await http(r.port, '/api/apps/api/reload', { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } });
  t.equal(basic.status, 401);
  const wrong = await http(r.port, '/api/apps/api/reload', { method: 'POST', headers: { authorization: 'Bearer correct-horse' } });
  t.equal(wrong.status, 403);
  t.equal(wrong.json.error.reason, 'token_invalid');
  t.same(r.acts, [], 'nothing acted on so far');

  const auth = { authorization: `Bearer ${token}` };
  const ok = await http(r.port, '/api/apps/api/reload', { method: 'POST', headers: auth });
  t.equal(ok.status, 202);
  t.same(ok.json, { operation: { id: 'op-1', kind: 'reload' } });
  t.equal((await http(r.port, '/api/apps/my%20app/stop', { method: 'POST', headers: auth })).status, 202);
  t.same(r.acts, [
    ['reload', 'api'],
    ['stop', 'my app'],
  ]);

  const unknown = await http(r.port, '/api/apps/nope/restart', { method: 'POST', headers: auth });
  t.equal(unknown.status, 404);
  t.equal(unknown.json.error.code, 'E_APP_NOT_FOUND');
  t.equal((await http(r.port, '/api/apps/api/reload', { headers: auth })).status, 405, 'GET on an action');
  t.equal((await http(r.port, '/api/apps/api/delete', { method: 'POST', headers: auth })).status, 404, 'delete is not offered over HTTP');

  const big = await http(r.port, '/api/apps/api/reload', { method: 'POST', headers: auth, body: Buffer.alloc(MAX_BODY_BYTES + 1) });
  t.equal(big.status, 413);
  t.equal(r.acts.length, 3, 'the oversized request did not act');
});

t.test('a body larger than the bound is cut even without a content-length', async (t) => {
  const token = 't0ken';
  const r = await rig(t, { token });
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(r.port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(`POST /api/apps/api/reload HTTP/1.1\r\nHost: 127.0.0.1:${r.port}\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const write = (n: number) => {
      if (n === 0 || socket.destroyed) return;
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n', () => write(n - 1));
    };
    write(6);
    setTimeout(() => socket.destroy(), 5000).unref();
  });
  t.match(answer, /^HTTP\/1\.1 413 /);
  t.same(r.acts, []);
});

t.test('no env value is ever served, even if one crept into what the daemon hands over', async (t) => {
  const leaky = () => {
    const s = snapshot() as StatusSnapshot & { apps: Array<Record<string, unknown>> };
    (s.apps[0] as Record<string, unknown>).env = { API_KEY: SECRET };
    (s.apps[0] as Record<string, unknown>).spec = { name: 'api', env: { API_KEY: SECRET } };
    return s;
  };
  const r = await rig(t, { status: leaky, history: () => ({ api: [], env: { SECRET } }) });
  const bodies = await Promise.all(['/', '/api/status', '/api/history', '/metrics', '/healthz', '/readyz', '/assets/app.js'].map((p) => http(r.port, p)));
  for (const b of bodies) t.notMatch(b.body, SECRET);
  t.equal((await http(r.port, '/api/status')).json.apps[0].spec.name, 'api', 'the rest of the object is kept');

  const c = await ws(r.port);
  if ('refused' in c) throw new Error('refused');
  await c.next((m) => m.event === 'status');
  r.publish({ kind: 'status', at: 'later', status: leaky() });
  r.publish({ kind: 'operation', at: 'op', app: 'api', operation: { ...({ env: { SECRET } } as object) } as never, message: 'm' });
  await c.next((m) => m.data.at === 'op');
  t.notMatch(JSON.stringify(c.messages), SECRET);
  c.socket.close();
});

t.test('binding a non-loopback host needs allowRemote', async (t) => {
  const base = { port: 0, token: null, status: snapshot, metricsText: () => '', history: () => ({}), ready: () => ({ ready: true, apps: [] }), subscribe: () => () => {} };
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    t.throws(() => new HttpServer({ ...base, host }), { code: 'E_USAGE' }, host);
  }
  for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) t.doesNotThrow(() => new HttpServer({ ...base, host }), host);
  t.doesNotThrow(() => new HttpServer({ ...base, host: '0.0.0.0', allowRemote: true }));
  t.throws(() => new HttpServer({ ...base, host: '127.0.0.1', token: '' }), { code: 'E_USAGE' }, 'an empty token is no token');
});

t.test('a taken port is E_PORT_IN_USE', async (t) => {
  const r = await rig(t);
  const second = new HttpServer({ host: '127.0.0.1', port: r.port, token: null, status: snapshot, metricsText: () => '', history: () => ({}), ready: () => ({ ready: true, apps: [] }), subscribe: () => () => {} });
  await t.rejects(second.listen(), { code: 'E_PORT_IN_USE' });
});

t.test('close(): ws clients get 1001, the port is released, close is idempotent', async (t) => {
  const r = await rig(t);
  const c = await ws(r.port);
  if ('refused' in c) throw new Error('refused');
  await c.next((m) => m.event === 'status');
  const code = closed(c.socket);
  await Promise.all([r.server.close(), r.server.close()]);
  t.equal(await code, 1001);
  t.equal(r.subscribers.size, 0);
  await t.rejects(http(r.port, '/healthz'), { code: 'ECONNREFUSED' });
});
