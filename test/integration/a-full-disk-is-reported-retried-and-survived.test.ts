import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, freePort, get, Home, isAlive, lastOperation, tryKill, waitGone, writeEcosystem } from '../helpers/harness.js';

const root = process.getuid?.() === 0;
const skip = process.platform !== 'linux' ? 'needs Linux tmpfs' : root ? false : 'needs root to mount a small tmpfs as HOTCTL_HOME (CI runs as root)';
if (skip) console.log(`# skipping the full-disk test: ${skip}`);

/** Fills the file system of `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let i = 0; i < 100_000; i++) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  // Then the last small blocks.
  try {
    for (let i = 0; i < 100_000; i++) writeSync(fd, Buffer.alloc(512, 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // The last page of daemon.log has room for a few lines: fill it too.
  const log = openSync(join(dir, 'daemon.log'), 'a');
  try {
    for (let i = 0; i < 10_000; i++) writeSync(log, '#');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(log);
  }
  return path;
}

type Saved = { apps: Array<{ name: string; active_revision: number }> };
const activeOnDisk = (home: Home) => (JSON.parse(readFileSync(join(home.dir, 'state.json'), 'utf8')) as Saved).apps[0]!.active_revision;

t.test('HOTCTL_HOME on a full file system: reload says the state is not durable, save fails with a code, no temp files, the daemon lives, and the state is written once there is room', { skip }, async (t) => {
  const home = new Home(t);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', home.dir]);
  // Runs before Home's teardown (tap runs teardowns last-registered first): the daemon must be gone to unmount.
  t.teardown(async () => {
    const daemon = home.daemonPid();
    const pids = daemon ? [daemon, ...descendants(daemon)] : [];
    for (const pid of pids) tryKill(pid, 'SIGKILL');
    await waitGone(pids, 5000);
    execFileSync('umount', ['-l', home.dir]);
  });
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0, 'revision 1');
  t.equal((await home.run(['reload', 'api'])).code, 0, 'revision 2');
  t.equal(activeOnDisk(home), 2, 'state.json says revision 2');
  const daemon = home.daemonPid()!;

  const filler = fill(home.dir);
  const reload = await home.run(['reload', 'api', '--json']);
  t.equal(reload.code, 0, 'the reload itself succeeds: revision 3 serves');
  const op = lastOperation(reload.stdout);
  t.ok(op?.steps.some((s) => /warning: Cannot write .*state\.json/.test(s.message)), "the reload's result says its state is not on disk");
  t.equal(activeOnDisk(home), 2, 'state.json still says revision 2');
  const status = await home.status();
  t.equal(status.apps[0]!.revision, 3);
  t.ok(status.daemon.notices.some((n) => /Cannot write .*state\.json/.test(n)), 'status carries a notice');

  const save = await home.run(['save', '--json']);
  t.not(save.code, 0, 'save fails');
  t.match(save.stdout + save.stderr, /E_STATE_WRITE_FAILED/, 'with its own code, not as a bug in hotctl');
  t.same(readdirSync(home.dir).filter((f) => /\.tmp-\d+$/.test(f)), [], 'no temp file is left behind');
  t.ok(isAlive(daemon), 'the daemon lives, though it cannot write daemon.log either');
  t.equal((await get(port)).status, 200, 'and the app serves');

  rmSync(filler);
  await home.waitForStatus((s) => !s.daemon.notices.some((n) => /Cannot write .*state\.json/.test(n)), 20_000);
  t.equal(activeOnDisk(home), 3, 'once there is room, the retry writes revision 3');
  t.equal((await home.run(['save'])).code, 0, 'and save works');
  t.match(readFileSync(join(home.dir, 'daemon.log'), 'utf8'), /daemon log line\(s\) could not be written \(ENOSPC\)/, 'the daemon log says how many of its lines were lost');

  process.kill(daemon, 'SIGKILL');
  t.ok(await waitGone([daemon], 10_000));
  const back = await home.waitForStatus((s) => s.apps.some((a) => a.status === 'online'));
  t.equal(back.apps[0]!.revision, 3, 'after kill -9 the daemon restores revision 3');
});
