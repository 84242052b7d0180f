import t from 'tap';
import { answersOf, boundedLoad } from '../helpers/bounded-load.js';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('reload --auto: a version that answers 500 to 5% of requests is rolled back, E_CANARY_FAILED naming the error rate', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const canary = { steps: ['20%', '50%'], step_interval: '2s', min_requests: 20 };
  const file = writeEcosystem(home, [{ name: 'api', script: 'canary-candidate.cjs', instances: 2, env: { PORT: port }, reload_hold: 100, canary }]);
  t.equal((await home.run(['start', file])).code, 0);
  const load = boundedLoad(port);
  const reload = await home.run(['reload', 'api', '--auto', '--update-env'], { env: { APP_MODE: 'errors' }, timeoutMs: 60_000 });
  const seen = await load.stop();
  t.equal(reload.code, 1, reload.stdout + reload.stderr);
  t.match(reload.stderr, /E_CANARY_FAILED/);
  t.match(reload.stderr, /step 1\/2 \(20%\): error rate [\d.]+% > max_error_rate 1\.00%/);
  t.same(seen.failures, [], 'every request answered');
  t.ok(answersOf(seen, 2, 500) > 0, `the canary answered 500s (${JSON.stringify([...seen.answers])})`);
  t.equal(answersOf(seen, 1, 500), 0, 'the stable revision none');

  const app = (await home.status()).apps[0]!;
  t.equal(app.canary, null);
  t.equal(app.revision, 1);
  t.same(app.workers.map((w) => w.revision), [1, 1], 'the canary worker is gone');
  const history = await home.run(['history', 'api', '--json']);
  const revisions = (JSON.parse(history.stdout) as { revisions: Array<{ number: number; outcome: string; error?: { code: string } }> }).revisions;
  t.same(revisions.map((r) => [r.number, r.outcome, r.error?.code]), [[1, 'active', undefined], [2, 'failed', 'E_CANARY_FAILED']], 'history records the verdict');
});
