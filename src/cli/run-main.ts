/**
 * The CLI's process around one command line: stdio errors, the exit code (set only here), the
 * exit. main.ts runs every line through it; fast-main.ts (the bundled fast lines) the fast ones.
 */
import type { CliIo } from './context.js';
import type { FastCommand } from './fast-path.js';
import { FdStdout } from './fd-stdout.js';
import { afterQuietly } from './quiet-deadline.js';

/** The exit code when the output could not be written. */
const EXIT_FAILURE = 1;

/** Runs `fast` when given, else `slow`; sets the exit code and exits when the work is done. */
export async function runMain(fast: FastCommand | null, slow: (io: CliIo) => Promise<number>): Promise<void> {
  const stdio = new Stdio();
  // The whole CLI (yargs, and libraries writing to process.stdout themselves) gets both at once.
  if (!fast) void [stdio.stdout, stdio.stderr];
  let code: number;
  try {
    const env = process.env;
    const cwd = process.cwd();
    code = fast
      ? await fast({
          get stdout() {
            return stdio.fdStdout;
          },
          get stderr() {
            return stdio.stderr;
          },
          env,
          cwd,
          exitCode: 0,
          passthrough: [],
        })
      : await slow({ stdout: stdio.stdout, stderr: stdio.stderr, env, cwd });
  } catch (err) {
    const { toHotctlError } = await import('../protocol/errors.js');
    const error = toHotctlError(err);
    stdio.stderr.write(`error: ${error.message} (${error.code})\n${error.stack ?? ''}\nhint: ${error.hint}\n`);
    code = error.exitCode;
  }
  process.exitCode = code;
  // The work is done: a handle someone left open (a library's timer, a socket) must not keep the
  // CLI alive. Like an unref'd timer, the deadline does not delay a clean exit.
  afterQuietly(2000, () => process.exit(code));
  // A fast line (fast-path.ts) has printed its answer and sent the daemon its close frame: exit
  // once what it wrote is written out, without waiting for the daemon's close frame.
  if (fast) exitWhenWritten(stdio.made, code);
}

/**
 * process.stdout and process.stderr, each handled (below) from its first use. Node makes each
 * on first access (for a pipe, a socket object): a fast line that never writes to stderr does
 * not make it, and writes its output straight to fd 1 (fd-stdout.ts).
 */
class Stdio {
  /** The streams made so far, by name. */
  readonly made = new Map<StdioName, NodeJS.WriteStream>();
  private fd1: FdStdout | null = null;

  get stdout(): NodeJS.WriteStream {
    return this.handled('stdout');
  }

  get stderr(): NodeJS.WriteStream {
    return this.handled('stderr');
  }

  /** Standard output as one write(2) per write, for the fast lines. */
  get fdStdout(): FdStdout {
    this.fd1 ??= new FdStdout(
      () => this.stdout,
      (err) => writeFailed('stdout', err),
    );
    return this.fd1;
  }

  private handled(name: StdioName): NodeJS.WriteStream {
    let stream = this.made.get(name);
    if (stream) return stream;
    stream = process[name];
    this.made.set(name, stream);
    // A reader that went away (`hotctl logs -f | head`) ends the command quietly, as with other
    // Unix tools; any other write error (a full disk: ENOSPC) is a failure, said on stderr.
    stream.on('error', (err: NodeJS.ErrnoException) => writeFailed(name, err));
    return stream;
  }
}

type StdioName = 'stdout' | 'stderr';

/** A write to stdout or stderr failed: a reader gone (EPIPE) ends quietly, anything else says so. */
function writeFailed(which: StdioName, err: NodeJS.ErrnoException): never {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  if (which === 'stdout') process.stderr.write(`error: cannot write to standard output: ${err.message}\n`);
  process.exit(EXIT_FAILURE);
}

function exitWhenWritten(streams: ReadonlyMap<StdioName, NodeJS.WriteStream>, exitCode: number): void {
  // A failed write errors the stream at once; its 'error' event would come after this exit.
  for (const [name, stream] of streams) if (stream.errored) writeFailed(name, stream.errored as NodeJS.ErrnoException);
  const pending = [...streams.values()].filter((stream) => stream.writableLength > 0);
  if (pending.length === 0) process.exit(exitCode);
  let left = pending.length;
  for (const stream of pending) stream.once('drain', () => --left === 0 && process.exit(exitCode));
}
