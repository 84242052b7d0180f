/** Entry of the `hotctl` command (bin/hotctl imports this). The only place that sets the exit code. */
// fast-path.js alone, statically: the hottest command lines load nothing else of the CLI
// (cli.js, with yargs' plumbing, loads only for the others).
import type { CliIo } from './context.js';
import { fastPath } from './fast-path.js';

// A reader that went away (`hotctl logs -f | head`) ends the command quietly, as with other
// Unix tools; any other write error is a real failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// No top-level await: the same file is bundled as CommonJS (scripts/bundle.mjs), which has none.
async function main(): Promise<void> {
  let code: number;
  let fast: ReturnType<typeof fastPath> = null;
  try {
    // process.argv is [node, bin/hotctl, ...args] (yargs' hideBin, which costs a module graph).
    const args = process.argv.slice(2);
    const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
    // As runCli does first: what follows `--` is never a fast line.
    fast = args.includes('--') ? null : fastPath(args, io.cwd);
    code = fast ? await fast({ ...io, exitCode: 0, passthrough: [] }) : await (await import('./cli.js')).runCli(args, io);
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

void main();
