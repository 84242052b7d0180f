import t from 'tap';
import { get, RouterPrimary } from './router-client.js';

t.test('connections that arrive while no worker is routable wait, and are served once one is', async (t) => {
  const p = await RouterPrimary.start(t);
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  const answers = Promise.all(Array.from({ length: 20 }, () => get({ port })));
  // Wait until the primary holds all 20 (accepted, queued): no worker got any.
  for (;;) {
    const [s] = await p.stats();
    if ((s as { queuedNow: number }).queuedNow === 20) break;
    await new Promise((r) => setImmediate(r));
  }
  p.routable(1, true);
  t.same(await answers, Array.from({ length: 20 }, () => '1'), 'all 20 served by the worker once routable');
  const [stats] = await p.stats();
  t.match(stats, { accepted: 20, queuedNow: 0, dropped: 0, waited: { count: 20 } });
});

t.test('the queue is bounded: past its bound a connection is closed and counted', async (t) => {
  const p = await RouterPrimary.start(t, { QUEUE_MAX: '3' });
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  const results = Array.from({ length: 5 }, () => get({ port }).then((body) => body, (err: NodeJS.ErrnoException) => `error ${err.code ?? err.message}`));
  for (;;) {
    const [s] = (await p.stats()) as Array<{ queuedNow: number; dropped: number }>;
    if (s!.queuedNow === 3 && s!.dropped === 2) break;
    await new Promise((r) => setImmediate(r));
  }
  p.routable(1, true);
  const bodies = await Promise.all(results);
  t.equal(bodies.filter((b) => b === '1').length, 3, 'the 3 queued are served');
  t.equal(bodies.filter((b) => b.startsWith('error')).length, 2, 'the 2 past the bound were closed');
});
