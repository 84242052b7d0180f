import t from 'tap';
import { appSpec, rig } from '../../helpers/fake-cluster.js';

async function withCanary(extra = {}, k = 1) {
  const r = rig(appSpec({ instances: 3, ...extra }));
  await r.run('start');
  const op = await r.run('reload', { canary: k });
  if (op.state !== 'succeeded') throw new Error(`canary ${op.state}`);
  return r;
}

t.test('a canary: K workers of the new revision serve beside the active ones and hold', async (t) => {
  const r = await withCanary();
  t.equal(r.sup.status().status, 'canary');
  t.same(r.sup.status().canary?.revision, 2);
  t.equal(r.sup.activeRevision, 1, 'the old revision stays active');
  t.same(r.sup.pool.workers.map((w) => [w.revision, w.state]), [[1, 'ready'], [1, 'ready'], [1, 'ready'], [2, 'ready']]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'canary']);
});

t.test('a canary refuses a reload, a restart and a scale (E_CANARY_ACTIVE)', async (t) => {
  const r = await withCanary();
  for (const kind of ['reload', 'restart', 'scale'] as const) {
    const op = await r.run(kind, { instances: 4 });
    t.equal(op.error?.code, 'E_CANARY_ACTIVE', kind);
  }
});

for (const strategy of ['surge', 'rolling', 'stop-first'] as const) {
  t.test(`promote (${strategy}): the canary workers kept, the rest of the new revision up, the old drained`, async (t) => {
    const r = await withCanary({ reload_strategy: strategy, reload_batch: 1 });
    const canary = r.sup.canary!.workers.slice();
    const op = await r.run('promote');
    t.equal(op.state, 'succeeded');
    t.equal(op.toRevision, 2);
    t.equal(r.sup.activeRevision, 2);
    t.equal(r.sup.canary, null);
    t.same(r.sup.pool.workers.map((w) => [w.revision, w.role]), [[2, 'serving'], [2, 'serving'], [2, 'serving']]);
    t.ok(canary.every((w) => r.sup.pool.workers.includes(w)), 'the canary workers were kept');
    t.same(r.sup.revisions.map((rev) => rev.outcome), ['superseded', 'active']);
  });
}

t.test('promote fails safe: a new worker that crashes rolls the promote back, the old revision serves alone', async (t) => {
  const r = await withCanary();
  r.behave = (rev) => (rev === 2 ? 'crash' : 'ready');
  const op = await r.run('promote');
  t.equal(op.state, 'failed');
  t.equal(r.sup.activeRevision, 1);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
});

t.test('rollback of a canary: its workers retired, the active revision serves alone', async (t) => {
  const r = await withCanary({}, 2);
  const op = await r.run('rollback');
  t.equal(op.state, 'succeeded');
  t.equal(op.toRevision, 2);
  t.equal(r.sup.canary, null);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'rolled_back']);
  t.equal(r.sup.status().status, 'online');
});

t.test('a canary worker that crashes rolls the canary back by itself', async (t) => {
  const r = await withCanary();
  const canary = r.sup.canary!.workers[0]!;
  r.processOf(canary).exit(1);
  for (let i = 0; i < 200 && (r.sup.canary !== null || r.sup.operation !== null); i++) await r.advance(50);
  t.equal(r.sup.canary, null);
  t.equal(r.sup.status().last_operation?.kind, 'rollback');
  t.equal(r.sup.status().last_operation?.state, 'succeeded');
  t.match(r.sup.status().last_operation?.steps.at(-2)?.message ?? '', /canary worker \d+ crashed/);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'rolled_back']);
});

t.test('promote and rollback without a canary: E_NO_CANARY', async (t) => {
  const r = rig(appSpec());
  await r.run('start');
  t.equal((await r.run('promote')).error?.code, 'E_NO_CANARY');
});

t.test('--canary K outside 1..instances: E_USAGE, nothing started', async (t) => {
  const r = rig(appSpec({ instances: 2 }));
  await r.run('start');
  const op = await r.run('reload', { canary: 3 });
  t.equal(op.error?.code, 'E_USAGE');
  t.equal(r.sup.pool.workers.length, 2);
});

t.test('a canary with a share: the share is a fact of the hold (status), gone once promoted', async (t) => {
  const r = rig(appSpec({ instances: 4 }));
  await r.run('start');
  const op = await r.run('reload', { canary: 1, canaryShare: 10 });
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.canary?.share, 10);
  t.same(r.sup.status().canary && [r.sup.status().canary!.revision, r.sup.status().canary!.workers, r.sup.status().canary!.share], [2, 1, 10]);
  t.equal((await r.run('promote')).state, 'succeeded');
  t.equal(r.sup.canary, null);
  const plain = await withCanary();
  t.equal(plain.sup.status().canary?.share, null, '--canary K: no share (by worker count)');
});

t.test('a canary with a share takes it from the moment its workers are ready, not only once reload_hold has passed', async (t) => {
  const r = rig(appSpec({ instances: 4, reload_hold: 5000 }));
  await r.run('start');
  const op = await r.sup.begin('reload', { canary: 1, canaryShare: 10 });
  for (let i = 0; i < 100 && op.state !== 'stabilizing'; i++) await r.advance(50);
  t.equal(op.state, 'stabilizing', 'the canary worker is ready; reload_hold runs');
  t.equal(r.sup.canary?.share, 10, 'the hold, and with it the share, is there during reload_hold');
  t.equal(r.sup.canary?.workers.length, 1);
  await r.advance(5100);
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.canary?.share, 10);
});

t.test('a canary with a share whose worker crashes during reload_hold: the hold is dropped, the revision failed', async (t) => {
  const r = rig(appSpec({ instances: 2, reload_hold: 5000 }));
  await r.run('start');
  const op = await r.sup.begin('reload', { canary: 1, canaryShare: 10 });
  for (let i = 0; i < 100 && op.state !== 'stabilizing'; i++) await r.advance(50);
  r.processOf(r.sup.canary!.workers[0]!).exit(1);
  for (let i = 0; i < 200 && !op.terminal; i++) await r.advance(50);
  t.equal(op.state, 'failed');
  t.equal(r.sup.canary, null);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1]);
});
