/**
 * The CLI's process around one command line: stdio errors, the exit code (set only here), the
 * exit. main.ts runs every line through it; fast-main.ts (the bundled fast lines) the fast ones.
 */
import type { CliIo } from './context.js';
import type { FastCommand } from './fast-path.js';

/** The exit code when the output could not be written. */
const EXIT_FAILURE = 1;

/** Runs `fast` when given, else `slow`; sets the exit code and exits when the work is done. */
export async function runMain(fast: FastCommand | null, slow: (io: CliIo) => Promise<number>): Promise<void> {
  // A reader that went away (`hotctl logs -f | head`) ends the command quietly, as with other
  // Unix tools; any other write error (a full disk: ENOSPC) is a failure, said on stderr.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (err: NodeJS.ErrnoException) => writeFailed(stream, err));
  let code: number;
  try {
    const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
    code = fast ? await fast({ ...io, exitCode: 0, passthrough: [] }) : await slow(io);
  } catch (err) {
    const { toHotctlError } = await import('../protocol/errors.js');
    const error = toHotctlError(err);
    process.stderr.write(`error: ${error.message} (${error.code})\n${error.stack ?? ''}\nhint: ${error.hint}\n`);
    code = error.exitCode;
  }
  process.exitCode = code;
  // The work is done: a handle someone left open (a library's timer, a socket) must not keep the
  // CLI alive. Unref'd, so a clean exit is not delayed by it.
  setTimeout(() => process.exit(code), 2000).unref();
  // A fast line (fast-path.ts) has printed its answer and sent the daemon its close frame: exit
  // once stdout and stderr are written out, without waiting for the daemon's close frame.
  if (fast) exitWhenWritten(code);
}

/** A write to stdout or stderr failed: a reader gone (EPIPE) ends quietly, anything else says so. */
function writeFailed(stream: NodeJS.WriteStream, err: NodeJS.ErrnoException): never {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  if (stream === process.stdout) process.stderr.write(`error: cannot write to standard output: ${err.message}\n`);
  process.exit(EXIT_FAILURE);
}

function exitWhenWritten(exitCode: number): void {
  // A failed write errors the stream at once; its 'error' event would come after this exit.
  for (const stream of [process.stdout, process.stderr]) if (stream.errored) writeFailed(stream, stream.errored as NodeJS.ErrnoException);
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (pending.length === 0) process.exit(exitCode);
  let left = pending.length;
  for (const stream of pending) stream.once('drain', () => --left === 0 && process.exit(exitCode));
}
