/** Entry of the `hotctl` command (bin/hotctl imports this). The only place that sets the exit code. */
import { runCli } from './cli.js';

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
  try {
    // process.argv is [node, bin/hotctl, ...args] (yargs' hideBin, which costs a module graph).
    code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
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
}

void main();
