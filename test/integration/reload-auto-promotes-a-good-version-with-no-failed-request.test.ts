import t from 'tap';
import { answersOf, boundedLoad } from '../helpers/bounded-load.js';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

t.test('reload --auto: a good version goes through every step and is promoted to 100%, 0 failed requests', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // A lenient latency ratio: both revisions are the same code, and a loaded test machine makes p99s noisy.
  const canary = { steps: ['20%', '50%'], step_interval: '2s', min_requests: 20, max_p99_ratio: 2.5 };
  const file = writeEcosystem(home, [{ name: 'api', script: 'canary-candidate.cjs', instances: 2, env: { PORT: port }, reload_hold: 100, canary }]);
  t.equal((await home.run(['start', file])).code, 0);
  const load = boundedLoad(port);
  const reload = await home.run(['reload', 'api', '--auto'], { timeoutMs: 60_000 });
  const seen = await load.stop();
  t.equal(reload.code, 0, reload.stdout + reload.stderr);
  t.match(reload.stdout, /step 1\/2 \(20%\) passed: canary r2 \d+ req, 0% errors, p99 [\d.]+ ms \| stable r1 \d+ req/);
  t.match(reload.stdout, /step 2\/2 \(50%\) passed/);
  t.same(seen.failures, [], 'no request without an answer');
  t.equal(seen.total, answersOf(seen, 1, 200) + answersOf(seen, 2, 200), `every answer a 200 (${JSON.stringify([...seen.answers])})`);
  t.ok(answersOf(seen, 2, 200) > 0, 'the canary served during the steps');

  const app = (await home.status()).apps[0]!;
  t.equal(app.revision, 2);
  t.equal(app.canary, null);
  t.same(app.workers.filter((w) => w.state !== 'parked').map((w) => w.revision), [2, 2], 'revision 2 serves on every worker');
  // The promote is a surge promote: the old workers are parked for the rollback window, unrouted.
  t.equal(app.parked?.revision, 1, 'revision 1 parked for an instant rollback');
  for (let i = 0; i < 20; i++) t.equal((await get(port)).json.revision, '2');
});
