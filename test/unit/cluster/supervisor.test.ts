import t from 'tap';
import { appSpec, rig } from '../../helpers/fake-cluster.js';

t.test('a second reload while one runs is refused with E_OPERATION_IN_PROGRESS, never half-applied', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  const first = await r.sup.begin('reload');
  await t.rejects(r.sup.begin('reload'), { code: 'E_OPERATION_IN_PROGRESS' });
  for (let i = 0; i < 200 && !first.terminal; i++) await r.advance(50);
  t.equal(first.state, 'succeeded');
  t.equal(r.sup.revisions.length, 2, 'the refused reload made no revision');
  t.same(r.sup.pool.workers.map((w) => w.revision), [2, 2]);
});

t.test('with wait, a second operation runs after the first', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  const first = await r.sup.begin('reload');
  const second = r.sup.begin('reload', { wait: true });
  for (let i = 0; i < 400 && !first.terminal; i++) await r.advance(50);
  const op = await second;
  for (let i = 0; i < 400 && !op.terminal; i++) await r.advance(50);
  t.same([first.state, op.state], ['succeeded', 'succeeded']);
  t.same([first.toRevision, op.toRevision], [2, 3]);
  t.equal(r.sup.activeRevision, 3);
});

t.test('a start whose worker fails stops every worker it started: nothing keeps running, the app errored', async (t) => {
  const r = rig(appSpec({ instances: 3 }));
  r.behave = (_rev, instance) => (instance === 1 ? 'crash' : 'ready');
  const op = await r.run('start');
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_START_FAILED');
  t.equal(r.sup.pool.workers.length, 0);
  t.equal(r.sup.status().status, 'errored');
});

t.test('restart: every old worker drains, then the new revision starts; stop leaves the app stopped', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  const op = await r.run('restart');
  t.equal(op.state, 'succeeded');
  const ev = r.transitions();
  const lastOldExit = Math.max(...ev.filter((e) => e.revision === 1 && e.to === 'exited').map((e) => ev.indexOf(e)));
  const firstNewFork = Math.min(...ev.filter((e) => e.revision === 2 && e.to === 'forking').map((e) => ev.indexOf(e)));
  t.ok(lastOldExit < firstNewFork);
  t.equal(r.sup.wanted, 'running');
  t.equal(r.sup.restarts(), 1);
  const stop = await r.run('stop');
  t.equal(stop.state, 'succeeded');
  t.equal(r.sup.wanted, 'stopped');
  t.equal(r.sup.status().status, 'stopped');
  t.equal(r.sup.pool.workers.length, 0);
});

t.test('a serving worker that crashes restarts (backoff) with its revision; a reload candidate never does', async (t) => {
  const r = rig(appSpec({ instances: 1 }));
  await r.run('start');
  const [w] = r.sup.pool.workers;
  r.processOf(w!).exit(1);
  await r.advance(2000);
  t.equal(w!.state, 'ready');
  t.equal(w!.restarts, 1);
  t.equal(w!.revision, 1);
  t.equal(r.sup.restarts(), 1);
});

t.test('reload and promote counters for metrics count successes and failures', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  await r.run('reload');
  r.behave = (rev) => (rev === 3 ? 'crash' : 'ready');
  await r.run('reload');
  t.same(r.sup.reloadCounts(), { succeeded: 1, failed: 1 });
});

t.test('a resumed start runs the active revision again (no new revision), its outcome unchanged', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  await r.run('stop');
  const op = await r.run('start', { resume: true });
  t.equal(op.state, 'succeeded');
  t.equal(op.toRevision, 1);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active']);
});
