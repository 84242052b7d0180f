/** A log path that cannot be written fails the start (E_LOG_UNWRITABLE, exit 2) and starts nothing: lines are never silently dropped. */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('an out_file under a regular file (ENOTDIR): exit 2, E_LOG_UNWRITABLE naming the file, nothing started', async (t) => {
  const home = new Home(t);
  writeFileSync(join(home.dir, 'not-a-dir'), '');
  const port = await freePort();
  const file = writeEcosystem(home, [
    { name: 'good', script: 'says-hello.cjs', env: { PORT: port } },
    { name: 'bad', script: 'says-hello.cjs', out_file: 'not-a-dir/out.log', env: { PORT: port } },
  ]);
  const r = await home.run(['start', file, '--json']);
  t.equal(r.code, 2, r.stdout + r.stderr);
  t.match(r.stdout + r.stderr, /E_LOG_UNWRITABLE/);
  t.match(r.stdout + r.stderr, /not-a-dir\/out\.log/);
  t.same((await home.status()).apps, [], 'neither app was started');

  const script = await home.run(['start', join(home.dir, '..', 'nope.js')]);
  t.not(script.code, 0, 'control: a missing script is another error');
});

t.test('reload <file> with a new unwritable error_file: refused, the app keeps serving its revision', async (t) => {
  const home = new Home(t);
  writeFileSync(join(home.dir, 'blocker'), '');
  const port = await freePort();
  const ok = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', env: { PORT: port } }]);
  t.equal((await home.run(['start', ok])).code, 0);
  const bad = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', error_file: 'blocker/err.log', env: { PORT: port } }], 'bad.json');
  const r = await home.run(['reload', bad]);
  t.equal(r.code, 2, r.stderr);
  t.match(r.stderr, /E_LOG_UNWRITABLE/);
  const status = await home.status();
  t.equal(status.apps[0]!.revision, 1, 'still revision 1');
  t.equal(status.apps[0]!.status, 'online');
});
