import t from 'tap';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

t.test('rollback of a 10% canary: 0% to the canary afterwards, and no request fails while it is retired', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 4, env: { PORT: port }, reload_hold: 100 }])])).code, 0);
  t.equal((await home.run(['reload', 'api', '--canary', '10%'])).code, 0);
  t.equal((await home.status()).apps[0]!.canary?.share, 10);

  // New connections one after another while the rollback runs: bounded in count and time.
  let stop = false;
  const answers = new Map<string, number>();
  const failures: string[] = [];
  const load = (async () => {
    const until = Date.now() + 60_000;
    for (let i = 0; i < 5000 && !stop && Date.now() < until; i++) {
      try {
        const a = await get(port);
        const key = a.status === 200 ? String(a.json.revision) : `status ${a.status}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        if (a.status !== 200) failures.push(key);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  })();
  const rollback = await home.run(['rollback', 'api']);
  stop = true;
  await load;
  t.equal(rollback.code, 0, rollback.stderr);
  t.same(failures, [], `no failed request during the rollback (answers: ${JSON.stringify([...answers])})`);

  const app = (await home.status()).apps[0]!;
  t.equal(app.canary, null);
  t.equal(app.revision, 1);
  t.same(app.workers.map((w) => w.revision), [1, 1, 1, 1], 'the canary worker is gone');
  t.ok(app.traffic!.revisions.every((r) => r.share === null), 'weights cleared');
  const after = new Map<string, number>();
  for (let i = 0; i < 50; i++) {
    const a = await get(port);
    after.set(String(a.json.revision), (after.get(String(a.json.revision)) ?? 0) + 1);
  }
  t.same([...after], [['1', 50]], '0% to the canary after rollback');
});
