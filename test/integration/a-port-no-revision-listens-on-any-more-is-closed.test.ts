import net from 'node:net';
import t from 'tap';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

// The primary owns the routed sockets; once a reload has moved the app from port A to port B, no
// worker listens on A any more: A is closed (a client is refused at once, instead of queued until
// the queue's timeout), B serves. A later reload on B under load keeps B open and loses nothing.
const refused = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(3000, () => (socket.destroy(), resolve('timeout: still accepted, nobody answers')));
    socket.once('connect', () => {
      // Accepted by a listening socket: ask, and see whether anyone answers.
      socket.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    });
    socket.once('data', () => (socket.destroy(), resolve('answered')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.once('close', () => resolve('closed'));
  });

// rollback_window 0: a parked old generation would keep A open (and listening) for its window.
t.test('reload from port A to port B: A refuses afterwards, B serves; a reload on B under load loses nothing', async (t) => {
  const home = new Home(t);
  const [a, b] = [await freePort(), await freePort()];
  const app = (port: number) => writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, reload_hold: 100, rollback_window: 0 }]);
  t.equal((await home.run(['start', app(a)])).code, 0);
  t.equal((await get(a)).status, 200, 'A serves');

  const moved = await home.run(['reload', app(b)]);
  t.equal(moved.code, 0, moved.stderr);
  t.equal((await get(b)).status, 200, 'B serves');
  t.equal(await refused(a), 'ECONNREFUSED', 'A refuses: its socket is closed');

  const { value: reload, load } = await underLoad({ port: b, connections: 8, close: true }, () => home.run(['reload', 'api']));
  t.equal(reload.code, 0, reload.stderr);
  t.comment(`B under load through a reload: ${load.requests} requests, ${load.failed} failed`);
  t.ok(load.requests > 50, 'the load really ran');
  t.equal(load.failed, 0, '0 failed on B');
  t.equal((await get(b)).status, 200, 'B still serves');
});
