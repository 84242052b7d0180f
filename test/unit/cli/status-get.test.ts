/**
 * src/cli/status-get.ts against raw unix-socket servers: the answer whole or in pieces, a
 * refusal, an answer cut short, garbage, silence, nothing listening; and askStatus's way back to
 * the WebSocket for a daemon older than the request (426).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { askStatus, getStatus } from '../../../src/cli/status-get.js';
import type { HotctlError, StatusSnapshot } from '../../../src/protocol/index.js';
import { daemonInfo, startFakeDaemon } from './fixtures/fake-daemon.js';

const SNAPSHOT = { daemon: { pid: 7, version: '0.1.0', protocol: 1, home: '/h', mode: 'daemon', uptime_ms: 1, http: null, notices: [] }, apps: [] } as unknown as StatusSnapshot;

/** A home whose daemon.sock answers each request with `answer` (pieces written 20 ms apart; null: never). */
async function home(t: { teardown(fn: () => void): void }, answer: ((request: string) => string[] | null) | null) {
  const dir = mkdtempSync(join(tmpdir(), 'hsg-'));
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  if (answer !== null) {
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', (d) => {
        const request = d.toString('utf8');
        requests.push(request);
        const pieces = answer(request);
        if (pieces === null) return;
        pieces.forEach((piece, i) => setTimeout(() => (i === pieces.length - 1 ? socket.end(piece) : socket.write(piece)), 20 * i));
      });
    });
    await new Promise<void>((resolve) => srv.listen(join(dir, 'daemon.sock'), resolve));
    t.teardown(() => {
      for (const s of sockets) s.destroy();
      srv.close();
    });
  }
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, requests };
}

const ok = (body: string, status = '200 OK'): string => `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

t.test('one request with the hello headers; the document, whole or in pieces', async (t) => {
  const body = JSON.stringify(SNAPSHOT);
  const whole = await home(t, () => [ok(body)]);
  t.same(await getStatus(whole.dir), SNAPSHOT);
  t.match(whole.requests[0], /^GET \/api\/status HTTP\/1\.1\r\n/);
  t.match(whole.requests[0], /\r\nhotctl-client-version: \d+\.\d+\.\d+/);
  t.match(whole.requests[0], /\r\nhotctl-protocol: 1\r\n/);
  const text = ok(body);
  const pieces = await home(t, () => [text.slice(0, 10), text.slice(10, text.indexOf('\r\n\r\n') + 6), text.slice(text.indexOf('\r\n\r\n') + 6)]);
  t.same(await getStatus(pieces.dir), SNAPSHOT);
});

t.test("a refusal is the daemon's error", async (t) => {
  const h = await home(t, () => [ok(JSON.stringify({ error: { code: 'E_DAEMON_NEWER', message: 'The daemon runs hotctl 9.0.0, newer than this CLI (0.1.0).', hint: 'Use the newer CLI.' } }), '503 Service Unavailable')]);
  const err = (await getStatus(h.dir).catch((e: unknown) => e)) as HotctlError;
  t.equal(err.code, 'E_DAEMON_NEWER');
  t.match(err.message, /9\.0\.0/);
});

t.test('an answer cut short, garbage, silence: errors that say so', async (t) => {
  const cut = await home(t, () => [ok(JSON.stringify(SNAPSHOT)).slice(0, -5)]);
  t.match(await getStatus(cut.dir).catch((e: unknown) => e), { code: 'E_DAEMON_UNREACHABLE', message: /before its answer was whole/ });
  const garbage = await home(t, () => ['hello there\r\n\r\n']);
  t.match(await getStatus(garbage.dir).catch((e: unknown) => e), { code: 'E_PROTOCOL' });
  const notJson = await home(t, () => [ok('{nope')]);
  t.match(await getStatus(notJson.dir).catch((e: unknown) => e), { code: 'E_PROTOCOL' });
  const silent = await home(t, () => null);
  t.match(await getStatus(silent.dir, 100).catch((e: unknown) => e), { code: 'E_DAEMON_UNREACHABLE', message: /did not answer "status" within 100 ms/ });
});

t.test('nothing listening, or a daemon older than the request (426): null, for the WebSocket to ask', async (t) => {
  const none = await home(t, null);
  t.equal(await getStatus(none.dir), null);
  const older = await home(t, () => ['HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 39\r\n\r\nhotctl control socket: speak WebSocket\n']);
  t.equal(await getStatus(older.dir), null);
});

t.test('askStatus: a daemon that speaks WebSocket only (the test fake answers plain HTTP with 426) is asked over it', async (t) => {
  const fake = await startFakeDaemon({ status: () => ({ daemon: daemonInfo('x'), apps: [] }) });
  t.teardown(() => fake.dispose());
  const out = { json: false } as never;
  const got = await askStatus({ env: { HOTCTL_HOME: fake.home }, cwd: '/', stdout: process.stdout, stderr: process.stderr }, out);
  t.same(got, { daemon: daemonInfo('x'), apps: [] });
  t.same(
    fake.requests.map((r) => r.method),
    ['hello', 'status'],
  );
});
