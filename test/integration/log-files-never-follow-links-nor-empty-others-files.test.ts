/**
 * A link planted in a shared log directory made a root daemon append app output to a root-only
 * file, and `hotctl flush` truncate it; two apps sharing one out_file flushed each other's logs.
 * Now: no link is followed, another user's file in a world-writable directory is refused, and
 * flush empties only the files an app owns alone, saying what it left.
 */
import t from 'tap';
import { chmodSync, chownSync, lchownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { waitForFile } from '../helpers/files.js';

const NOBODY = 65534;
const root = typeof process.geteuid === 'function' && process.geteuid() === 0;
const skipNotRoot = root ? false : 'needs root: files owned by another user are made with chown';
if (!root) console.log('# skipping the other-user subtests: not running as root (chown needs it)');

/**
 * A world-writable directory (a shared log dir, 0777 without the sticky bit, so that Linux's
 * fs.protected_symlinks / protected_regular do not step in: what is measured is hotctl's own
 * refusal), and a root-only file an attacker would aim at.
 */
function shared(home: Home): { dir: string; secret: string } {
  const dir = join(home.dir, 'shared');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const secret = join(home.dir, 'root-only');
  writeFileSync(secret, 'ROOT ONLY\n', { mode: 0o600 });
  return { dir, secret };
}

t.test("a symlink at out_file in a shared directory: the start fails, the link's target is untouched", { skip: skipNotRoot }, async (t) => {
  const home = new Home(t);
  const { dir, secret } = shared(home);
  const link = join(dir, 'app.log');
  symlinkSync(secret, link);
  lchownSync(link, NOBODY, NOBODY);
  const file = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', out_file: link, env: { PORT: await freePort() } }]);
  const r = await home.run(['start', file]);
  t.equal(r.code, 2, r.stderr);
  t.match(r.stderr, /E_LOG_UNWRITABLE/);
  t.match(r.stderr, /symbolic link/);
  t.same((await home.status()).apps, [], 'nothing started');
  t.equal(readFileSync(secret, 'utf8'), 'ROOT ONLY\n', 'the target is untouched');
});

t.test("another user's file in a world-writable directory is refused", { skip: skipNotRoot }, async (t) => {
  const home = new Home(t);
  const { dir } = shared(home);
  const planted = join(dir, 'app.log');
  writeFileSync(planted, '');
  chownSync(planted, NOBODY, NOBODY);
  const file = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', error_file: planted, env: { PORT: await freePort() } }]);
  const r = await home.run(['start', file]);
  t.equal(r.code, 2, r.stderr);
  t.match(r.stderr, /another user \(uid 65534\)/);
  t.equal(readFileSync(planted, 'utf8'), '', 'nothing written');

  // Control: the same directory, a file of our own: accepted.
  const own = writeEcosystem(home, [{ name: 'api', script: 'says-hello.cjs', error_file: join(dir, 'mine.log'), env: { PORT: await freePort() } }], 'own.json');
  const ok = await home.run(['start', own]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(await waitForFile(join(dir, 'mine.log'), /hello err 0/), /hello err 0/);
});

t.test('flush: a file shared by two apps, and a file turned into a link, are left as they are and named', async (t) => {
  const home = new Home(t);
  const sharedLog = join(home.dir, 'both.log');
  const ports = new Set<number>();
  while (ports.size < 2) ports.add(await freePort());
  const [pa, pb] = [...ports];
  const file = writeEcosystem(home, [
    { name: 'a', script: 'says-hello.cjs', out_file: sharedLog, env: { PORT: pa } },
    { name: 'b', script: 'says-hello.cjs', out_file: sharedLog, env: { PORT: pb } },
  ]);
  t.equal((await home.run(['start', file])).code, 0);
  await waitForFile(sharedLog, /\[a#\d+ r1\] hello out 0[\s\S]*\[b#|\[b#\d+ r1\] hello out 0[\s\S]*\[a#/);
  const before = readFileSync(sharedLog, 'utf8');

  // a's error file becomes a link to a file a must not empty.
  const secret = join(home.dir, 'precious');
  writeFileSync(secret, 'KEEP\n');
  const aErr = join(home.dir, 'logs', 'a-error.log');
  rmSync(aErr);
  symlinkSync(secret, aErr);

  const r = await home.run(['flush', 'a', '--json']);
  t.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { files: string[]; skipped: Array<{ file: string; reason: string }> };
  t.same(result.files, [], 'nothing a owns alone was left to empty');
  t.same(
    result.skipped.map((s) => s.file).sort(),
    [aErr, sharedLog].sort(),
  );
  t.match(result.skipped.find((s) => s.file === sharedLog)!.reason, /shared with "b"/);
  t.match(result.skipped.find((s) => s.file === aErr)!.reason, /symbolic link/);
  t.equal(readFileSync(sharedLog, 'utf8').slice(0, before.length), before, "b's lines are still there");
  t.equal(readFileSync(secret, 'utf8'), 'KEEP\n', 'the link target is untouched');

  const text = await home.run(['flush', 'a']);
  t.match(text.stdout, /left .*both\.log as it is: shared with "b"/, 'the text output says what it left');
});
