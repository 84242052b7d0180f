import t from 'tap';
import { boundedLoad } from '../helpers/bounded-load.js';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('reload --auto: a version 3× slower is rolled back, E_CANARY_FAILED naming the p99 latency ratio', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // 40 ms of work (120 ms slow): a loaded machine's timer delays add the same to both revisions, so a larger base keeps the ratio near 3.
  const canary = { steps: ['20%', '50%'], step_interval: '2s', min_requests: 20 };
  const file = writeEcosystem(home, [{ name: 'api', script: 'canary-candidate.cjs', instances: 2, env: { PORT: port, WORK_MS: 40 }, reload_hold: 100, canary }]);
  t.equal((await home.run(['start', file])).code, 0);
  const load = boundedLoad(port);
  const reload = await home.run(['reload', 'api', '--auto', '--update-env'], { env: { APP_MODE: 'slow' }, timeoutMs: 60_000 });
  const seen = await load.stop();
  t.equal(reload.code, 1, reload.stdout + reload.stderr);
  t.match(reload.stderr, /E_CANARY_FAILED/);
  t.match(reload.stderr, /p99 latency ratio [\d.]+× the stable revision's > max_p99_ratio 1\.5×/);
  t.same(seen.failures, [], 'every request answered');
  const app = (await home.status()).apps[0]!;
  t.equal(app.canary, null);
  t.same(app.workers.map((w) => w.revision), [1, 1]);
});
