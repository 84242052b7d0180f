import t from 'tap';
import { envStrings, parseMemory, resolveInstances, splitArgs } from '../../../src/config/normalize.js';
import { didYouMean, editDistance } from '../../../src/config/did-you-mean.js';

t.test('splitArgs: white space splits, quotes group, nothing is expanded', async (t) => {
  t.same(splitArgs('a  b\tc'), ['a', 'b', 'c']);
  t.same(splitArgs(`--msg "hello world" 'single q' $(rm -rf /) \`x\``), ['--msg', 'hello world', 'single q', '$(rm', '-rf', '/)', '`x`']);
  t.same(splitArgs('""'), ['']);
  t.same(splitArgs(''), []);
  t.same(splitArgs('"a\nb"'), ['a\nb'], 'newlines inside quotes are kept');
});

t.test('resolveInstances', async (t) => {
  t.equal(resolveInstances('max', 8), 8);
  t.equal(resolveInstances(0, 8), 8);
  t.equal(resolveInstances(-1, 8), 7);
  t.equal(resolveInstances(-1, 1), 1);
  t.equal(resolveInstances(3, 8), 3);
});

t.test('parseMemory', async (t) => {
  t.equal(parseMemory('300M'), 300 * 1024 ** 2);
  t.equal(parseMemory('1G'), 1024 ** 3);
  t.equal(parseMemory('512K'), 512 * 1024);
  t.equal(parseMemory('512kb'), 512 * 1024);
  t.equal(parseMemory(1000), 1000);
  t.equal(parseMemory('1.5G'), 1.5 * 1024 ** 3);
  t.equal(parseMemory('lots'), null);
  t.equal(parseMemory(-1), null);
  t.equal(parseMemory('0M'), null);
});

t.test('envStrings', async (t) => {
  t.same(envStrings({ A: 1, B: true, C: 'x' }), { A: '1', B: 'true', C: 'x' });
});

t.test('didYouMean', async (t) => {
  t.equal(didYouMean('instanses', ['instances', 'name']), 'instances');
  t.equal(didYouMean('nmae', ['instances', 'name']), 'name', 'a swap counts as one edit');
  t.equal(didYouMean('listen_time', ['listen_timeout']), 'listen_timeout', 'a prefix');
  t.equal(didYouMean('zzzzzz', ['name']), undefined);
  t.equal(editDistance('kitten', 'sitting'), 3);
});
