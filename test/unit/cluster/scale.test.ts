import t from 'tap';
import { appSpec, rig } from '../../helpers/fake-cluster.js';

t.test('scale up without a reload: new workers of the active revision, the others untouched', async (t) => {
  const r = rig(appSpec({ instances: 2 }));
  await r.run('start');
  const before = r.sup.pool.workers.map((w) => [w.id, w.pid]);
  const op = await r.run('scale', { instances: 4 });
  t.equal(op.state, 'succeeded');
  t.equal(op.toRevision, 1);
  t.equal(r.sup.activeRevision, 1);
  t.equal(r.sup.spec.instances, 4);
  t.same(r.sup.pool.workers.slice(0, 2).map((w) => [w.id, w.pid]), before, 'the old workers untouched');
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.instance, w.role, w.state]), [
    [1, 0, 'serving', 'ready'],
    [1, 1, 'serving', 'ready'],
    [1, 2, 'serving', 'ready'],
    [1, 3, 'serving', 'ready'],
  ]);
  t.equal(r.sup.revisions.length, 1, 'no new revision');
});

t.test('scale down: the highest instances drain', async (t) => {
  const r = rig(appSpec({ instances: 3 }));
  await r.run('start');
  const op = await r.run('scale', { instances: 1 });
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.spec.instances, 1);
  t.same(r.sup.pool.workers.map((w) => [w.instance, w.state]), [[0, 'ready']]);
  t.equal(r.sup.revisions.length, 1);
});

t.test('scale up fails safe: a new worker that crashes drains the new ones, the count stays', async (t) => {
  const r = rig(appSpec({ instances: 2 }));
  await r.run('start');
  r.behave = (_rev, instance) => (instance === 3 ? 'crash' : 'ready');
  const op = await r.run('scale', { instances: 4 });
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_START_FAILED');
  t.equal(r.sup.spec.instances, 2);
  t.same(r.sup.pool.workers.map((w) => w.instance), [0, 1]);
});

t.test('scale refuses a count below 1 and an app never started', async (t) => {
  const r = rig(appSpec());
  t.equal((await r.run('scale', { instances: 2 })).error?.code, 'E_USAGE', 'no active revision');
  await r.run('start');
  t.equal((await r.run('scale', { instances: 0 })).error?.code, 'E_USAGE');
});
