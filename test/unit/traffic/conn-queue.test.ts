import t from 'tap';
import { ConnQueue } from '../../../src/traffic/conn-queue.js';

const conn = () => ({ closed: 0, close() { this.closed++; } });

t.test('FIFO with a bound: past it a new connection is closed and counted', async (t) => {
  const q = new ConnQueue<ReturnType<typeof conn>>({ max: 2, timeoutMs: 60_000 });
  const [a, b, c] = [conn(), conn(), conn()];
  t.ok(q.push(a));
  t.ok(q.push(b));
  t.notOk(q.push(c));
  t.equal(c.closed, 1);
  t.equal(q.dropped, 1);
  t.equal(q.shift()!.handle, a);
  t.equal(q.shift()!.handle, b);
  t.equal(q.shift(), null);
});

t.test('past the timeout the oldest are closed and counted', async (t) => {
  let now = 0;
  const q = new ConnQueue<ReturnType<typeof conn>>({ max: 10, timeoutMs: 5 }, () => now);
  const a = conn();
  q.push(a);
  now = 3;
  const b = conn();
  q.push(b);
  now = 6;
  await new Promise((r) => setTimeout(r, 20));
  t.equal(a.closed, 1, 'the first waited past 5 ms');
  t.equal(b.closed, 0, 'the second has not');
  t.equal(q.dropped, 1);
  t.equal(q.size, 1);
  t.equal(q.shift()!.waitedMs, 3);
  q.closeAll();
});
