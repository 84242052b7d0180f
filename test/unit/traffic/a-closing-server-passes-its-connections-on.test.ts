import t from 'tap';
import { RouterPrimary, tally } from './router-client.js';

t.test('a worker whose server closes (drain) while still marked routable gets no connection; none is lost', async (t) => {
  const p = await RouterPrimary.start(t);
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  await p.fork(2, 1, { PORT: '0' });
  p.routable(1, true);
  p.routable(2, true);
  const load = tally({ port }, 300, 8);
  p.command({ op: 'send', id: 1, message: 'close' });
  await p.waitFor((e) => e.ev === 'message' && e.id === 1 && e.message?.ev === 'closed', 'worker 1 to close its server');
  const counts = await load;
  t.equal((counts.get('1') ?? 0) + (counts.get('2') ?? 0), 300, 'all 300 answered (tally rejects on any failure)');
  const after = await tally({ port }, 50);
  t.same([...after], [['2', 50]], 'after its close, only worker 2');
});

t.test("a worker killed with connections in flight: the primary closes what it never took, the rest go on", async (t) => {
  const p = await RouterPrimary.start(t);
  const { port } = (await p.fork(1, 1, { PORT: '0' })) as { port: number };
  await p.fork(2, 1, { PORT: '0' });
  p.routable(1, true);
  p.routable(2, true);
  p.command({ op: 'kill', id: 1 });
  await p.waitFor((e) => e.ev === 'exit' && e.id === 1, 'worker 1 to exit');
  t.same([...(await tally({ port }, 50))], [['2', 50]], 'a dead member is out of the rotation even while marked routable');
});
