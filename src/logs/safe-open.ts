/**
 * Opening a log file for appending without being turned against another file.
 *
 * The daemon may run as root and writes where an app's spec says. A symlink planted at that
 * path (in a shared log directory) would make it append app output to any file — and `flush`
 * truncate it. So:
 * - the last component is opened with O_NOFOLLOW: a symlink there is refused (ELOOP);
 * - in a directory anyone may write to (mode o+w, e.g. /tmp), a file that exists and belongs to
 *   another user is refused (they could have planted it, or a hard link to something else);
 * - only regular files are written (a FIFO would block the daemon).
 * Parent directories are created as PM2 does (mode 0755 less the umask).
 */
import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a log file is refused; `reason` is a short sentence for the error message. */
export class LogFileRefused extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'LogFileRefused';
  }
}

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

function euid(): number | null {
  return typeof process.geteuid === 'function' ? process.geteuid() : null;
}

/** Is `dir` writable by everyone (o+w)? */
function worldWritable(dir: string): boolean {
  try {
    return (lstatSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

/** Opens `path` for appending (created 0600, parents created); throws LogFileRefused or the fs error. */
export function openForAppend(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, APPEND, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new LogFileRefused(path, 'it is a symbolic link; hotctl does not follow links for log files');
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new LogFileRefused(path, 'it is not a regular file');
    const me = euid();
    if (me !== null && st.uid !== me && worldWritable(dirname(path))) {
      throw new LogFileRefused(path, `it belongs to another user (uid ${st.uid}) in a directory anyone can write to`);
    }
    if (me !== null && st.nlink > 1 && worldWritable(dirname(path))) {
      throw new LogFileRefused(path, 'it has other hard links, in a directory anyone can write to');
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Checks that `path` can be opened for appending (creating it and its directories); throws as openForAppend. */
export function checkWritable(path: string): void {
  closeSync(openForAppend(path));
}

/** The inode of what `path` names now (not following a link), or null when nothing is there. */
export function inodeAt(path: string): number | null {
  try {
    return lstatSync(path).ino;
  } catch {
    return null;
  }
}

/** Empties `path` without following a link at it; false when nothing is there. */
export function truncateSafely(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ELOOP') throw new LogFileRefused(path, 'it is a symbolic link; hotctl does not follow links for log files');
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new LogFileRefused(path, 'it is not a regular file');
    ftruncateSync(fd, 0);
    return true;
  } finally {
    closeSync(fd);
  }
}
