/** Directories made after start get a watch (and their files are reported); removed ones lose it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { nothingElse, remove, tempTree, watching, write } from './watch-helpers.js';

t.test('a new directory is watched; its removal drops its watches', async (t) => {
  const root = tempTree();
  write(root, 'src/index.js');
  const { watcher, rec } = await watching(t, root);
  t.equal(watcher.watchedDirs, 2);

  write(root, 'src/new/a.js');
  t.ok((await rec.next()).includes('src/new/a.js'), 'a file made with its directory is reported');
  t.equal(watcher.watchedDirs, 3);
  write(root, 'src/new/b.js');
  t.same(await rec.next(), ['src/new/b.js'], 'the new directory has its own watch');

  mkdirSync(join(root, 'src/new/x/y/z'), { recursive: true });
  writeFileSync(join(root, 'src/new/x/y/z/deep.js'), 'x');
  t.ok((await rec.next()).includes('src/new/x/y/z/deep.js'), 'a tree made at once is walked');
  t.equal(watcher.watchedDirs, 6);
  write(root, 'src/new/x/y/z/deeper.js');
  t.same(await rec.next(), ['src/new/x/y/z/deeper.js']);

  remove(root, 'src/new');
  t.same(await rec.next(), ['src/new'], 'the removal is one change');
  t.equal(watcher.watchedDirs, 2, 'its four watches are gone');
  t.same(await nothingElse(root, rec), ['sentinel.txt']);
  t.same(rec.errors, []);
});

t.test('a directory removed and made again at once is watched again', async (t) => {
  const root = tempTree();
  write(root, 'again/first.js');
  const { watcher, rec } = await watching(t, root);
  t.equal(watcher.watchedDirs, 2);
  remove(root, 'again');
  write(root, 'again/second.js');
  const seen = new Set<string>();
  // The removal and the new directory may come in one report or two.
  while (!seen.has('again/second.js')) for (const f of await rec.next()) seen.add(f);
  t.equal(watcher.watchedDirs, 2, 'the dead watch was replaced, not kept beside a new one');
  write(root, 'again/third.js');
  t.same(await rec.next(), ['again/third.js'], 'the new directory is the one watched');
});

t.test('a new node_modules or dot-folder gets no watch', async (t) => {
  const root = tempTree();
  write(root, 'index.js');
  const { watcher, rec } = await watching(t, root);
  write(root, 'node_modules/dep/index.js');
  write(root, '.cache/blob');
  t.same(await nothingElse(root, rec), ['sentinel.txt']);
  t.equal(watcher.watchedDirs, 1);
});
