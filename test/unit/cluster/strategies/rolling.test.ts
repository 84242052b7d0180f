import t from 'tap';
import { appSpec, rig } from '../../../helpers/fake-cluster.js';

async function started(extra = {}) {
  const r = rig(appSpec({ reload_strategy: 'rolling', reload_batch: 1, instances: 3, ...extra }));
  const start = await r.run('start');
  if (start.state !== 'succeeded') throw new Error(`start ${start.state}`);
  return r;
}

t.test('rolling: one batch at a time, each new worker stable before its old one drains; never more than instances + batch', async (t) => {
  const r = await started();
  let most = 0;
  const emit = r.events.push.bind(r.events);
  let minReady = Infinity;
  r.events.push = (...items) => {
    most = Math.max(most, r.sup.pool.workers.filter((w) => w.state !== 'exited').length);
    minReady = Math.min(minReady, r.serving().length);
    return emit(...items);
  };
  const op = await r.run('reload');
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.activeRevision, 2);
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.instance, w.role]), [[2, 0, 'serving'], [2, 1, 'serving'], [2, 2, 'serving']]);
  t.ok(most <= 4, `at most instances + batch workers at once (${most})`);
  t.ok(minReady >= 1, `live worker count never zero (min ${minReady})`);
  const ev = r.transitions();
  for (const instance of [0, 1, 2]) {
    const ready = ev.find((e) => e.revision === 2 && e.instance === instance && e.to === 'ready')!;
    const drain = ev.find((e) => e.revision === 1 && e.instance === instance && e.to === 'draining')!;
    t.ok(Date.parse(drain.at) >= Date.parse(ready.at) + 1000, `instance ${instance}: old drains after the new one held reload_hold`);
  }
});

t.test('rolling: a batch size from the request', async (t) => {
  const r = await started({ instances: 4 });
  const op = await r.run('reload', { batch: 2 });
  t.equal(op.state, 'succeeded');
  t.match(op.snapshot().steps.at(-1)?.message, /in batches of 2/);
});

t.test('rolling undo: a failing batch restores the previous revision on the instances already replaced', async (t) => {
  const r = await started();
  r.behave = (rev, instance) => (rev === 2 && instance === 2 ? 'crash' : 'ready');
  const op = await r.run('reload');
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_RELOAD_FAILED');
  t.equal(r.sup.activeRevision, 1);
  const live = r.sup.pool.workers.filter((w) => w.state !== 'exited');
  t.same(live.map((w) => [w.revision, w.state, w.role]).sort(), [[1, 'ready', 'serving'], [1, 'ready', 'serving'], [1, 'ready', 'serving']], 'three workers of revision 1, serving');
  t.same(live.map((w) => w.instance).sort(), [0, 1, 2]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
  const ev = r.transitions();
  // Undo order: revision 1 workers up again before the batch of revision 2 drains.
  for (const instance of [0, 1]) {
    const backReady = ev.filter((e) => e.revision === 1 && e.instance === instance && e.to === 'ready').at(-1)!;
    const newDrain = ev.find((e) => e.revision === 2 && e.instance === instance && e.to === 'draining')!;
    t.ok(Date.parse(newDrain.at) >= Date.parse(backReady.at), `instance ${instance}: revision 1 back before revision 2 drains`);
  }
});
