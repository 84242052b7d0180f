import t from 'tap';
import { appSpec, rig } from '../../../helpers/fake-cluster.js';

async function started(extra = {}) {
  const r = rig(appSpec({ reload_strategy: 'stop-first', ...extra }));
  const start = await r.run('start');
  if (start.state !== 'succeeded') throw new Error(`start ${start.state}`);
  return r;
}

t.test('stop-first: every old worker exits before the first new one forks', async (t) => {
  const r = await started();
  const op = await r.run('reload');
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.activeRevision, 2);
  const ev = r.transitions();
  const lastOldExit = Math.max(...ev.filter((e) => e.revision === 1 && e.to === 'exited').map((e) => ev.indexOf(e)));
  const firstNewFork = Math.min(...ev.filter((e) => e.revision === 2 && e.to === 'forking').map((e) => ev.indexOf(e)));
  t.ok(lastOldExit < firstNewFork, 'old exited, then new forked');
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.role]), [[2, 'serving'], [2, 'serving']]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['superseded', 'active']);
});

t.test('stop-first: a failing new worker: the new workers stop and the previous revision starts again', async (t) => {
  const r = await started();
  r.behave = (rev) => (rev === 2 ? 'crash' : 'ready');
  const op = await r.run('reload');
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_RELOAD_FAILED');
  t.equal(r.sup.activeRevision, 1);
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.state, w.role]), [[1, 'ready', 'serving'], [1, 'ready', 'serving']]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
});
