/** What watch mode ignores: the fixed rules and every form of ignore_watch entry. */
import t from 'tap';
import { compileIgnore, globSource } from '../../../src/watch/ignore-rules.js';

const root = '/srv/app';

t.test('always ignored: node_modules and dot-folders, editor droppings; dot-files are watched', async (t) => {
  const rules = compileIgnore([], root);
  for (const [name, isDir, ignored] of [
    ['node_modules', true, true],
    ['.git', true, true],
    ['.cache', true, true],
    ['src', true, false],
    ['node_modules', false, false],
    ['.env', false, false],
    ['.server.js.swp', false, true],
    ['server.js.swo', false, true],
    ['server.js.swx', false, true],
    ['server.js~', false, true],
    ['.#server.js', false, true],
    ['4913', false, true],
    ['.DS_Store', false, true],
    ['server.js', false, false],
  ] as const) {
    t.equal(rules.ignores(name, `x/${name}`, isDir), ignored, `${isDir ? 'dir' : 'file'} ${name}`);
  }
});

t.test('names match at any depth, with * and ?', async (t) => {
  const rules = compileIgnore(['*.log', 'tmp', 'coverage/', 'v?.txt', 'a**b'], root);
  t.ok(rules.ignores('out.log', 'out.log', false));
  t.ok(rules.ignores('out.log', 'deep/down/out.log', false));
  t.notOk(rules.ignores('out.log.js', 'out.log.js', false));
  t.ok(rules.ignores('tmp', 'src/tmp', true));
  t.ok(rules.ignores('coverage', 'coverage', true), 'a trailing / still means a name');
  t.ok(rules.ignores('v1.txt', 'v1.txt', false));
  t.notOk(rules.ignores('v10.txt', 'v10.txt', false));
  t.ok(rules.ignores('axxb', 'axxb', false), '** in a name is *');
});

t.test('paths are relative to the root and cover what is under them', async (t) => {
  const rules = compileIgnore(['./logs', 'public/build', 'src/**.test.js', 'src/**/fixtures', '/srv/app/var/cache', '/elsewhere/x'], root);
  t.ok(rules.ignores('logs', 'logs', true));
  t.ok(rules.ignores('a.log', 'logs/a.log', false));
  t.notOk(rules.ignores('logs', 'src/logs', true), './logs is anchored to the root');
  t.ok(rules.ignores('build', 'public/build', true));
  t.ok(rules.ignores('x.js', 'public/build/x.js', false));
  t.notOk(rules.ignores('build', 'build', true));
  t.ok(rules.ignores('a.test.js', 'src/a.test.js', false));
  t.ok(rules.ignores('a.test.js', 'src/deep/a.test.js', false));
  t.notOk(rules.ignores('a.test.js', 'lib/a.test.js', false));
  t.ok(rules.ignores('fixtures', 'src/fixtures', true), '**/ matches no directory too');
  t.ok(rules.ignores('fixtures', 'src/a/b/fixtures', true));
  t.ok(rules.ignores('cache', 'var/cache', true), 'an absolute path inside the root');
  t.ok(rules.ignores('x', '../../elsewhere/x', false), 'an absolute path outside the root');
  t.notOk(rules.ignores('server.js', 'server.js', false));
});

t.test('blank entries and the root itself ignore nothing', async (t) => {
  const rules = compileIgnore(['', '  ', '.', './', root], root);
  t.notOk(rules.ignores('server.js', 'server.js', false));
  t.notOk(rules.ignores('src', 'src', true));
});

t.test('globs escape regular-expression characters', async (t) => {
  t.equal(globSource('a.b+(c)'), 'a\\.b\\+\\(c\\)');
  t.equal(globSource('*.js'), '[^/]*\\.js');
  t.equal(globSource('a/**/b'), 'a/(?:.*/)?b');
  t.equal(globSource('a/**'), 'a/.*');
  const rules = compileIgnore(['[x].js'], root);
  t.ok(rules.ignores('[x].js', '[x].js', false));
  t.notOk(rules.ignores('x.js', 'x.js', false));
});
