import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

t.test('a second reload during one in progress is refused (exit 4); --wait queues it', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'slow', script: 'slow-start.cjs', instances: 2, env: { PORT: port, START_DELAY_MS: 1500 }, min_uptime: 100 }])])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const first = home.run(['reload', 'slow']);
  await events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'reload' && e.operation.state === 'awaiting_ready');
  const refused = await home.run(['reload', 'slow', '--json']);
  t.equal(refused.code, EXIT_CODES.busy);
  t.match(refused.stdout + refused.stderr, 'E_OPERATION_IN_PROGRESS');
  const queued = await home.run(['reload', 'slow', '--wait']);
  t.equal((await first).code, 0);
  t.equal(queued.code, 0, 'the queued reload ran after the first');
  t.equal((await home.status()).apps[0]!.revision, 3, 'exactly two reloads happened, never half-applied');
});

t.test('an errored app, fixed on disk, comes back with reload', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'crash-always.cjs', 'server.cjs');
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script, env: { PORT: port }, max_restarts: 1, exp_backoff_restart_delay: 50 }])])).code, 1);
  await home.waitForStatus((s) => s.apps[0]?.status === 'errored');
  deployFixture(dir, 'http-app.cjs', 'server.cjs');
  t.equal((await home.run(['reload', 'api'])).code, 0);
  const app = (await home.status()).apps[0]!;
  t.equal(app.status, 'online');
  t.same(app.workers.map((w) => w.state), ['ready']);
});
