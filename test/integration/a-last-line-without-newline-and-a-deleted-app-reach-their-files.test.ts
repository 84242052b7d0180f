/**
 * Two ways lines went missing: a worker's last stderr words without a final newline, and an
 * app deleted, its log file removed by hand, then started again (the old descriptor stayed open,
 * so the file was never created again).
 */
import t from 'tap';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { waitForFile } from '../helpers/files.js';

t.test("a crash's last stderr text without a newline is in the error file", async (t) => {
  const home = new Home(t);
  const file = writeEcosystem(home, [{ name: 'dies', script: 'says-hello.cjs', env: { PORT: await freePort(), SAY_PARTIAL: 'fatal: the last words, no newline' } }]);
  const r = await home.run(['start', file]);
  t.not(r.code, 0, 'the start fails: the worker exits');
  const text = await waitForFile(join(home.dir, 'logs', 'dies-error.log'), /fatal: the last words, no newline/);
  t.match(text, /\[dies#\d+ r1\] fatal: the last words, no newline\n/, 'stamped and ended with a newline in the file');
});

t.test('delete, rm the log file, start again: the file is created again with the new lines', async (t) => {
  const home = new Home(t);
  const out = join(home.dir, 'logs', 'api-out.log');
  const file = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', env: { PORT: await freePort() } }]);
  t.equal((await home.run(['start', file])).code, 0);
  await waitForFile(out, /hello out 0/);
  t.equal((await home.run(['delete', 'api'])).code, 0);
  rmSync(out);
  t.equal((await home.run(['start', file])).code, 0);
  t.match(await waitForFile(out, /hello out 0/), /\[api#\d+ r1\] hello out 0/, 'the new worker\'s line is in a new file');
  t.ok(existsSync(out));

  // The same while the app runs: rm the file, then `start <file>` (the app is unchanged) reopens it.
  rmSync(out);
  t.equal((await home.run(['reload', 'api'])).code, 0);
  t.match(await waitForFile(out, /hello out 0/), /hello out 0/, 'a reload after rm: the file is there again');
});
