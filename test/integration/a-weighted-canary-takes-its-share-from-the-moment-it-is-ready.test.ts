import t from 'tap';
import { answersByRevision, freePort, Home, writeEcosystem } from '../helpers/harness.js';

// `--canary 10%` beside 4 workers: during the canary's reload_hold (ready, not yet judged stable)
// it already takes 10% of new connections, not a worker's share (20%).
t.test('a 10% canary takes 10% of new connections from the moment it is ready, reload_hold included', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 4, env: { PORT: port }, reload_hold: 6000 }])])).code, 0);
  const reload = home.run(['reload', 'api', '--canary', '10%'], { timeoutMs: 60_000 });
  let holding = false;
  for (let i = 0; i < 300 && !holding; i++) {
    const app = (await home.status()).apps[0]!;
    holding = app.operation?.state === 'stabilizing' && app.workers.some((w) => w.revision === 2 && w.state === 'ready');
    if (!holding) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.ok(holding, 'the canary worker is ready and its reload_hold runs');
  const byRevision = await answersByRevision(port, 50);
  t.equal((await home.status()).apps[0]!.operation?.state, 'stabilizing', 'all 50 sent during the hold');
  t.equal(byRevision.get('2') ?? 0, 5, `5 of 50 new connections to the canary, not 10 (${JSON.stringify([...byRevision])})`);
  t.equal((await reload).code, 0);
});
