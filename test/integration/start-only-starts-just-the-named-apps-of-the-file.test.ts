import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, get, Home } from '../helpers/harness.js';

// A PM2 file whose apps are alternatives (prod and dev on the same port), meant for
// `pm2 start eco.config.js --only prod`: starting both would fail the second with E_PORT_IN_USE.
t.test('start <file> --only prod starts prod alone; --dry-run starts nothing; an unknown --only name is exit 2', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = join(home.dir, 'eco.config.js');
  const script = JSON.stringify(join(FIXTURES, 'http-app.cjs'));
  writeFileSync(
    file,
    `module.exports = { apps: [
      { name: 'prod', script: ${script}, env: { PORT: ${port}, MESSAGE: 'prod' } },
      { name: 'dev', script: ${script}, env: { PORT: ${port}, MESSAGE: 'dev' } },
    ] };\n`,
  );

  const dry = await home.run(['start', file, '--only', 'prod', '--dry-run']);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /prod\s+start\s+new app/);
  t.notMatch(dry.stdout, /\bdev\b/);
  t.notMatch(dry.stderr, /started the hotctl daemon/, 'a dry run starts no daemon');

  const unknown = await home.run(['start', file, '--only', 'prod,nope']);
  t.equal(unknown.code, 2, 'exit 2');
  t.match(unknown.stderr, /E_USAGE/);
  t.match(unknown.stderr, /"nope": not an app of/);

  const started = await home.run(['start', file, '--only', 'prod']);
  t.equal(started.code, 0, started.stderr);
  const status = await home.status();
  t.same(status.apps.map((a) => a.name), ['prod'], 'only prod runs');
  t.equal(JSON.parse((await get(port)).body).message, 'prod');

  const reloaded = await home.run(['reload', file, '--only', 'prod']);
  t.equal(reloaded.code, 0, reloaded.stderr);
  t.same((await home.status()).apps.map((a) => [a.name, a.revision]), [['prod', 2]], 'reload --only: prod reloaded, dev not started');

  const stopped = await home.run(['stop', file, '--only', 'prod']);
  t.equal(stopped.code, 0, stopped.stderr);
  t.same((await home.status()).apps.map((a) => [a.name, a.status]), [['prod', 'stopped']]);
});
