import t from 'tap';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveHome } from '../../../src/protocol/home.js';

t.test('the state directory: HOTCTL_HOME, else ~/.hotctl from $HOME, else from the passwd entry', async (t) => {
  const saved = process.env.HOME;
  t.teardown(() => {
    if (saved === undefined) delete process.env.HOME;
    else process.env.HOME = saved;
  });
  t.equal(resolveHome({ HOTCTL_HOME: 'rel/home' }), resolve('rel/home'));
  process.env.HOME = '/some/where';
  t.equal(resolveHome({}), join('/some/where', '.hotctl'));
  t.equal(resolveHome({ HOTCTL_HOME: '' }), join('/some/where', '.hotctl'), 'an empty HOTCTL_HOME is unset');
  delete process.env.HOME;
  t.equal(resolveHome({}), join(homedir(), '.hotctl'), 'as os.homedir() answers without HOME');
  t.not(homedir(), '', 'the passwd entry has a home');
});
