/**
 * A 5,000-file tree: one watch per directory that is not ignored, one report for one saved
 * file, nothing for changes in node_modules, dot-folders or ignore_watch.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { nothingElse, remove, tempTree, watching, write } from './watch-helpers.js';

const DIRS = 50;
const FILES_PER_DIR = 100;

function buildTree(): string {
  const root = tempTree();
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, 'src', `d${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(dir, `f${String(f).padStart(3, '0')}.js`), `module.exports = ${f};\n`);
  }
  for (let p = 0; p < 10; p++) write(root, `node_modules/pkg${p}/lib/index.js`, 'x');
  for (const o of ['aa', 'bb', 'cc']) write(root, `.git/objects/${o}/obj`, 'x');
  write(root, '.git/HEAD', 'ref: refs/heads/main\n');
  write(root, 'logs/app-out.log', '');
  write(root, 'server.js', '');
  write(root, 'package.json', '{}');
  return root;
}

t.test('one watch per watched directory; one change, one report', async (t) => {
  const root = buildTree();
  const { watcher, rec } = await watching(t, root, { ignore: ['logs'], debounceMs: 50 });
  t.equal(watcher.watchedDirs, 1 + 1 + DIRS, 'root, src and its 50 directories; node_modules, .git and logs have none');

  write(root, 'src/d07/f042.js', 'module.exports = "changed";\n');
  t.same(await rec.next(), ['src/d07/f042.js']);
  t.same(await nothingElse(root, rec), ['sentinel.txt'], 'exactly one report for that save');

  write(root, 'node_modules/pkg3/lib/index.js', 'changed');
  write(root, 'node_modules/pkg3/new-file.js', 'new');
  write(root, '.git/HEAD', 'ref: refs/heads/other\n');
  write(root, 'logs/app-out.log', 'a line\n');
  t.same(await nothingElse(root, rec), ['sentinel.txt'], 'nothing for node_modules, .git or an ignored directory');

  remove(root, 'node_modules');
  remove(root, '.git');
  t.same(await nothingElse(root, rec), ['sentinel.txt'], 'removing ignored directories is no change either');
  t.equal(watcher.watchedDirs, 1 + 1 + DIRS);
  t.same(rec.errors, []);
});
