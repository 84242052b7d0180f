/** close(): no watch left, no report after; start() once; a throwing onChange goes to onError. */
import t from 'tap';
import { AppWatcher } from '../../../src/watch/app-watcher.js';
import { recorder, tempTree, watching, write } from './watch-helpers.js';

t.test('after close nothing is reported and no directory is watched', async (t) => {
  const root = tempTree();
  write(root, 'src/a.js');
  // Two watchers of one tree: the open one proves the change happened.
  const { rec: open } = await watching(t, root, { debounceMs: 200 });
  const closed = recorder();
  const watcher = new AppWatcher({ root, paths: true, ignore: [], debounceMs: 0, onChange: closed.onChange, onError: closed.onError });
  await watcher.start();
  t.equal(watcher.watchedDirs, 2);
  write(root, 'src/a.js');
  watcher.close();
  watcher.close();
  t.equal(watcher.watchedDirs, 0);
  t.same(await open.next(), ['src/a.js']);
  t.same(closed.batches, [], 'the closed watcher reported nothing, not even the pending change');
  await t.rejects(watcher.start(), /closed/);
});

t.test('start twice is refused; an onChange that throws is reported to onError', async (t) => {
  const root = tempTree();
  write(root, 'a.js');
  const errors: Error[] = [];
  let calls = 0;
  let wake: () => void = () => {};
  const called = new Promise<void>((resolve) => (wake = resolve));
  const watcher = new AppWatcher({
    root,
    paths: true,
    ignore: [],
    debounceMs: 10,
    onChange: () => {
      calls++;
      throw new Error('app reload exploded');
    },
    onError: (err) => {
      errors.push(err);
      wake();
    },
  });
  t.teardown(() => watcher.close());
  await watcher.start();
  await t.rejects(watcher.start(), /watching/);
  write(root, 'a.js');
  const bound = setTimeout(() => wake(), 10_000);
  await called;
  clearTimeout(bound);
  t.equal(calls, 1);
  t.match(errors[0]?.message, /app reload exploded/);
});
