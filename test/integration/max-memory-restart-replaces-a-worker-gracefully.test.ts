import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

t.test('a worker above max_memory_restart is replaced, its successor ready first, with zero failed requests', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [
    { name: 'hog', script: 'memory-hog.cjs', instances: 2, max_memory_restart: '160M', env: { PORT: port, MB_PER_SEC: 40, MAX_MB: 400 } },
  ]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());

  const { value: drained, load } = await underLoad({ port, connections: 24 }, async () => {
    const draining = await events.waitFor((e) => e.kind === 'worker' && e.to === 'draining' && e.reason.startsWith('max_memory_restart'), 40_000);
    if (draining.kind !== 'worker') throw new Error('unexpected event');
    await events.waitFor((e) => e.kind === 'worker' && e.worker_id === draining.worker_id && e.to === 'exited', 20_000);
    return draining;
  });
  if (drained.kind !== 'worker') return;
  // The successor of the same instance was ready before the replaced worker started draining.
  const at = events.events.indexOf(drained);
  const successorReady = events.events
    .slice(0, at)
    .find((e) => e.kind === 'worker' && e.to === 'ready' && e.instance === drained.instance && e.worker_id !== drained.worker_id && e.worker_id > drained.worker_id);
  t.ok(successorReady, 'a successor for the same instance was ready before the drain began');
  t.comment(`requests: ${load.requests}, failed: ${load.failed} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
  t.equal(load.failed, 0, 'zero failed requests');
  const app = (await home.status()).apps[0]!;
  t.equal(app.workers.filter((w) => w.state === 'ready').length >= 2, true, 'the app keeps its worker count');
});
