import t from 'tap';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES } from '../../src/protocol/index.js';
import { FIXTURES, freePort, Home, writeEcosystem } from '../helpers/harness.js';

// What 0700/0600 looks like when all is well is checked in daemon-killed-comes-back-with-its-apps.test.ts.

t.test('a HOTCTL_HOME others can write to is refused by every command, before anything is created in it', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: join(FIXTURES, 'http-app.cjs'), env: { PORT: port } }]);
  const unsafe = mkdtempSync(join(tmpdir(), 'hu-'));
  t.teardown(() => rmSync(unsafe, { recursive: true, force: true }));
  for (const mode of [0o777, 0o770, 0o722]) {
    chmodSync(unsafe, mode);
    for (const args of [['start', file], ['status'], ['reload', 'api'], ['kill'], ['run', file]]) {
      const r = await home.run(args, { env: { HOTCTL_HOME: unsafe } });
      t.equal(r.code, EXIT_CODES.conflict, `mode ${mode.toString(8)}, hotctl ${args[0]}: exit ${EXIT_CODES.conflict}`);
      t.match(r.stderr, /writable by others \(mode \d+\)\. \(E_HOME_UNSAFE\)\nhint: Run `chmod 700 /, 'says what is wrong and how to fix it');
    }
    t.same(readdirSync(unsafe), [], 'nothing created there: no daemon, no socket, no log');
  }
});

t.test('a HOTCTL_HOME that is a file is refused the same way', async (t) => {
  const home = new Home(t);
  const notDir = join(home.dir, 'not-a-dir');
  writeFileSync(notDir, 'x');
  for (const args of [['start', join(FIXTURES, 'http-app.cjs')], ['status']]) {
    const r = await home.run(args, { env: { HOTCTL_HOME: notDir } });
    t.equal(r.code, EXIT_CODES.conflict, `hotctl ${args[0]}`);
    t.match(r.stderr, /is not a directory\. \(E_HOME_UNSAFE\)/);
  }
});
