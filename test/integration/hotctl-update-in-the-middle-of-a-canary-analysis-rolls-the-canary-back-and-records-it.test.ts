import t from 'tap';
import { Home, freePort, writeEcosystem } from '../helpers/harness.js';

// `reload --auto` runs in the daemon. Replaced in the middle (`hotctl update`), the daemon rolls the
// canary back before it hands over, and records it: the new daemon serves the stable revision alone.
t.test('hotctl update during reload --auto: the canary is rolled back first and that is recorded', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const canary = { steps: ['20%', '50%'], step_interval: '60s' };
  const file = writeEcosystem(home, [{ name: 'api', script: 'canary-candidate.cjs', instances: 2, env: { PORT: port }, reload_hold: 100, canary }]);
  t.equal((await home.run(['start', file])).code, 0);
  // The CLI that asked is killed once the analysis runs: the analysis goes on in the daemon.
  const cli = home.spawnCli(['reload', 'api', '--auto']);
  let analysis = null;
  for (let i = 0; i < 200 && analysis === null; i++) {
    analysis = (await home.status()).apps[0]!.analysis ?? null;
    if (analysis === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.match(analysis, { revision: 2, stable_revision: 1, step: 1, share: 20, phase: 'stepping' }, 'the analysis runs');
  cli.kill('SIGKILL');
  t.match((await home.status()).apps[0]!.analysis, { revision: 2 }, 'and survives its CLI');

  const update = await home.run(['update', '--force'], { timeoutMs: 120_000 });
  t.equal(update.code, 0, update.stderr);
  const app = (await home.status()).apps[0]!;
  t.equal(app.analysis, undefined);
  t.equal(app.canary, null);
  t.equal(app.revision, 1);
  t.same(app.workers.map((w) => w.revision), [1, 1]);
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as { revisions: Array<{ number: number; outcome: string; error?: { code: string; details: { metric: string } } }> };
  const r2 = history.revisions.find((r) => r.number === 2)!;
  t.equal(r2.outcome, 'rolled_back');
  t.equal(r2.error?.code, 'E_CANARY_FAILED');
  t.equal(r2.error?.details.metric, 'abandoned');
});
