import t from 'tap';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, get, Home } from '../helpers/harness.js';

t.test('script "npm" with args "start" runs the file package.json\'s start script names; a shell script is refused (exit 2, nothing started)', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'web');
  mkdirSync(dir);
  copyFileSync(join(FIXTURES, 'http-app.cjs'), join(dir, 'server.cjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'web', version: '2.0.0', scripts: { start: 'node server.cjs --from-npm', build: 'tsc && node x.js' } }));
  const file = join(home.dir, 'ecosystem.config.js');
  writeFileSync(file, `module.exports = { apps: [{ name: 'web', script: 'npm', args: 'start', cwd: 'web', env: { PORT: ${port} } }] };\n`);
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, started.stderr);
  t.match(started.stderr, /"npm" runs package.json's "start": "node server.cjs --from-npm"/);
  const body = JSON.parse((await get(port)).body);
  t.equal(body.version, '2.0.0');
  t.same(body.argv.slice(-1), ['--from-npm'], 'the script\'s arguments');
  t.equal((await home.status()).apps[0]!.script, join(dir, 'server.cjs'));

  const home2 = new Home(t);
  const bad = join(home.dir, 'bad.config.js');
  writeFileSync(bad, `module.exports = { apps: [{ name: 'build', script: 'npm', args: 'run build', cwd: 'web' }] };\n`);
  const refused = await home2.run(['start', bad]);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /E_CONFIG_INVALID/);
  t.match(refused.stderr, /"build": "tsc && node x\.js"/);
  t.match(refused.stderr, /point "script" at the JavaScript file/);
  t.notOk(existsSync(join(home2.dir, 'daemon.sock')), 'no daemon started');
});
