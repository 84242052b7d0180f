import t from 'tap';
import type { WorkerTransitionEvent } from '../../src/protocol/index.js';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

/** Issue 15: `min_uptime: "10s"` made every reload hold 10 s before the old workers drained. */
// rollback_window 0: reload_hold applies where the old generation is not parked.
t.test('min_uptime "10s" with reload_hold 0: the old worker drains as soon as the new one is ready', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', min_uptime: '10s', reload_hold: 0, rollback_window: 0, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const old = (await home.status()).apps[0]!.workers[0]!;

  const reload = await home.run(['reload', 'api']);
  t.equal(reload.code, 0, reload.stderr);
  const stabilizing = events.events.find((e) => e.kind === 'operation' && e.operation.state === 'stabilizing');
  t.match(stabilizing?.kind === 'operation' && stabilizing.message, /holding 0 ms \(reload_hold\)/, 'held reload_hold (0 ms), not min_uptime');
  // In order: new ready → operation stabilizing → draining_old → the old worker draining; nothing waits in between.
  const sequence = events.events.flatMap((e) =>
    e.kind === 'worker' && (e.to === 'ready' || (e.worker_id === old.id && e.to === 'draining'))
      ? [`worker ${e.worker_id === old.id ? 'old' : 'new'} ${e.to}`]
      : e.kind === 'operation' && ['stabilizing', 'draining_old'].includes(e.operation.state) && e.message !== undefined
        ? [`op ${e.operation.state}`]
        : [],
  );
  t.same(sequence.slice(0, 4), ['worker new ready', 'op stabilizing', 'op draining_old', 'worker old draining']);
  const newReady = events.events.find((e) => e.kind === 'worker' && e.to === 'ready') as WorkerTransitionEvent;
  const oldDraining = events.events.find((e) => e.kind === 'worker' && e.worker_id === old.id && e.to === 'draining') as WorkerTransitionEvent;
  t.comment(`new ready → old draining: ${Date.parse(oldDraining.at) - Date.parse(newReady.at)} ms (min_uptime 10000 ms)`);
});
