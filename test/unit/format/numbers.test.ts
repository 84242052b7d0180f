import t from 'tap';
import { formatBytes, formatPercent, formatRate } from '../../../src/format/index.js';

t.test('bytes: powers of 1024, digits by size, never 1024.0 of a unit', async (t) => {
  t.equal(formatBytes(0), '0B');
  t.equal(formatBytes(512), '512B');
  t.equal(formatBytes(1023.6), '1.00KB');
  t.equal(formatBytes(1536), '1.50KB');
  t.equal(formatBytes(52_000_000), '49.6MB');
  t.equal(formatBytes(1024 ** 2 - 1), '1.00MB');
  t.equal(formatBytes(1.5 * 1024 ** 3), '1.50GB');
  t.equal(formatBytes(3 * 1024 ** 5), '3072.0TB', 'TB is the largest unit');
  t.equal(formatBytes(-5), '0B');
  t.equal(formatBytes(null), '-');
  t.equal(formatBytes(Number.NaN), '-');
});

t.test('percent of one core', async (t) => {
  t.equal(formatPercent(0), '0%');
  t.equal(formatPercent(0.04), '0.0%');
  t.equal(formatPercent(3.44), '3.4%');
  t.equal(formatPercent(12.5), '13%');
  t.equal(formatPercent(180), '180%', 'above 100 on several cores');
  t.equal(formatPercent(null), '-');
});

t.test('request rate', async (t) => {
  t.equal(formatRate(0), '0/s');
  t.equal(formatRate(0.42), '0.4/s');
  t.equal(formatRate(12), '12/s');
  t.equal(formatRate(12.54), '12.5/s');
  t.equal(formatRate(850.4), '850/s');
  t.equal(formatRate(12_345), '12.3k/s');
  t.equal(formatRate(null), '-');
  t.equal(formatRate(Infinity), '-');
});
