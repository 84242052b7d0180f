/** The debounce: distinct, sorted paths in one flush; a cap on how long a stream postpones it. */
import t from 'tap';
import { ChangeBatch } from '../../../src/watch/change-batch.js';

function flushes() {
  const seen: string[][] = [];
  let wake: (() => void) | null = null;
  return {
    seen,
    flush: (paths: string[]) => {
      seen.push(paths);
      wake?.();
    },
    next: () =>
      new Promise<string[]>((resolve, reject) => {
        const bound = setTimeout(() => reject(new Error(`no flush; seen ${JSON.stringify(seen)}`)), 5000);
        wake = () => {
          clearTimeout(bound);
          resolve(seen[seen.length - 1]!);
        };
      }),
  };
}

t.test('a burst becomes one flush of the distinct paths, sorted', async (t) => {
  const f = flushes();
  const batch = new ChangeBatch(20, 1000, f.flush);
  const flushed = f.next();
  for (const p of ['b.js', 'a.js', 'b.js', 'c/d.js', 'a.js']) batch.add(p);
  t.equal(batch.pending, 3);
  t.same(await flushed, ['a.js', 'b.js', 'c/d.js']);
  t.equal(batch.pending, 0);
  t.equal(f.seen.length, 1);
});

t.test('cancel drops what is pending', async (t) => {
  const f = flushes();
  const batch = new ChangeBatch(10, 1000, f.flush);
  batch.add('gone.js');
  batch.cancel();
  const flushed = f.next();
  batch.add('kept.js');
  t.same(await flushed, ['kept.js'], 'only what came after the cancel');
  t.equal(f.seen.length, 1);
});

t.test('a steady stream is flushed once maxWait has passed since its first change', async (t) => {
  const f = flushes();
  let now = 0;
  const hour = 3_600_000;
  const batch = new ChangeBatch(hour, 1000, f.flush, () => now);
  t.teardown(() => batch.cancel());
  batch.add('a.js');
  now = 999;
  batch.add('b.js');
  t.equal(f.seen.length, 0);
  now = 1000;
  const flushed = f.next();
  batch.add('c.js');
  t.same(await flushed, ['a.js', 'b.js', 'c.js'], 'flushed at the cap, not after an hour');
});
