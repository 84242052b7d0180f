import t from 'tap';
import { freePort, Home, servingPids, writeEcosystem } from '../helpers/harness.js';

t.test('kill -9 of a worker: it is replaced, with its restart counted', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const before = (await home.status()).apps[0]!;
  const victim = before.workers[0]!;
  process.kill(victim.pid!, 'SIGKILL');

  await events.waitFor((e) => e.kind === 'worker' && e.worker_id === victim.id && e.from === 'ready' && e.to === 'crashed');
  await events.waitFor((e) => e.kind === 'worker' && e.worker_id === victim.id && e.to === 'backoff');
  await events.waitFor((e) => e.kind === 'worker' && e.worker_id === victim.id && e.to === 'ready');
  const after = (await home.status()).apps[0]!;
  const replaced = after.workers.find((w) => w.id === victim.id)!;
  t.not(replaced.pid, victim.pid, 'a new process');
  t.equal(replaced.restarts, 1);
  t.equal(replaced.state, 'ready');
  t.equal(replaced.instance, victim.instance, 'same NODE_APP_INSTANCE');
  t.equal(after.status, 'online');
  t.equal((await servingPids(port, 2)).size, 2);
});

t.test('a fork-mode process that always crashes soon after it started: errored after max_restarts, with growing backoff between tries', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // A healthy app first, so the daemon runs and the event subscription sees the whole crash loop.
  const good = writeEcosystem(home, [{ name: 'good', script: 'http-app.cjs', env: { PORT: port } }], 'good.json');
  t.equal((await home.run(['start', good])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());

  // Fork mode: online once loaded (it never listens), then it exits 1 about 50 ms later, each time.
  // min_uptime 1 min: every crash is unstable however slowly a loaded machine starts the process.
  const bad = writeEcosystem(home, [{ name: 'bad', script: 'crash-always.cjs', exec_mode: 'fork', instances: 1, min_uptime: '1m', max_restarts: 3, exp_backoff_restart_delay: 100 }], 'bad.json');
  const started = await home.run(['start', bad]);
  t.equal(started.code, 0, `the start succeeds: the process was online\n${started.stderr}`);
  await events.waitFor((e) => e.kind === 'worker' && e.app === 'bad' && e.to === 'errored');

  const transitions = events.events.filter((e) => e.kind === 'worker' && e.app === 'bad');
  const delays = transitions.flatMap((e) => (e.kind === 'worker' && e.to === 'backoff' ? [e.delay_ms] : []));
  t.same(delays, [100, 150, 225], 'exponential backoff between the tries');
  t.equal(transitions.filter((e) => e.kind === 'worker' && e.to === 'crashed').length, 4, 'the first run and max_restarts restarts crashed');
  const app = (await home.status()).apps.find((a) => a.name === 'bad')!;
  t.equal(app.status, 'errored');
  t.equal(app.workers[0]?.state, 'errored');
  t.equal(app.workers[0]?.restarts, 3, 'exactly max_restarts restarts');
  t.equal(app.restarts, 3, "the app's restart count: the same 3 crash restarts");
  t.equal(app.workers[0]?.pid, null, 'no process left');
  const other = (await home.status()).apps.find((a) => a.name === 'good')!;
  t.equal(other.status, 'online', 'the other app is not affected');
});
