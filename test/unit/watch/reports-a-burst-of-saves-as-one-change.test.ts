/** Debounce: many saves within watch_delay are one report of the distinct files; atomic saves count. */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { nothingElse, tempTree, watching, write } from './watch-helpers.js';

t.test('a burst of saves is one report, each file once, sorted', async (t) => {
  const root = tempTree();
  for (const dir of ['a', 'b', 'c']) write(root, `${dir}/keep.js`);
  const { rec } = await watching(t, root, { debounceMs: 300 });
  const expected: string[] = [];
  for (const dir of ['c', 'a', 'b']) {
    for (let i = 0; i < 5; i++) {
      write(root, `${dir}/file${i}.js`, 'one');
      write(root, `${dir}/file${i}.js`, 'two');
      expected.push(`${dir}/file${i}.js`);
    }
  }
  t.same(await rec.next(), expected.sort());
  t.same(await nothingElse(root, rec), ['sentinel.txt']);
});

t.test("an editor's atomic save (write a temp file, rename it over) is reported", async (t) => {
  const root = tempTree();
  write(root, 'server.js', 'old');
  const { rec } = await watching(t, root, { debounceMs: 100 });
  writeFileSync(join(root, '.server.js.tmp-1234'), 'new');
  renameSync(join(root, '.server.js.tmp-1234'), join(root, 'server.js'));
  const batch = await rec.next();
  t.ok(batch.includes('server.js'), `server.js in ${JSON.stringify(batch)}`);
  t.same(await nothingElse(root, rec), ['sentinel.txt']);
});
