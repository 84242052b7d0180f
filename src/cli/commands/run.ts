/**
 * `hotctl run <file>`: the supervisor in the foreground, for containers (PID 1) and systemd.
 * No background daemon: this process is the cluster primary and listens on the same socket, so
 * `hotctl status` and `hotctl reload` work against it. SIGTERM/SIGINT drain and exit, SIGHUP
 * reloads (handled by the supervisor). If the apps do not start, it stops and exits non-zero,
 * so the orchestrator sees the failure.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { AppSpec } from '../../protocol/index.js';
import { toHotctlError } from '../../protocol/index.js';
import { applyFile, startStoppedApps } from '../apply-file.js';
import type { ControlClient } from '../client.js';
import { loadApps } from '../config-bridge.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { connectSocket } from '../daemon-launcher.js';
import { followOperations, outcome } from '../operations.js';
import { printError, type Output } from '../output.js';
import { cliEnv, specWithCliEnv } from '../update-env.js';

export async function run(ctx: CommandContext, out: Output, file: string, envName: string | undefined): Promise<number> {
  // This shell is the supervisor's: its environment is the apps' (never HOTCTL_*), at every run.
  const apps = (await loadApps(out, resolve(ctx.cwd, file), envName)).map((app) => specWithCliEnv(app, ctx.env));
  // Loaded here only: no other command needs the supervisor's code.
  const { startDaemon } = await import('../../daemon/daemon.js');
  const supervisor = await startDaemon({ home: homeOf(ctx), mode: 'run', inheritedEnv: cliEnv(ctx.env) });

  const starting = (async (): Promise<number> => {
    const { client } = await connectSocket(supervisor.socketPath);
    try {
      return await applyToSupervisor(client, out, ctx.env, apps, file);
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

/**
 * Brings the supervisor to the file. A supervisor restarted on the same home (systemd's
 * Restart=on-failure, a container restarted with its volume) has restored the apps of its last
 * run: those restores are followed to their end first, then the file is applied like
 * `hotctl start <file> --changed-only` (apps whose spec or code on disk changed reload, the others stay), and an app of the file left
 * stopped or errored is started again, since `run` means "run these apps".
 */
async function applyToSupervisor(client: ControlClient, out: Output, env: NodeJS.ProcessEnv, apps: AppSpec[], file: string): Promise<number> {
  const named = new Set(apps.map((app) => app.name));
  const { apps: restored } = await client.request('status', {}, { timeoutMs: 10_000 });
  const restoring = restored.flatMap((app) => (app.operation && named.has(app.name) ? [app.operation] : []));
  if (restoring.length > 0) {
    if (!out.json) out.note(`hotctl run: waiting for the restore of ${restoring.map((op) => op.app).join(', ')} from the last run`);
    // A failed restore is reported; the file's spec is applied and started over it below.
    outcome(out, await followOperations(client, out, async () => restoring), env);
  }
  // Restored workers already run the files on disk: reload only what changed (spec or code).
  const code = await applyFile(client, out, env, apps, { wait: true, dryRun: false, changedOnly: true, updateEnv: true, source: file });
  return code !== 0 ? code : startStoppedApps(client, out, env, apps, true, ['stopped', 'errored']);
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
