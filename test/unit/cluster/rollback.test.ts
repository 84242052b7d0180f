import t from 'tap';
import { appSpec, rig } from '../../helpers/fake-cluster.js';

t.test('rollback: a new revision with the previous one’s spec replaces the workers; the one rolled back from is rolled_back', async (t) => {
  const r = rig(appSpec({ env: { V: '1' } }));
  await r.run('start');
  await r.run('reload', { spec: appSpec({ env: { V: '2' } }) });
  const op = await r.run('rollback');
  t.equal(op.state, 'succeeded');
  t.equal(op.toRevision, 3);
  t.equal(r.sup.activeRevision, 3);
  t.same(r.sup.revisions.map((rev) => [rev.number, rev.outcome, rev.rollback_of]), [
    [1, 'superseded', null],
    [2, 'rolled_back', null],
    [3, 'active', 1],
  ]);
  t.same(r.sup.spec.env, { V: '1' });
  t.same(r.sup.pool.workers.map((w) => w.revision), [3, 3]);
});

t.test('rollback with no earlier good revision: E_REVISION_NOT_FOUND; to the active one: E_USAGE', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  t.equal((await r.run('rollback')).error?.code, 'E_REVISION_NOT_FOUND');
  t.equal((await r.run('rollback', { to: 1 })).error?.code, 'E_USAGE');
  t.equal((await r.run('rollback', { to: 9 })).error?.code, 'E_REVISION_NOT_FOUND');
});

t.test('a rollback that fails keeps the current revision', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  await r.run('reload');
  r.behave = (rev) => (rev === 3 ? 'crash' : 'ready');
  const op = await r.run('rollback');
  t.equal(op.state, 'failed');
  t.equal(r.sup.activeRevision, 2);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['superseded', 'active', 'failed']);
});
