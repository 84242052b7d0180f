import t from 'tap';
import { appSpec, rig } from '../../../helpers/fake-cluster.js';

async function started(extra = {}) {
  const r = rig(appSpec({ reload_strategy: 'surge', ...extra }));
  const start = await r.run('start');
  if (start.state !== 'succeeded') throw new Error(`start ${start.state}`);
  return r;
}

t.test('surge: every new worker ready and stable before any old one drains; the new revision active', async (t) => {
  const r = await started();
  const old = r.sup.pool.workers.slice();
  const op = await r.run('reload');
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.activeRevision, 2);
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.state, w.role]), [[2, 'ready', 'serving'], [2, 'ready', 'serving']]);
  const ev = r.transitions();
  const newReadyAt = Math.max(...ev.filter((e) => e.revision === 2 && e.to === 'ready').map((e) => Date.parse(e.at)));
  const firstOldDrainAt = Math.min(...ev.filter((e) => e.revision === 1 && e.to === 'draining').map((e) => Date.parse(e.at)));
  t.equal(ev.filter((e) => e.revision === 2 && e.to === 'ready').length, 2, 'one ready per new worker');
  t.ok(firstOldDrainAt >= newReadyAt + 1000, `old drains (${firstOldDrainAt - newReadyAt} ms after the last new ready) only after reload_hold (1000 ms)`);
  t.same(old.map((w) => w.state), ['exited', 'exited']);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['superseded', 'active']);
  t.same(op.snapshot().steps.length > 0, true);
  t.equal(op.toRevision, 2);
});

t.test('surge: a new worker that exits before ready fails the reload; the old generation keeps serving untouched', async (t) => {
  const r = await started();
  const old = r.sup.pool.workers.slice();
  const oldPids = old.map((w) => w.pid);
  r.behave = (rev, instance) => (rev === 2 && instance === 1 ? 'crash' : 'ready');
  const op = await r.run('reload');
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_RELOAD_FAILED');
  t.equal(r.sup.activeRevision, 1, 'revision 1 still active');
  t.same(r.sup.pool.workers, old, 'only the old workers remain');
  t.same(old.map((w) => [w.state, w.pid]), oldPids.map((pid) => ['ready', pid]), 'old workers untouched: same pids, still ready');
  t.notOk(r.transitions().some((e) => e.revision === 1 && e.from !== null && e.from !== 'forking' && e.from !== 'starting'), 'no old worker ever left ready');
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
  t.equal(r.sup.revisions[1]!.error?.code, 'E_RELOAD_FAILED');
  t.same(r.transitions().filter((e) => e.revision === 2 && e.to === 'crashed').length, 1, 'the crashed candidate is not restarted');
});

t.test('surge: a new worker not ready within listen_timeout fails the reload (E_READY_TIMEOUT as the cause)', async (t) => {
  const r = await started({ listen_timeout: 2000 });
  r.behave = (rev) => (rev === 2 ? 'hang' : 'ready');
  const before = r.clock.now();
  const op = await r.run('reload');
  t.equal(op.state, 'failed');
  t.equal(op.error?.details?.cause, 'E_READY_TIMEOUT');
  t.ok(r.clock.now() - before >= 2000, 'failed once listen_timeout passed');
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.state]), [[1, 'ready'], [1, 'ready']]);
});

t.test('surge: a new worker that crashes during reload_hold fails the reload before any old one drains', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload');
  for (let i = 0; i < 100 && op.state !== 'stabilizing'; i++) await r.settle();
  t.equal(op.state, 'stabilizing');
  const fresh = r.sup.pool.workers.filter((w) => w.revision === 2);
  await r.advance(500);
  r.processOf(fresh[0]!).exit(1);
  await r.advance(2000);
  t.equal(op.state, 'failed');
  t.notOk(r.transitions().some((e) => e.revision === 1 && e.to === 'draining'), 'no old worker drained');
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1]);
});

t.test("surge: the app's live worker count never reaches zero during the reload", async (t) => {
  const r = await started({ instances: 3 });
  let min = Infinity;
  const emit = r.events.push.bind(r.events);
  r.events.push = (...items) => {
    min = Math.min(min, r.serving().length);
    return emit(...items);
  };
  const op = await r.run('reload');
  t.equal(op.state, 'succeeded');
  t.ok(min >= 1, `at least one ready worker at every event (min ${min})`);
});

t.test('surge: an old worker that does not drain within kill_timeout is killed, and the operation says so', async (t) => {
  const r = await started();
  for (const p of r.processes) (p as { behaviour: string }).behaviour = 'stuck-drain';
  const op = await r.run('reload');
  t.equal(op.state, 'succeeded');
  t.match(op.snapshot().steps.at(-1)?.message, /2 workers killed after kill_timeout/);
  t.equal(r.transitions().filter((e) => e.revision === 1 && e.to === 'exited' && e.signal === 'SIGKILL').length, 2);
});
