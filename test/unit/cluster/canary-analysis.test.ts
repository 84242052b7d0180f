import t from 'tap';
import type { CanaryPlan, RequestOutcomes } from '../../../src/protocol/index.js';
import { defaultCanaryPlan, durationBucketOf, emptyOutcomes } from '../../../src/protocol/index.js';
import type { Operation } from '../../../src/cluster/operation.js';
import type { Rig } from '../../helpers/fake-cluster.js';
import { appSpec, rig } from '../../helpers/fake-cluster.js';

const plan: CanaryPlan = { ...defaultCanaryPlan(), steps: [10, 50], step_interval: 1000, max_step_interval: 3000, min_requests: 20 };

/**
 * Fake traffic: per second of the rig's clock, each revision answers `perSecond(revision)`
 * requests, `errorsOf(revision)` of them 500s, each taking `secondsOf(revision)`.
 */
interface Traffic {
  perSecond(revision: number): number;
  errorShare(revision: number): number;
  seconds(revision: number): number;
}
function withTraffic(r: Rig, traffic: Partial<Traffic> = {}): void {
  const tr: Traffic = { perSecond: () => 100, errorShare: () => 0, seconds: () => 0.004, ...traffic };
  const since = new Map<number, number>();
  r.sup.deps.outcomesOf = () => {
    const out = new Map<number, RequestOutcomes>();
    for (const w of r.sup.pool.workers) {
      if (!since.has(w.revision)) since.set(w.revision, r.clock.now());
      const n = Math.floor(((r.clock.now() - since.get(w.revision)!) / 1000) * tr.perSecond(w.revision));
      const o = emptyOutcomes();
      const errors = Math.round(n * tr.errorShare(w.revision));
      o.responses['2xx'] = n - errors;
      o.responses['5xx'] = errors;
      o.duration_buckets[durationBucketOf(tr.seconds(w.revision))] = n;
      out.set(w.revision, o);
    }
    return out;
  };
}

async function started(traffic: Partial<Traffic> = {}, extra = {}): Promise<Rig> {
  const r = rig(appSpec({ instances: 3, ...extra }));
  await r.run('start');
  withTraffic(r, traffic);
  return r;
}

const messages = (op: Operation) => op.snapshot().steps.map((s) => s.message);

t.test('every step passes: the canary is promoted with the app\'s strategy, the operation succeeds', async (t) => {
  const r = await started();
  const op = await r.run('reload', { auto: plan });
  t.equal(op.state, 'succeeded', messages(op).join('\n'));
  t.equal(r.sup.activeRevision, 2);
  t.same(r.sup.pool.workers.map((w) => w.revision), [2, 2, 2]);
  t.equal(r.sup.canary, null);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['superseded', 'active']);
  const steps = messages(op);
  t.ok(steps.some((m) => /^step 1\/2 \(10%\) passed: canary r2 \d+ req, 0% errors/.test(m)), 'step 1 judged with its figures');
  t.ok(steps.some((m) => /^step 2\/2 \(50%\): revision 2 takes 50% of new connections/.test(m)), 'step 2 raised the share');
  t.ok(steps.some((m) => /every step passed: promoting revision 2/.test(m)));
  t.equal(r.sup.status().analysis, undefined, 'no analysis once it ended');
  t.same(r.sup.history()[1]!.canary_steps?.map((s) => [s.step, s.share, s.verdict]), [[1, 10, 'pass'], [2, 50, 'pass']], 'history keeps each step\'s verdict');
  t.ok(r.sup.history()[1]!.canary_steps!.every((s) => s.figures.canary.requests >= 20 && s.figures.stable.requests > 0), 'and its figures');
});

t.test('each step sets the hold\'s share (the router\'s weights follow it); status shows the running analysis', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload', { auto: plan });
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 1/2 (10%):')); i++) await r.advance(50);
  t.equal(r.sup.canary?.share, 10);
  const a = r.sup.status().analysis!;
  t.same([a.revision, a.stable_revision, a.step, a.steps, a.share, a.phase, a.last], [2, 1, 1, 2, 10, 'stepping', null]);
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 2/2 (50%):')); i++) await r.advance(50);
  t.equal(r.sup.canary?.share, 50);
  t.equal(r.sup.status().analysis?.last?.verdict, 'pass');
  t.equal(r.sup.status().status, 'reloading');
  for (let i = 0; i < 400 && !op.terminal; i++) await r.advance(50);
  t.equal(op.state, 'succeeded');
});

