/**
 * The CLI's process around one command line: stdio errors, the exit code (set only here), the
 * exit. main.ts runs every line through it; fast-main.ts (the bundled fast lines) the fast ones.
 */
import type { CliIo } from './context.js';
import type { FastCommand } from './fast-path.js';

/** Runs `fast` when given, else `slow`; sets the exit code and exits when the work is done. */
export async function runMain(fast: FastCommand | null, slow: (io: CliIo) => Promise<number>): Promise<void> {
  // A reader that went away (`hotctl logs -f | head`) ends the command quietly, as with other
  // Unix tools; any other write error is a real failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
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

function exitWhenWritten(exitCode: number): void {
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  if (pending.length === 0) process.exit(exitCode);
  let left = pending.length;
  for (const stream of pending) stream.once('drain', () => --left === 0 && process.exit(exitCode));
}
