import t from 'tap';
import { addOutcomes, codeClassOf, DURATION_BUCKETS_S, durationBucketOf, durationQuantileS, emptyOutcomes, errorRateOf, outcomesSince, requestsOf } from '../../../src/protocol/outcomes.js';

function withDurations(seconds: number[], status = 200) {
  const o = emptyOutcomes();
  for (const s of seconds) {
    o.responses[codeClassOf(status)]++;
    o.duration_buckets[durationBucketOf(s)]!++;
    o.duration_sum_s += s;
  }
  return o;
}

t.test('status classes', async (t) => {
  t.same([100, 204, 302, 404, 500, 599, 99, 600].map(codeClassOf), ['1xx', '2xx', '3xx', '4xx', '5xx', '5xx', '5xx', '5xx']);
});

t.test('buckets: a duration on a bound belongs to that bound; past the last, the overflow bucket', async (t) => {
  t.equal(durationBucketOf(0), 0);
  t.equal(durationBucketOf(0.001), 0);
  t.equal(durationBucketOf(0.0011), 1);
  t.equal(durationBucketOf(11), DURATION_BUCKETS_S.length);
});

t.test('sums add, windows subtract, and rates follow', async (t) => {
  const a = withDurations([0.002, 0.004, 0.004]);
  const b = withDurations([0.2], 503);
  b.resets = 1;
  const total = addOutcomes(addOutcomes(emptyOutcomes(), a), b);
  t.equal(requestsOf(total), 5);
  t.equal(errorRateOf(total), 2 / 5, '5xx and resets over requests');
  const window = outcomesSince(total, a);
  t.same(window, b, 'the window is what came after the first snapshot');
  t.equal(errorRateOf(emptyOutcomes()), 0);
});

t.test('quantiles interpolate within a bucket; none without responses', async (t) => {
  t.equal(durationQuantileS(emptyOutcomes(), 0.99), null);
  const fast = withDurations(new Array(100).fill(0.004));
  const p99 = durationQuantileS(fast, 0.99)!;
  t.ok(p99 > 0.0025 && p99 <= 0.005, `p99 of 4 ms answers is within their bucket (${p99})`);
  const slow = withDurations(new Array(100).fill(0.012));
  t.ok(durationQuantileS(slow, 0.99)! / p99 > 2, 'three times slower reads as more than twice the p99');
  const mixed = withDurations([...new Array(98).fill(0.004), 0.3, 0.3]);
  t.ok(durationQuantileS(mixed, 0.99)! > 0.25, 'the slowest 2 % decide p99');
});
