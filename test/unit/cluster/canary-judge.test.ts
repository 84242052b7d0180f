import t from 'tap';
import type { CanaryPlan, RequestOutcomes } from '../../../src/protocol/index.js';
import { defaultCanaryPlan, durationBucketOf, emptyOutcomes } from '../../../src/protocol/index.js';
import type { StepWindow } from '../../../src/cluster/canary-judge.js';
import { figuresText, judgeStep, metricText } from '../../../src/cluster/canary-judge.js';

/** `ok` 2xx and `errors` 5xx answers, each taking `seconds`; plus resets and timeouts. */
function outcomes(ok: number, errors = 0, seconds = 0.004, extra: Partial<Pick<RequestOutcomes, 'resets' | 'timeouts'>> = {}): RequestOutcomes {
  const o = emptyOutcomes();
  o.responses['2xx'] = ok;
  o.responses['5xx'] = errors;
  o.duration_buckets[durationBucketOf(seconds)] = ok + errors;
  o.duration_sum_s = (ok + errors) * seconds;
  o.resets = extra.resets ?? 0;
  o.timeouts = extra.timeouts ?? 0;
  return o;
}

const plan: CanaryPlan = { ...defaultCanaryPlan(), min_requests: 100, max_error_rate: 0.01, max_p99_ratio: 1.5 };
function window(extra: Partial<StepWindow>): StepWindow {
  return { step: 2, share: 25, canaryRevision: 3, stableRevision: 2, canary: outcomes(200), stable: outcomes(600), eventLoopDelayP99Ms: null, crashed: null, canExtend: true, ...extra };
}

t.test('a healthy canary passes, with both revisions\' figures', async (t) => {
  const v = judgeStep(window({}), plan);
  t.equal(v.verdict, 'pass');
  t.same([v.figures.canary.revision, v.figures.canary.requests, v.figures.stable.revision, v.figures.stable.requests], [3, 200, 2, 600]);
  t.same(v.notes, []);
});

t.test('an error rate over the bound fails the step, naming the metric, the value and the threshold', async (t) => {
  const v = judgeStep(window({ canary: outcomes(190, 10) }), plan);
  t.equal(v.verdict, 'fail');
  t.equal(v.metric, 'error_rate');
  t.equal(v.value, 0.05);
  t.equal(v.threshold, 0.01);
  t.match(metricText(v.metric!, v.value!, v.threshold!), /error rate 5\.00?% > max_error_rate 1\.00%/);
});

t.test('resets and timeouts count as errors', async (t) => {
  const v = judgeStep(window({ canary: outcomes(196, 0, 0.004, { resets: 2, timeouts: 2 }) }), plan);
  t.equal(v.verdict, 'fail');
  t.equal(v.metric, 'error_rate');
  t.equal(v.figures.canary.requests, 200);
  t.equal(v.figures.canary.errors, 4);
});

t.test('an error rate at the bound passes', async (t) => {
  t.equal(judgeStep(window({ canary: outcomes(198, 2) }), plan).verdict, 'pass');
});

t.test('a p99 over the ratio fails the step; at the ratio it passes', async (t) => {
  const slow = judgeStep(window({ canary: outcomes(200, 0, 0.04), stable: outcomes(600, 0, 0.004) }), plan);
  t.equal(slow.verdict, 'fail');
  t.equal(slow.metric, 'p99_ratio');
  t.ok(slow.value! > 1.5);
  t.equal(slow.threshold, 1.5);
  t.equal(judgeStep(window({ canary: outcomes(200, 0, 0.004), stable: outcomes(600, 0, 0.004) }), plan).verdict, 'pass');
});

t.test('latencies under the floor are not told apart: a sub-millisecond stable against a 2 ms canary passes; 16 ms against 4 ms fails', async (t) => {
  t.equal(judgeStep(window({ canary: outcomes(200, 0, 0.002), stable: outcomes(600, 0, 0.0005) }), plan).verdict, 'pass', 'buckets 1–2.5 ms wide, and a cold worker, are not a regression');
  const slower = judgeStep(window({ canary: outcomes(200, 0, 0.016), stable: outcomes(600, 0, 0.004) }), plan);
  t.equal(slower.metric, 'p99_ratio', 'over the floor, the ratio is judged against the floor at least');
  t.ok(slower.value! > 2.5, `ratio ${slower.value}`);
});

t.test('the ratio is skipped, and said so, when the stable revision answered nothing', async (t) => {
  const v = judgeStep(window({ canary: outcomes(200, 0, 0.5), stable: emptyOutcomes() }), plan);
  t.equal(v.verdict, 'pass');
  t.match(v.notes.join(), /p99 ratio not judged: the stable revision answered nothing/);
});

t.test('too few requests extend the step while it may, then fail it as inconclusive', async (t) => {
  const quiet = window({ canary: outcomes(40) });
  const extended = judgeStep(quiet, plan);
  t.equal(extended.verdict, 'extend');
  t.match(extended.notes.join(), /40 of 100 requests/);
  const over = judgeStep({ ...quiet, canExtend: false }, plan);
  t.equal(over.verdict, 'fail');
  t.equal(over.metric, 'min_requests');
  t.same([over.value, over.threshold], [40, 100]);
});

t.test('too few requests: errors among them are not judged before min_requests (the step extends)', async (t) => {
  t.equal(judgeStep(window({ canary: outcomes(10, 5) }), plan).verdict, 'extend');
});

t.test('a crash fails the step whatever the figures', async (t) => {
  const v = judgeStep(window({ crashed: 'canary worker 5 exited with code 1' }), plan);
  t.equal(v.verdict, 'fail');
  t.equal(v.metric, 'crash');
  t.match(v.notes.join(), /exited with code 1/);
});

t.test('the event-loop delay is judged only when the plan bounds it', async (t) => {
  t.equal(judgeStep(window({ eventLoopDelayP99Ms: 500 }), plan).verdict, 'pass');
  const bounded = { ...plan, max_event_loop_delay_ms: 100 };
  const v = judgeStep(window({ eventLoopDelayP99Ms: 500 }), bounded);
  t.same([v.verdict, v.metric, v.value, v.threshold], ['fail', 'event_loop_delay', 500, 100]);
  t.equal(judgeStep(window({ eventLoopDelayP99Ms: 50 }), bounded).verdict, 'pass');
  t.match(judgeStep(window({ eventLoopDelayP99Ms: null }), bounded).notes.join(), /event-loop delay not judged/);
});

t.test('figuresText shows the canary against the stable revision', async (t) => {
  const v = judgeStep(window({}), plan);
  t.match(figuresText(v.figures), /^canary r3 200 req, 0% errors, p99 [\d.]+ ms \| stable r2 600 req, 0% errors, p99 [\d.]+ ms$/);
});
