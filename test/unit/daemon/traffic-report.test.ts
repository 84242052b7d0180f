/** The canary share → router weights, and what the router saw summed per app for status and /metrics. */
import t from 'tap';
import { canaryShareOf, trafficReport, weightsKey, weightsOf } from '../../../src/daemon/traffic-report.js';
import type { SocketStats } from '../../../src/traffic/routed-socket.js';

const socket = (over: Partial<SocketStats>): SocketStats => ({
  key: 'k',
  app: 'api',
  address: '127.0.0.1:1',
  accepted: 0,
  routedByWorker: {},
  routedByRevision: {},
  queuedNow: 0,
  dropped: 0,
  waited: { count: 0, totalMs: 0, maxMs: 0 },
  ...over,
});

t.test('a canary held with a share weighs its revision against the active one', async (t) => {
  t.same([...weightsOf({ active: 3, canary: 4, share: 10 })!], [
    [4, 10],
    [3, 90],
  ]);
  t.equal(weightsOf(null), null, 'no canary: by worker count');
  t.equal(weightsKey(null), '');
  t.equal(weightsKey(weightsOf({ active: 3, canary: 4, share: 10 })), '4:10,3:90');
});

t.test('the share is read from the canary hold, only when one was asked', async (t) => {
  const hold = (share: number | null) => ({ revision: { number: 4 }, workers: [], sinceMs: 0, share }) as never;
  t.same(canaryShareOf({ activeRevision: 3, canary: hold(10) }), { active: 3, canary: 4, share: 10 });
  t.equal(canaryShareOf({ activeRevision: 3, canary: hold(null) }), null, '--canary K: by worker count');
  t.equal(canaryShareOf({ activeRevision: 3, canary: null }), null);
  t.equal(canaryShareOf(undefined), null);
});

t.test('the report sums the sockets of an app, per revision with the share asked', async (t) => {
  t.equal(trafficReport([], null), null, 'no routed socket: no report');
  const report = trafficReport(
    [
      socket({ accepted: 10, routedByRevision: { 3: 9 }, queuedNow: 1, dropped: 2, waited: { count: 2, totalMs: 30, maxMs: 20 } }),
      socket({ accepted: 5, routedByRevision: { 3: 4, 4: 1 }, waited: { count: 1, totalMs: 50, maxMs: 50 } }),
    ],
    weightsOf({ active: 3, canary: 4, share: 10 }),
  );
  t.same(report, {
    accepted: 15,
    queued: 1,
    dropped: 2,
    queue_wait: { count: 3, total_ms: 80, max_ms: 50 },
    revisions: [
      { revision: 3, share: 90, routed: 13 },
      { revision: 4, share: 10, routed: 1 },
    ],
  });
  t.same(trafficReport([socket({ routedByRevision: { 2: 1 } })], null)!.revisions, [{ revision: 2, share: null, routed: 1 }], 'without weights: no share');
});
