import t from 'tap';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BIN, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

// The daemon runs with 1024 fds; the flood opens more connections than that, in a bounded loop.
const DAEMON_FDS = 1024;
const HTTP_WS = 700;
const HTTP_RAW = 300;
const SOCKET_RAW = 500;
const SOCKET_WS = 100;
const BATCH = 50;
const APP_REQUESTS = 300;

/** Opens one connection; resolves once it is open (or failed: a refused one counts as opened and gone). */
function openRaw(target: { port: number } | { path: string }, opened: Socket[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
    socket.on('error', () => resolve());
    socket.on('connect', () => resolve());
    opened.push(socket);
  });
}

function openWs(url: string, opened: WebSocket[]): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('error', () => resolve());
    ws.on('open', () => resolve());
    ws.on('close', () => resolve());
    opened.push(ws);
  });
}

async function inBatches(n: number, open: () => Promise<void>): Promise<void> {
  for (let i = 0; i < n; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, open));
}

t.test('more control and HTTP connections than the daemon has fds: the app still answers every request and `hotctl status` works', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  // The daemon inherits the CLI's RLIMIT_NOFILE: start it under `ulimit -n`.
  const started = await new Promise<number | null>((resolve) => {
    const child = spawn('sh', ['-c', `ulimit -n ${DAEMON_FDS} && exec "$0" "$@"`, process.execPath, BIN, 'start', file], { env: home.env, stdio: 'ignore' });
    child.on('exit', (code) => resolve(code));
  });
  t.equal(started, 0, 'started under ulimit -n 1024');
  const before = await home.status();
  const limits = before.daemon.control_plane!.limits;
  t.equal(limits.open_files, DAEMON_FDS, 'the daemon knows its fd limit');
  t.comment(`caps: control socket ${limits.socket_connections}, HTTP ${limits.http_connections}, reserve ${limits.reserve}`);

  const raws: Socket[] = [];
  const wss: WebSocket[] = [];
  t.teardown(() => {
    for (const s of raws) s.destroy();
    for (const w of wss) w.terminate();
  });
  const sock = join(home.dir, 'daemon.sock');
  await inBatches(HTTP_WS, () => openWs(`ws://127.0.0.1:${httpPort}/ws`, wss));
  await inBatches(HTTP_RAW, () => openRaw({ port: httpPort }, raws));
  await inBatches(SOCKET_RAW, () => openRaw({ path: sock }, raws));
  await inBatches(SOCKET_WS, () => openWs(`ws+unix:${sock}`, wss));
  t.comment(`opened ${HTTP_WS + HTTP_RAW} HTTP and ${SOCKET_RAW + SOCKET_WS} control-socket connections against a daemon with ${DAEMON_FDS} fds`);

  let ok = 0;
  for (let i = 0; i < APP_REQUESTS; i++) {
    try {
      if ((await get(port, '/', 5000)).status === 200) ok++;
    } catch {
      // counted as failed
    }
  }
  t.equal(ok, APP_REQUESTS, `${ok} of ${APP_REQUESTS} app requests succeeded during the flood`);

  const status = await home.run(['status', '--json']);
  t.equal(status.code, 0, `hotctl status works: ${status.stderr}`);
  const after = JSON.parse(status.stdout) as typeof before;
  const plane = after.daemon.control_plane!;
  t.comment(`after the flood: ${JSON.stringify(plane)}`);
  t.ok(plane.http_connections <= limits.http_connections, `HTTP connections ${plane.http_connections} ≤ cap ${limits.http_connections}`);
  t.ok(plane.socket_connections <= limits.socket_connections, `socket connections ${plane.socket_connections} ≤ cap ${limits.socket_connections}`);
  t.ok(plane.evicted_connections > 0, `${plane.evicted_connections} connections were closed to stay under the caps`);
  t.equal(after.daemon.notices.filter((n) => /Connection cap reached/.test(n)).length, 1, 'status carries a notice');
  t.match(readFileSync(join(home.dir, 'daemon.log'), 'utf8'), /Connection cap reached/, 'and the daemon log says so');
  t.equal((await get(httpPort, '/healthz')).status, 200, 'the HTTP listener answers a fresh request');
  t.equal((await home.run(['reload', 'api'])).code, 0, 'and a reload works');
});