t.test('an error rate over the bound rolls the canary back at once: E_CANARY_FAILED names the metric, value, threshold and step', async (t) => {
  const r = await started({ errorShare: (rev) => (rev === 2 ? 0.05 : 0) });
  const op = await r.run('reload', { auto: plan });
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.message, /step 1\/2 \(10%\): error rate 5\.00% > max_error_rate 1\.00%/);
  t.match(op.error?.details, { metric: 'error_rate', value: 0.05, threshold: 0.01, step: 1, share: 10 });
  t.equal(r.sup.canary, null);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'failed']);
  t.equal(r.sup.revisions[1]!.error?.code, 'E_CANARY_FAILED', 'history records the verdict');
  t.same(r.sup.history()[1]!.canary_steps?.map((s) => [s.step, s.verdict, s.metric]), [[1, 'fail', 'error_rate']]);
});

t.test('a canary 3× slower is rolled back with the p99 ratio named', async (t) => {
  const r = await started({ seconds: (rev) => (rev === 2 ? 0.03 : 0.01) });
  const op = await r.run('reload', { auto: plan });
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.details, { metric: 'p99_ratio', threshold: 1.5 });
  t.match(op.error?.message, /p99 latency ratio [\d.]+× the stable revision's > max_p99_ratio 1\.5×/);
});

t.test('too few requests extend the step up to max_step_interval, then it fails as inconclusive', async (t) => {
  const r = await started({ perSecond: () => 5 });
  const op = await r.run('reload', { auto: plan });
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.details, { metric: 'min_requests', threshold: 20, step: 1 });
  t.equal(messages(op).filter((m) => /^step 1\/2 \(10%\) extended: too few requests/.test(m)).length, 2, 'extended twice (1 s steps, 3 s bound)');
});

t.test('a canary worker that crashes ends the analysis as failed, with that cause', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload', { auto: plan });
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 1/2')); i++) await r.advance(50);
  r.processOf(r.sup.canary!.workers[0]!).exit(1);
  for (let i = 0; i < 200 && !op.terminal; i++) await r.advance(50);
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.details, { metric: 'crash' });
  t.match(op.error?.message, /a canary worker stopped serving \(canary worker \d+/);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
  t.equal(r.sup.status().last_operation?.kind, 'reload', 'no separate rollback operation');
});

t.test('hotctl promote during the analysis ends it early with promotion; the answer is the running reload', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload', { auto: plan });
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 1/2')); i++) await r.advance(50);
  const promote = await r.sup.begin('promote');
  t.equal(promote, op);
  for (let i = 0; i < 200 && !op.terminal; i++) await r.advance(50);
  t.equal(op.state, 'succeeded');
  t.equal(r.sup.activeRevision, 2);
  t.ok(messages(op).some((m) => /`hotctl promote`: promoting revision 2 at step 1\/2/.test(m)));
});

t.test('hotctl rollback during the analysis ends it early with rollback; a second reload is refused meanwhile', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload', { auto: plan });
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 2/2')); i++) await r.advance(50);
  await t.rejects(r.sup.begin('reload', {}), { code: 'E_OPERATION_IN_PROGRESS' }, 'across steps');
  t.equal(await r.sup.begin('rollback'), op);
  for (let i = 0; i < 200 && !op.terminal; i++) await r.advance(50);
  t.equal(op.state, 'failed');
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.details, { metric: 'rollback', step: 2 });
  t.same(r.sup.revisions.map((rev) => rev.outcome), ['active', 'rolled_back']);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
});

t.test('the daemon stopping (a rollback with hotctl\'s reason) abandons the analysis: the canary rolled back, that recorded', async (t) => {
  const r = await started();
  const op = await r.sup.begin('reload', { auto: plan });
  for (let i = 0; i < 200 && !messages(op).some((m) => m.startsWith('step 1/2')); i++) await r.advance(50);
  t.equal(await r.sup.begin('rollback', { reason: 'the daemon stops' }), op);
  for (let i = 0; i < 200 && !op.terminal; i++) await r.advance(50);
  t.equal(op.error?.code, 'E_CANARY_FAILED');
  t.match(op.error?.details, { metric: 'abandoned' });
  t.match(op.error?.message, /abandoned at step 1\/2 \(10%\): the daemon stops/);
  t.same(r.sup.revisions.map((rev) => [rev.outcome, rev.error?.code]), [['active', undefined], ['rolled_back', 'E_CANARY_FAILED']]);
  t.same(r.sup.pool.workers.map((w) => w.revision), [1, 1, 1]);
});
