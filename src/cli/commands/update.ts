/**
 * `hotctl update`: replaces a running daemon of another version with this CLI's version.
 *
 *   old daemon: save (dump.json) → kill (apps drain) │ new daemon: start → resurrect from dump.json
 *
 * It says before it acts that every app restarts (the workers of the old daemon cannot be handed
 * over: they are its cluster children), and after, how long that took. A daemon newer than this
 * CLI is a downgrade: refused with E_DAEMON_NEWER unless --force, which names what it interrupts.
 */
import type { Argv } from 'yargs';
import { HotctlError, homePaths, isTerminalOperationState } from '../../protocol/index.js';
import { isProcessAlive } from '../../platform/process-alive.js';
import { formatSeconds } from '../../format/index.js';
import { HOTCTL_VERSION } from '../../version.js';
import { ControlClient } from '../client.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { connectDaemon } from '../daemon-launcher.js';
import type { Output } from '../output.js';

async function update(ctx: CommandContext, out: Output, force: boolean, timeoutS: number): Promise<number> {
  const home = homeOf(ctx);
  const paths = homePaths(home);
  let client: ControlClient;
  try {
    client = await ControlClient.connect(paths.socket);
  } catch {
    out.line(`No daemon running (HOTCTL_HOME=${home}); the next command starts hotctl ${HOTCTL_VERSION}.`);
    return 0;
  }
  const started = Date.now();
  let apps: Array<{ name: string; workers: number }> = [];
  let daemon: { pid: number; version: string };
  try {
    try {
      const info = await client.hello();
      out.line(`The daemon (pid ${info.pid}) already runs hotctl ${info.version}: nothing to update.`);
      return 0;
    } catch (err) {
      if (!(err instanceof HotctlError) || (err.code !== 'E_DAEMON_VERSION_MISMATCH' && err.code !== 'E_DAEMON_NEWER')) throw err;
      daemon = { pid: Number(err.details?.daemon_pid), version: String(err.details?.daemon_version) };
      const status = await client.request('status', {});
      apps = status.apps.filter((a) => a.workers.length > 0).map((a) => ({ name: a.name, workers: a.workers.length }));
      const interrupted = apps.length > 0 ? apps.map((a) => `${a.name} (${a.workers} worker${a.workers === 1 ? '' : 's'})`).join(', ') : 'no app';
      if (err.code === 'E_DAEMON_NEWER' && !force) {
        throw new HotctlError('E_DAEMON_NEWER', `The daemon runs hotctl ${daemon.version}, newer than this CLI (${HOTCTL_VERSION}); downgrading it is refused.`, {
          hint: `Use the newer CLI. \`hotctl update --force\` downgrades it and restarts ${interrupted}.`,
          details: { daemon_version: daemon.version, client_version: HOTCTL_VERSION, apps: apps.map((a) => a.name) },
        });
      }
      const verb = err.code === 'E_DAEMON_NEWER' ? 'Downgrading (--force)' : 'Updating';
      out.note(`${verb} the daemon ${daemon.version} → ${HOTCTL_VERSION}. Every app restarts: ${interrupted}. Requests in flight finish; new connections are refused until the apps are back.`);
      await client.request('save', {});
      await client.request('kill', {}).catch(() => undefined);
    }
  } finally {
    client.close();
  }
  const deadline = Date.now() + timeoutS * 1000;
  while (isProcessAlive(daemon.pid)) {
    if (Date.now() > deadline) throw new HotctlError('E_SHUTTING_DOWN', `The old daemon (pid ${daemon.pid}) is still draining after ${timeoutS} s.`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const conn = await connectDaemon({ home, start: true, out, env: ctx.env });
  if (!conn) throw new HotctlError('E_DAEMON_START_FAILED');
  try {
    const { operations } = await conn.client.request('resurrect', { follow: false });
    const finished = await Promise.all(operations.map((op) => waitOperation(conn.client, op.id, deadline)));
    const failed = finished.filter((op) => op.state !== 'succeeded');
    if (out.json) out.jsonLine({ from: daemon.version, to: HOTCTL_VERSION, pid: conn.info.pid, took_ms: Date.now() - started, operations: finished });
    else out.line(`${failed.length === 0 ? '✓' : '✗'} daemon ${daemon.version} → ${HOTCTL_VERSION} (pid ${conn.info.pid}); ${finished.length - failed.length}/${finished.length} apps back in ${formatSeconds(Date.now() - started)}`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    conn.client.close();
  }
}

async function waitOperation(client: ControlClient, id: string, deadline: number) {
  for (;;) {
    const op = await client.request('operation', { id });
    if (isTerminalOperationState(op.state) || Date.now() > deadline) return op;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function registerUpdate<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'update',
    "Replace a running daemon of another version with this CLI's version (apps restart)",
    (cmd) =>
      cmd
        .option('force', { type: 'boolean', default: false, describe: 'Also downgrade a daemon newer than this CLI' })
        .option('timeout', { type: 'number', default: 60, describe: 'Seconds to wait for the old daemon to drain and the apps to come back' })
        .example('$0 update', 'After upgrading hotctl: move the running apps to the new daemon'),
    (argv) => runAction(ctx, argv.json, (out) => update(ctx, out, argv.force, argv.timeout)),
  );
}
