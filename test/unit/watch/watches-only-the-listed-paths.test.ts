/** `watch: [paths]`: only those files and directories; a listed node_modules or dot-folder is watched. */
import t from 'tap';
import { tempTree, watching, write } from './watch-helpers.js';

t.test('listed files and directories, nothing else; named ignored folders are watched', async (t) => {
  const root = tempTree();
  for (const rel of [
    'src/a.js',
    'lib/b.js',
    'config.json',
    'other.txt',
    'node_modules/my-lib/index.js',
    'node_modules/my-lib/node_modules/dep/x.js',
    'node_modules/other/y.js',
    '.config/app.json',
  ]) {
    write(root, rel);
  }
  const { watcher, rec } = await watching(t, root, {
    paths: ['src', 'config.json', 'node_modules/my-lib', '.config', 'missing.json'],
    ignore: ['*.log'],
  });
  // src, node_modules/my-lib, .config, and the root for config.json and missing.json.
  t.equal(watcher.watchedDirs, 4);

  const sentinel = async () => {
    write(root, 'src/sentinel.txt');
    return rec.next();
  };
  write(root, 'lib/b.js');
  write(root, 'other.txt');
  write(root, 'src/debug.log');
  write(root, 'node_modules/other/y.js');
  write(root, 'node_modules/my-lib/node_modules/dep/x.js');
  t.same(await sentinel(), ['src/sentinel.txt'], 'nothing outside the listed paths, nor ignored inside them');

  write(root, 'config.json');
  t.same(await rec.next(), ['config.json']);
  write(root, 'node_modules/my-lib/index.js');
  t.same(await rec.next(), ['node_modules/my-lib/index.js']);
  write(root, '.config/app.json');
  t.same(await rec.next(), ['.config/app.json']);
  write(root, 'missing.json');
  t.same(await rec.next(), ['missing.json'], 'a listed file made after start');
  t.same(rec.errors, []);
});

t.test('a listed path whose directory does not exist is an error, not a crash', async (t) => {
  const root = tempTree();
  write(root, 'src/a.js');
  const { watcher, rec } = await watching(t, root, { paths: ['src', 'nowhere/x.js'] });
  t.equal(watcher.watchedDirs, 1);
  t.equal(rec.errors.length, 1);
  t.match(rec.errors[0]!.message, /nowhere\/x\.js/);
});
