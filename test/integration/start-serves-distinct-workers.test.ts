import t from 'tap';
import { join } from 'node:path';
import { FIXTURES, freePort, Home, servingPids, writeEcosystem } from '../helpers/harness.js';

t.test('start: N distinct worker pids answer HTTP; status shows them ready at revision 1', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 3, env: { PORT: port } }]);
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, started.stderr);

  const status = await home.status();
  t.equal(status.daemon.pid, home.daemonPid());
  const app = status.apps.find((a) => a.name === 'api')!;
  t.equal(app.status, 'online');
  t.equal(app.revision, 1);
  t.equal(app.workers.length, 3);
  t.same(app.workers.map((w) => w.state), ['ready', 'ready', 'ready']);
  t.same(app.workers.map((w) => w.revision), [1, 1, 1]);
  t.same(app.workers.map((w) => w.instance).sort(), [0, 1, 2], 'NODE_APP_INSTANCE 0..N-1');
  const statusPids = new Set(app.workers.map((w) => w.pid));
  t.equal(statusPids.size, 3);

  const answered = await servingPids(port, 3);
  t.same([...answered].sort(), [...statusPids].sort(), 'every worker in status answers HTTP');
});

t.test('start a script without an ecosystem file: --name and -i', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const r = await home.run(['start', join(FIXTURES, 'http-app.cjs'), '--name', 'solo', '-i', '2'], { env: { PORT: String(port) } });
  t.equal(r.code, 0, r.stderr);
  const app = (await home.status()).apps.find((a) => a.name === 'solo')!;
  t.equal(app.workers.length, 2);
  t.equal((await servingPids(port, 2)).size, 2);
});
