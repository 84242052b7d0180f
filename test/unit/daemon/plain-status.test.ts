/**
 * The control socket's plain `GET /api/status` (src/daemon/plain-status.ts, over
 * serveControlSocket): the status document, the hello's check when its headers are sent, its
 * refusal as the error's HTTP status, and 426 for any other plain request. Raw bytes over a real
 * unix socket.
 */
import t from 'tap';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveControlSocket } from '../../../src/daemon/control-websocket.js';
import { plainStatus, type StatusHandlers } from '../../../src/daemon/plain-status.js';
import { HotctlError, type StatusSnapshot } from '../../../src/protocol/index.js';

const SNAPSHOT = { daemon: { pid: 1, version: '0.1.0', protocol: 1, home: '/h', mode: 'daemon', uptime_ms: 5, http: null, notices: [] }, apps: [] } as unknown as StatusSnapshot;

async function server(t: { teardown(fn: () => void): void; fail(message: string): void }, status: () => Promise<StatusSnapshot> = async () => SNAPSHOT) {
  const dir = mkdtempSync(join(tmpdir(), 'hps-'));
  const path = join(dir, 's.sock');
  const hellos: unknown[] = [];
  const logged: string[] = [];
  const handlers = {
    hello: async (params: { client_version: string; protocol: number }) => {
      hellos.push(params);
      if (params.client_version !== '0.1.0') throw new HotctlError('E_DAEMON_NEWER', `The daemon runs hotctl 0.1.0, newer than this CLI (${params.client_version}).`);
      return SNAPSHOT.daemon;
    },
    status,
  } as unknown as StatusHandlers;
  const sockets = new Set<Socket>();
  const srv = createServer((socket) => {
    sockets.add(socket);
    serveControlSocket(socket, 1 << 20, () => t.fail('no upgrade here'), plainStatus(handlers, (line) => logged.push(line)));
  });
  await new Promise<void>((resolve) => srv.listen(path, resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, hellos, logged };
}

/** Sends `request`, resolves with everything answered until the server closes. */
function ask(path: string, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.slice(9, 12)), headers: text.slice(0, end), body: text.slice(end + 4) });
    });
    sock.write(request);
  });
}

const get = (headers = ''): string => `GET /api/status HTTP/1.1\r\nHost: hotctl\r\n${headers}\r\n`;

t.test('with the hello headers: checked as a hello, then the status document as JSON; the connection closes', async (t) => {
  const s = await server(t);
  const a = await ask(s.path, get('hotctl-client-version: 0.1.0\r\nHotctl-Protocol: 1\r\n'));
  t.equal(a.status, 200);
  t.match(a.headers, /\r\nContent-Type: application\/json; charset=utf-8\r\n/);
  t.match(a.headers, new RegExp(`\\r\\nContent-Length: ${Buffer.byteLength(a.body)}(\\r\\n|$)`));
  t.same(JSON.parse(a.body), SNAPSHOT);
  t.same(s.hellos, [{ client_version: '0.1.0', protocol: 1 }]);
});

t.test('without them (curl --unix-socket): the status, nothing checked', async (t) => {
  const s = await server(t);
  const a = await ask(s.path, get());
  t.equal(a.status, 200);
  t.same(JSON.parse(a.body), SNAPSHOT);
  t.same(s.hellos, []);
});

t.test("a refused hello is answered with its error and the error's HTTP status, not the status", async (t) => {
  const s = await server(t);
  const a = await ask(s.path, get('hotctl-client-version: 0.0.9\r\nhotctl-protocol: 1\r\n'));
  t.equal(a.status, 503);
  t.match(JSON.parse(a.body), { error: { code: 'E_DAEMON_NEWER', message: /0\.0\.9/ } });
});

t.test('half a hello, or a protocol that is not a whole number: 400 E_PROTOCOL', async (t) => {
  const s = await server(t);
  for (const headers of ['hotctl-client-version: 0.1.0\r\n', 'hotctl-protocol: 1\r\n', 'hotctl-client-version: 0.1.0\r\nhotctl-protocol: one\r\n']) {
    const a = await ask(s.path, get(headers));
    t.equal(a.status, 400, headers);
    t.equal(JSON.parse(a.body).error.code, 'E_PROTOCOL', headers);
  }
  t.same(s.hellos, []);
});

t.test('any other plain request is told to speak WebSocket (426)', async (t) => {
  const s = await server(t);
  for (const request of ['GET /status HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'POST /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n']) {
    const a = await ask(s.path, request);
    t.equal(a.status, 426, request.split('\r\n')[0]);
    t.match(a.body, /speak WebSocket/);
  }
});

t.test('a status that fails unexpectedly: 500 E_INTERNAL, and the daemon log says why', async (t) => {
  const s = await server(t, async () => {
    throw new Error('boom');
  });
  const a = await ask(s.path, get());
  t.equal(a.status, 500);
  t.equal(JSON.parse(a.body).error.code, 'E_INTERNAL');
  t.match(s.logged.join('\n'), /internal error/);
});
