import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('a CLI killed (SIGKILL) in the middle of a reload: the reload still completes, status is consistent', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'slow', script: 'slow-start.cjs', instances: 2, env: { PORT: port, START_DELAY_MS: 1500 }, min_uptime: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());

  const cli = home.spawnCli(['reload', 'slow']);
  const starting = await events.waitFor((e) => e.kind === 'worker' && e.revision === 2 && e.to === 'starting');
  t.ok(starting, 'the reload is under way');
  cli.kill('SIGKILL');
  const done = await events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'reload' && (e.operation.state === 'succeeded' || e.operation.state === 'failed'));
  t.equal(done.kind === 'operation' && done.operation.state, 'succeeded');

  const app = (await home.status()).apps[0]!;
  t.equal(app.revision, 2);
  t.equal(app.operation, null, 'no operation left in progress');
  t.same(app.workers.map((w) => [w.revision, w.state]), [
    [1, 'parked'],
    [1, 'parked'],
    [2, 'ready'],
    [2, 'ready'],
  ]);
});
