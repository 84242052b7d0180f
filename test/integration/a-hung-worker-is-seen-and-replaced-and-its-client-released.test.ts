import t from 'tap';
import net from 'node:net';
import type { WorkerTransitionEvent } from '../../src/protocol/index.js';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/** Heartbeats come once a second (src/cluster/heartbeat.ts). */
const HEARTBEAT_INTERVAL_MS = 1000;
/** The client's own patience, as in the issue: far beyond what the test allows. */
const CLIENT_TIMEOUT_MS = 40_000;

/** A GET on a raw connection: resolves when the connection ends, with when and how. */
function rawGet(port: number): Promise<{ endedAtMs: number; answered: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    let data = '';
    socket.setEncoding('utf8');
    socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ endedAtMs: Date.now(), answered: data.startsWith('HTTP/1.1 200') }));
  });
}

t.test('a worker whose event loop blocks: unresponsive (not ready), replaced by a ready successor, then killed; the connection dealt to it ends with it', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'hangs-on-request.cjs', instances: 1, env: { PORT: port }, heartbeat_timeout: 3000 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const first = await get(port, '/');
  const hungPid = JSON.parse(first.body).pid as number;
  t.equal((await get(httpPort, '/readyz')).status, 200);
  const events = await home.events();

  t.same(JSON.parse((await get(port, '/hang')).body), { pid: hungPid, hanging: true });
  // Dealt by the primary to the only worker, whose loop is blocked now: nobody takes it.
  const stuck = rawGet(port);

  const silent = (await events.waitFor((e) => e.kind === 'worker' && e.pid === hungPid && e.to === 'unresponsive')) as WorkerTransitionEvent;
  t.match(silent.reason, /no heartbeat for 3000 ms/);
  const unready = await get(httpPort, '/readyz');
  t.not(unready.status, 200, '/readyz is not 200 while its only worker is unresponsive');

  const successorReady = (await events.waitFor((e) => e.kind === 'worker' && e.to === 'ready' && e.pid !== hungPid)) as WorkerTransitionEvent;
  const exit = (await events.waitFor((e) => e.kind === 'worker' && e.pid === hungPid && e.to === 'exited')) as WorkerTransitionEvent;
  t.equal(exit.signal, 'SIGKILL', 'the hung worker is killed');
  t.match(exit.reason, /unresponsive/);
  const order = events.events.indexOf(successorReady) < events.events.indexOf(exit);
  t.ok(order, 'its successor was ready before it was killed');

  const outcome = await stuck;
  const afterExitMs = outcome.endedAtMs - Date.parse(exit.at);
  t.comment(`the stuck connection ended ${afterExitMs} ms after the hung worker's exit (answered: ${outcome.answered})`);
  t.ok(afterExitMs < 3 * HEARTBEAT_INTERVAL_MS, 'the stuck connection ended within 3 heartbeat intervals of the exit, not at its own 40 s timeout');

  const status = (await home.status()).apps[0]!;
  t.same(status.workers.map((w) => w.state), ['ready']);
  t.not(status.workers[0]!.pid, hungPid);
  t.equal((await get(httpPort, '/readyz')).status, 200, 'ready again');
  events.close();
});
