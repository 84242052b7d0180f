import t from 'tap';
import { isoNow, isoTime } from '../../../src/platform/iso-time.js';

t.test('isoTime writes what toISOString writes', async (t) => {
  const edges = [0, 1, 9, 10, 99, 100, 999, 1000, -1, -62167219200000, -62167219200001, 253402300799999, 253402300800000, 951782400000, 1795891663072, Date.UTC(2024, 1, 29, 23, 59, 59, 5), Date.UTC(999, 0, 1), Date.UTC(10, 11, 31, 1, 2, 3, 40)];
  for (const ms of edges) t.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let same = 0;
  for (let i = 0; i < 20_000; i++) {
    const ms = Math.floor((random() - 0.2) * 4e12 + random() * 1000);
    if (isoTime(ms) === new Date(ms).toISOString()) same++;
  }
  t.equal(same, 20_000, '20,000 random times from 1938 to 2096');
  t.throws(() => isoTime(NaN), RangeError, 'an invalid time throws as toISOString does');
  t.match(isoNow(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

