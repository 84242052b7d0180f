/**
 * A routed unix-path socket that can be handed to the next daemon (`hotctl update`) without its
 * path ever disappearing.
 *
 * libuv unlinks a pipe's bind path when the handle that bound it closes (src/unix/pipe.c,
 * uv__pipe_close: `unlink(handle->pipe_fname)`), by name, unconditionally; a handle received
 * over IPC has no such name and unlinks nothing. So the daemon binds through a symlink of its
 * own: `<private dir>/<n>` → the path's directory, and binds `<private dir>/<n>/<file>` —
 * bind(2) follows the symlink and creates the socket at the real path. To give the socket away
 * it removes the symlink first: libuv's unlink then names nothing and the path stays bound (the
 * next daemon holds the same socket). To close the socket for good (app stopped, daemon exits),
 * the daemon unlinks the real path itself, since an adopted handle would not.
 *
 * PipeWrap has no getsockname, so no worker ever sees the bind path: `server.address()` is the
 * path the app passed (net.js's `_pipeName`).
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from '../platform/process-alive.js';

const PREFIX = 'hotctl-sock-';

/** sockaddr_un's sun_path holds 104 bytes on macOS, 108 on Linux (with the NUL). */
const MAX_PATH = 103;

let dir: string | null = null;
let next = 0;

function privateDir(): string {
  if (dir === null) {
    removeStale();
    dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** The directories of daemons that died without their exit handler (kill -9): only symlinks in them. */
function removeStale(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^\D+(\d+)-/.exec(name)?.[1] ?? 0);
    if (pid <= 0 || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      // Symlinks only: rm removes them, never what they point to.
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // another user's: leave it
    }
  }
}

export interface UnixBind {
  /** The path to pass to listen(): through the symlink, or the path itself (no symlink). */
  bindPath: string;
  /** The symlink, or null when the path could not be bound through one (then it cannot be handed over). */
  link: string | null;
}

/** Where to bind `path` (absolute) so that the socket can later be given away. */
export function unixBind(path: string): UnixBind {
  // A Linux abstract socket (a leading NUL) has no file to unlink.
  if (path.includes('\0')) return { bindPath: path, link: null };
  try {
    const link = join(privateDir(), String(next++));
    const bindPath = join(link, basename(path));
    if (Buffer.byteLength(bindPath) > MAX_PATH) return { bindPath: path, link: null };
    symlinkSync(dirname(path), link);
    return { bindPath, link };
  } catch {
    return { bindPath: path, link: null };
  }
}

/** Before the bound handle closes on a hand-off: libuv's unlink will then name nothing. */
export function dropLink(link: string | null): void {
  if (link === null) return;
  try {
    unlinkSync(link);
  } catch {
    // gone already
  }
}

/** The socket closes for good: remove its path (only if a socket is there: never a file someone put back). */
export function unlinkSocketPath(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // gone already
  }
}
