import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('hotctl monit (status --watch) without a terminal: plain tables, one per metrics tick, no escape codes', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }])])).code, 0);
  const monit = await home.run(['monit', '--count', '3']);
  t.equal(monit.code, 0);
  const frames = monit.stdout.split('\n').filter((l) => l.startsWith('--- '));
  t.equal(frames.length, 3, 'three frames');
  t.equal(monit.stdout.match(/^ {2}worker \d+/gm)?.length, 6, 'each frame lists both workers');
  t.notMatch(monit.stdout, /\x1b\[/, 'no escape codes when not a terminal (and NO_COLOR)');
});
