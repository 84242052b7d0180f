import t from 'tap';
import { descendants, freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('a start that fails stops what it started: no worker left crash-looping, the app errored', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // A healthy app first, so the daemon runs and the event subscription sees the whole start.
  const good = writeEcosystem(home, [{ name: 'good', script: 'http-app.cjs', env: { PORT: port } }], 'good.json');
  t.equal((await home.run(['start', good])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const daemonChildren = descendants(home.daemonPid()!).length;

  // Cluster mode, exits 1 about 50 ms after it starts: not ready, so the start fails.
  const bad = writeEcosystem(home, [{ name: 'bad', script: 'crash-always.cjs', instances: 2, exp_backoff_restart_delay: 100 }], 'bad.json');
  const started = await home.run(['start', bad, '--json']);
  t.equal(started.code, 1, 'start reports the failure');
  const failed = await events.waitFor((e) => e.kind === 'operation' && e.app === 'bad' && e.operation.state === 'failed');
  t.equal(failed.kind === 'operation' && failed.operation.error?.code, 'E_START_FAILED');

  const app = (await home.status()).apps.find((a) => a.name === 'bad')!;
  t.equal(app.status, 'errored');
  t.same(app.workers, [], 'no worker left, none waiting to restart');
  const bads = events.events.filter((e) => e.kind === 'worker' && e.app === 'bad');
  t.equal(bads.filter((e) => e.kind === 'worker' && e.from === null).length, 2, 'the 2 workers the start forked, no more');
  t.ok(bads.every((e) => e.kind === 'worker' && e.to !== 'forking' || e.kind === 'worker' && e.from === null), 'none was forked again');
  t.equal(descendants(home.daemonPid()!).length, daemonChildren, "the daemon's processes: the good app's worker only");
});
