import t from 'tap';
import { freePort, Home, servingPids, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

for (const close of [false, true]) {
  t.test(`5 back-to-back reloads under ${close ? 'Connection: close' : 'keep-alive'} load: every pid replaced, zero failed requests`, async (t) => {
    const home = new Home(t);
    const port = await freePort();
    const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, min_uptime: 200 }]);
    t.equal((await home.run(['start', file])).code, 0);
    const before = (await home.status()).apps[0]!;

    const { value: codes, load } = await underLoad({ port, connections: 24, close }, async () => {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await home.run(['reload', 'api'])).code ?? -1);
      return codes;
    });
    t.same(codes, Array(5).fill(0), 'every reload succeeded');
    t.comment(`requests: ${load.requests}, failed: ${load.failed} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
    t.ok(load.requests > 1000, 'the load really ran');
    t.equal(load.failed, 0, 'zero failed requests');

    const app = (await home.status()).apps[0]!;
    t.equal(app.revision, 6);
    // The previous generation is parked for the rollback window (each reload drained the one before).
    t.same(app.workers.filter((w) => w.state === 'parked').map((w) => w.revision), [5, 5], 'only the last old generation is parked');
    const after = app.workers.filter((w) => w.state !== 'parked');
    t.same(after.map((w) => w.revision), [6, 6]);
    t.same(after.map((w) => w.state), ['ready', 'ready']);
    const oldPids = new Set(before.workers.map((w) => w.pid));
    t.ok(after.every((w) => !oldPids.has(w.pid)), 'every pid replaced');
    t.same([...(await servingPids(port, 2))].sort(), after.map((w) => w.pid).sort());
  });
}
