/**
 * What every command gets: the process's streams, env and cwd (so tests can run the CLI in
 * process), and where it leaves its exit code. Commands return exit codes; only main.ts
 * touches the process.
 */
import { HotctlError, toHotctlError } from '../protocol/errors.js';
import { resolveHome } from '../protocol/home.js';
import { connectDaemon, type DaemonConnection } from './daemon-launcher.js';
import { createOutput, printError, type Output, type Writable } from './output.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CommandContext extends CliIo {
  exitCode: number;
  /** The arguments after `--`, untouched (for the app of `hotctl start <script>`). */
  passthrough: string[];
}

/** The flags every command has. */
export interface GlobalArgs {
  json: boolean;
}

/** Runs one command's body: output set up, errors printed, the exit code kept. */
export async function runAction(ctx: CommandContext, json: boolean, body: (out: Output) => Promise<number>): Promise<void> {
  const out = createOutput(ctx, json);
  try {
    ctx.exitCode = await body(out);
  } catch (err) {
    const error = toHotctlError(err);
    printError(out, error, ctx.env);
    ctx.exitCode = error.exitCode;
  }
}

export function homeOf(ctx: CliIo): string {
  return resolveHome(ctx.env);
}

export function noDaemonError(home: string): HotctlError {
  return new HotctlError('E_DAEMON_UNREACHABLE', `No daemon running (HOTCTL_HOME=${home})`, {
    hint: 'Start an app with `hotctl start <ecosystem file | script>`; that starts the daemon too.',
  });
}

/**
 * Connects to the daemon and runs `body`, closing the connection after. With `start: false`
 * and no daemon running, fails with "no daemon running" (E_DAEMON_UNREACHABLE).
 */
export async function withDaemon<T>(ctx: CliIo, out: Output, start: boolean, body: (conn: DaemonConnection) => Promise<T>): Promise<T> {
  const home = homeOf(ctx);
  const conn = await connectDaemon({ home, start, out, env: ctx.env });
  if (!conn) throw noDaemonError(home);
  try {
    return await body(conn);
  } finally {
    conn.client.close();
  }
}
