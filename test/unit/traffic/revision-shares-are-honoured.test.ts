import t from 'tap';
import { RouterPrimary, tally } from './router-client.js';

t.test('weights per revision: 10 % / 90 % over 1,000 connections, counted by the workers, whatever the worker counts', async (t) => {
  const p = await RouterPrimary.start(t);
  // Revision 1: three workers; revision 2 (the canary): one.
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  await p.fork(2, 1, { PORT: '0' });
  await p.fork(3, 1, { PORT: '0' });
  await p.fork(4, 2, { PORT: '0' });
  for (const id of [1, 2, 3, 4]) p.routable(id, true);
  p.command({ op: 'weights', weights: { 1: 90, 2: 10 } });
  const counts = await tally({ port }, 1000);
  const canary = counts.get('4') ?? 0;
  // Smooth weighted round robin is exact: 100 of 1,000 (tolerance: one connection either way).
  t.ok(Math.abs(canary - 100) <= 1, `the canary took ${canary} of 1,000`);
  const old = ['1', '2', '3'].map((id) => counts.get(id) ?? 0);
  t.ok(old.every((n) => Math.abs(n - 300) <= 1), `round robin inside revision 1: ${old.join('/')}`);
  // The workers' own counts agree with what their answers said.
  for (const id of [1, 2, 3, 4]) {
    p.command({ op: 'send', id, message: 'count' });
    const e = await p.waitFor((e) => e.ev === 'message' && e.id === id && e.message?.ev === 'count', `worker ${id}'s count`);
    t.equal(e.message!.served, counts.get(String(id)) ?? 0, `worker ${id} counted ${String(e.message!.served)}`);
  }
  p.command({ op: 'weights', weights: null });
  const even = await tally({ port }, 400);
  t.same(Object.fromEntries(even), { 1: 100, 2: 100, 3: 100, 4: 100 }, 'no weights: a revision\'s share is its worker count');
});
