import t from 'tap';
import { RouterPrimary, tally } from './router-client.js';

t.test('a worker that listens but is not routable gets no connection; it gets its turn once marked', async (t) => {
  const p = await RouterPrimary.start(t);
  const a = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  const b = (await p.fork(2, 1, { PORT: '0' })) as { port: number };
  t.equal(b.port, a.port, 'listen(0): the workers of one app share one socket, and server.address() says its real port');
  t.ok(a.port > 0);
  p.routable(1, true);
  const before = await tally({ port: a.port }, 200);
  t.same([...before], [['1', 200]], 'every connection went to the routable worker');
  p.routable(2, true);
  const after = await tally({ port: a.port }, 200);
  t.same(Object.fromEntries(after), { 1: 100, 2: 100 }, 'round robin once both are routable');
  p.routable(1, false);
  const later = await tally({ port: a.port }, 100);
  t.same([...later], [['2', 100]], 'unmarked (draining, unresponsive): no more connections');
  const [stats] = await p.stats();
  t.match(stats, { accepted: 500, routedByWorker: { 1: 300, 2: 200 }, routedByRevision: { 1: 500 }, queuedNow: 0, dropped: 0 });
});
