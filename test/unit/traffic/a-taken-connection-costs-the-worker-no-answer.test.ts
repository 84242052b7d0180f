import t from 'tap';
import { RouterPrimary, tally } from './router-client.js';

t.test('a connection the worker takes gets no answer from it: 200 connections, one routing message per worker (its listen)', async (t) => {
  const p = await RouterPrimary.start(t);
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  await p.fork(2, 1, { PORT: '0' });
  p.routable(1, true);
  p.routable(2, true);
  const counts = await tally({ port }, 200);
  t.same(Object.fromEntries(counts), { 1: 100, 2: 100 }, 'all 200 answered, round robin');
  const tag = 'ipc';
  p.command({ op: 'ipc', tag });
  const e = await p.waitFor((e) => e.ev === 'ipc' && e.tag === tag, 'the message counts');
  // Before, each connection cost an {act: 'ack'} besides child_process's NODE_HANDLE_ACK (bench/RESULTS.md section 24).
  t.same(e.sent, { 1: 1, 2: 1 }, 'each worker sent its listen and nothing per connection');
  const [stats] = await p.stats();
  t.match(stats, { accepted: 200, routedByWorker: { 1: 100, 2: 100 }, queuedNow: 0, dropped: 0 }, 'routed counts as before');
});
