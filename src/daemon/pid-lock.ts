/**
 * The pid-file lock: one daemon per state directory.
 *
 * The pid file is created with O_EXCL, so of two daemons starting at once exactly one wins. A
 * pid file left by a dead daemon (stale) is taken over with a notice; the take-over itself is
 * guarded by a second O_EXCL file so that two daemons finding the same stale lock cannot both
 * take it.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { HotctlError } from '../protocol/index.js';
import { isProcessAlive } from '../platform/process-alive.js';

export interface PidLock {
  readonly path: string;
  release(): void;
}

/** A take-over guard older than this was left by a daemon that died mid-take-over. */
const GUARD_STALE_MS = 10_000;

export function acquirePidLock(path: string, notice: (message: string) => void): PidLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path)) return lockAt(path);
    const holder = readPid(path);
    if (holder !== null && holder !== process.pid && isProcessAlive(holder)) {
      throw new HotctlError('E_DAEMON_RUNNING', `Another hotctl daemon (pid ${holder}) already runs on this state directory.`, {
        details: { pid: holder, pid_file: path },
      });
    }
    takeOverStale(path, holder, notice);
  }
  throw new HotctlError('E_DAEMON_RUNNING', `Could not take the lock ${path}: it keeps changing hands.`, { details: { pid_file: path } });
}

function lockAt(path: string): PidLock {
  return {
    path,
    release() {
      if (readPid(path) === process.pid) unlinkQuiet(path);
    },
  };
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function takeOverStale(path: string, stalePid: number | null, notice: (message: string) => void): void {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard)) {
    if (Date.now() - mtimeMs(guard) > GUARD_STALE_MS) unlinkQuiet(guard);
    return;
  }
  try {
    // Re-read under the guard: only remove the file if it still names the dead pid.
    if (readPid(path) === stalePid) {
      unlinkQuiet(path);
      notice(`Took over a stale lock ${path} left by pid ${stalePid ?? 'unknown'} (no longer running).`);
    }
  } finally {
    unlinkQuiet(guard);
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}
