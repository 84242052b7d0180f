import t from 'tap';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, Home, lastOperation, ROOT, writeEcosystem } from '../helpers/harness.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

t.test('a second daemon on the same home is refused with E_DAEMON_RUNNING', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  const first = home.daemonPid();
  const second = spawn(process.execPath, [join(ROOT, 'dist/src/daemon/main.js')], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void second.kill('SIGKILL'));
  let stderr = '';
  second.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
  t.equal(code, EXIT_CODES.conflict);
  t.match(stderr, /E_DAEMON_RUNNING/);
  t.equal(home.daemonPid(), first, 'the lock still names the first daemon');
  t.equal((await home.status()).apps[0]?.status, 'online', 'the first daemon still serves');
});

t.test('a port taken by another process: E_PORT_IN_USE, no endless restart loop', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const holder = createServer().listen(port, '127.0.0.1');
  t.teardown(() => void holder.close());
  await new Promise((r) => holder.once('listening', r));

  const r = await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]), '--json']);
  t.equal(r.code, EXIT_CODES.conflict);
  t.equal(lastOperation(r.stdout)?.error?.code, 'E_PORT_IN_USE');
  const app = (await home.status()).apps[0]!;
  t.equal(app.status, 'errored');
  t.ok(app.workers.every((w) => w.state === 'errored' && w.restarts === 0), 'errored at once, never restarted');
});

t.test('two apps of one daemon on the same port: the second is refused', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'one', script: 'http-app.cjs', env: { PORT: port } }], 'one.json')])).code, 0);
  const r = await home.run(['start', writeEcosystem(home, [{ name: 'two', script: 'http-app.cjs', env: { PORT: port } }], 'two.json'), '--json']);
  t.equal(r.code, EXIT_CODES.conflict);
  t.equal(lastOperation(r.stdout)?.error?.code, 'E_PORT_IN_USE');
  const status = await home.status();
  t.equal(status.apps.find((a) => a.name === 'one')?.status, 'online');
  t.equal(status.apps.find((a) => a.name === 'two')?.status, 'errored');
});
