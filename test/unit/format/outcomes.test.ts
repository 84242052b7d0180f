import t from 'tap';
import { formatErrorRate, formatLatencyMs, formatOutcomes } from '../../../src/format/outcomes.js';

t.test('latencies, error rates and the one-line outcomes of a revision', async (t) => {
  t.same([0.843, 23.46, 250.4, 1200, null].map(formatLatencyMs), ['0.84ms', '23.5ms', '250ms', '1.20s', '-']);
  t.same([0, 0.0005, 0.025, 0.25, 1].map(formatErrorRate), ['0%', '0.05%', '2.5%', '25%', '100%']);
  t.equal(formatOutcomes({ requests: 1234, error_rate: 0.007, p99_ms: 23.5 }), '1,234 req · 0.7% errors · p99 23.5ms');
  t.equal(formatOutcomes({ requests: 3, error_rate: 1, p99_ms: null }), '3 req · 100% errors', 'resets only: no p99');
});
