import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { acquirePidLock } from '../../../src/daemon/pid-lock.js';
import { HotctlError } from '../../../src/protocol/index.js';

function dir(t: { teardown(fn: () => void): void }) {
  const d = mkdtempSync(join(tmpdir(), 'hl-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return join(d, 'daemon.pid');
}

t.test('a free lock is taken and released', async (t) => {
  const path = dir(t);
  const lock = acquirePidLock(path, () => {});
  t.equal(readFileSync(path, 'utf8').trim(), String(process.pid));
  lock.release();
  t.notOk(existsSync(path));
});

t.test('a lock held by a live process is refused with E_DAEMON_RUNNING', async (t) => {
  const path = dir(t);
  writeFileSync(path, `${process.ppid}\n`);
  let error: unknown;
  try {
    acquirePidLock(path, () => {});
  } catch (err) {
    error = err;
  }
  t.ok(error instanceof HotctlError);
  t.equal((error as HotctlError).code, 'E_DAEMON_RUNNING');
});

t.test('a stale lock (dead pid) is taken over with a notice', async (t) => {
  const path = dir(t);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  writeFileSync(path, `${dead}\n`);
  const notices: string[] = [];
  const lock = acquirePidLock(path, (m) => notices.push(m));
  t.equal(readFileSync(path, 'utf8').trim(), String(process.pid));
  t.equal(notices.length, 1);
  lock.release();
});
