import t from 'tap';
import { freePort, Home, lastOperation, servingPids, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

const strategies: Array<{ title: string; steps: string[][] }> = [
  { title: 'rolling, batch 1', steps: [['reload', 'api', '--strategy', 'rolling', '--batch', '1']] },
  { title: 'rolling, batch 2', steps: [['reload', 'api', '--strategy', 'rolling', '--batch', '2']] },
  { title: 'canary, then promote', steps: [['reload', 'api', '--canary', '1'], ['promote', 'api']] },
  { title: 'canary, then rollback', steps: [['reload', 'api', '--canary', '2'], ['rollback', 'api']] },
];

for (const s of strategies) {
  t.test(`${s.title}: zero failed requests under keep-alive load, 2 rounds`, async (t) => {
    const home = new Home(t);
    const port = await freePort();
    t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 4, env: { PORT: port }, reload_hold: 200 }])])).code, 0);
    const { value: codes, load } = await underLoad({ port, connections: 24 }, async () => {
      const codes: number[] = [];
      for (let round = 0; round < 2; round++) for (const step of s.steps) codes.push((await home.run(step)).code ?? -1);
      return codes;
    });
    t.same(codes, codes.map(() => 0), 'every step succeeded');
    t.comment(`requests: ${load.requests}, failed: ${load.failed} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
    t.equal(load.failed, 0, 'zero failed requests');
    const app = (await home.status()).apps[0]!;
    t.equal(app.status, 'online');
    // A promote parks the old generation for the rollback window (alive, unrouted).
    const workers = app.workers.filter((w) => w.state !== 'parked');
    t.equal(workers.length, 4);
    t.ok(workers.every((w) => w.state === 'ready' && w.revision === app.revision), 'one revision serves in the end');
    t.equal((await servingPids(port, 4)).size, 4);
  });
}

t.test('rolling batch 1 never runs more than instances + 1 workers', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 3, env: { PORT: port }, reload_hold: 100 }])])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const r = await home.run(['reload', 'api', '--strategy', 'rolling', '--batch', '1', '--json']);
  t.equal(r.code, 0);
  t.equal(lastOperation(r.stdout)?.state, 'succeeded');
  let live = 3;
  let peak = 3;
  for (const e of events.events) {
    if (e.kind !== 'worker') continue;
    if (e.from === null) live++;
    if (e.to === 'exited') live--;
    peak = Math.max(peak, live);
  }
  t.equal(peak, 4, 'at most one extra worker at a time');
});
