/**
 * `hotctl run <file>`: the supervisor in the foreground, for containers (PID 1) and systemd.
 * No background daemon: this process is the cluster primary and listens on the same socket, so
 * `hotctl status` and `hotctl reload` work against it. SIGTERM/SIGINT drain and exit, SIGHUP
 * reloads (handled by the supervisor). If the apps do not start, it stops and exits non-zero,
 * so the orchestrator sees the failure.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { toHotctlError } from '../../protocol/index.js';
import { loadApps } from '../config-bridge.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { connectSocket } from '../daemon-launcher.js';
import { followOperations, outcome } from '../operations.js';
import { printError, type Output } from '../output.js';

export async function run(ctx: CommandContext, out: Output, file: string, envName: string | undefined): Promise<number> {
  const apps = await loadApps(out, resolve(ctx.cwd, file), envName);
  // Loaded here only: no other command needs the supervisor's code.
  const { startDaemon } = await import('../../daemon/daemon.js');
  const supervisor = await startDaemon({ home: homeOf(ctx), mode: 'run' });

  const starting = (async (): Promise<number> => {
    const { client } = await connectSocket(supervisor.socketPath);
    try {
      const finals = await followOperations(client, out, async () => (await client.request('start', { apps, follow: true })).operations);
      return outcome(out, finals, ctx.env);
    } finally {
      client.close();
    }
  })();
  let code: number;
  try {
    code = await starting;
  } catch (err) {
    const error = toHotctlError(err);
    // The connection to our own supervisor closes only when it stops (a signal): its code is ours.
    if (error.code === 'E_DAEMON_UNREACHABLE') return supervisor.done;
    printError(out, error, ctx.env);
    code = error.exitCode;
  }
  if (code !== 0) {
    out.note('hotctl run: the apps did not start; stopping.');
    await supervisor.shutdown('the apps did not start');
    await supervisor.done;
    return code;
  }
  if (!out.json) out.note(out.colours.dim(`hotctl run: supervising (pid ${process.pid}); SIGTERM or SIGINT drains and exits, SIGHUP reloads.`));
  return supervisor.done;
}

export function registerRun<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'run <file>',
    'Run the apps of an ecosystem file in the foreground (containers, systemd): no daemon',
    (cmd) =>
      cmd
        .positional('file', { type: 'string', demandOption: true, describe: 'The ecosystem file' })
        .option('env', { type: 'string', describe: 'Use the env_<NAME> block of the file' })
        .example('$0 run ecosystem.json --env production', 'As a container\'s command: CMD ["hotctl", "run", "ecosystem.json"]'),
    (argv) => runAction(ctx, argv.json, (out) => run(ctx, out, argv.file, argv.env)),
  );
}
