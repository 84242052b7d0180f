/**
 * `hotctl update`: replaces a running daemon of another version with this CLI's version.
 *
 * Without downtime (update-handoff.ts): the old daemon starts the new one and hands it its
 * listening sockets; the new one starts every app's workers on the same revision and takes over
 * once they are ready; the old one then drains and exits. A daemon that predates the hand-off, or
 * `--restart`, is replaced the old way, an outage:
 *
 *   old daemon: save (dump.json) → kill (apps drain) │ new daemon: start → resurrect from dump.json
 *
 * A daemon newer than this CLI is a downgrade: refused with E_DAEMON_NEWER unless --force, which
 * also replaces a daemon of the same version (a patched build).
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
import { requestHandoff, waitExit } from './update-handoff.js';

async function update(ctx: CommandContext, out: Output, force: boolean, timeoutS: number, restart: boolean): Promise<number> {
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
      if (!force) {
        out.line(`The daemon (pid ${info.pid}) already runs hotctl ${info.version}: nothing to update (--force replaces it anyway).`);
        return 0;
      }
      throw new HotctlError('E_DAEMON_VERSION_MISMATCH', 'same version, --force', { details: { daemon_pid: info.pid, daemon_version: info.version } });
    } catch (err) {
      if (!(err instanceof HotctlError) || (err.code !== 'E_DAEMON_VERSION_MISMATCH' && err.code !== 'E_DAEMON_NEWER')) throw err;
      daemon = { pid: Number(err.details?.daemon_pid), version: String(err.details?.daemon_version) };
      const status = await client.request('status', {});
      apps = status.apps.filter((a) => a.workers.length > 0).map((a) => ({ name: a.name, workers: a.workers.length }));
      const interrupted = apps.length > 0 ? apps.map((a) => `${a.name} (${a.workers} worker${a.workers === 1 ? '' : 's'})`).join(', ') : 'no app';
      if (err.code === 'E_DAEMON_NEWER' && !force) {
        throw new HotctlError('E_DAEMON_NEWER', `The daemon runs hotctl ${daemon.version}, newer than this CLI (${HOTCTL_VERSION}); downgrading it is refused.`, {
          hint: `Use the newer CLI. \`hotctl update --force\` downgrades it (${interrupted} move to new workers on the same revision).`,
          details: { daemon_version: daemon.version, client_version: HOTCTL_VERSION, apps: apps.map((a) => a.name) },
        });
      }
      const verb = err.code === 'E_DAEMON_NEWER' ? 'Downgrading (--force)' : daemon.version === HOTCTL_VERSION ? 'Replacing (--force)' : 'Updating';
      if (!restart) {
        out.note(`${verb} the daemon ${daemon.version} → ${HOTCTL_VERSION} without downtime: the new daemon takes over the listening sockets once ${apps.length > 0 ? apps.map((a) => a.name).join(', ') : 'every app'} ${apps.length === 1 ? 'is' : 'are'} ready on the same revision.`);
        const handed = await requestHandoff(client, ctx.env ?? process.env, timeoutS);
        if (handed !== null) {
          const gone = await waitExit(handed.old_pid, timeoutS);
          if (out.json) out.jsonLine({ from: daemon.version, to: HOTCTL_VERSION, handoff: true, old_pid: handed.old_pid, pid: handed.pid, sockets: handed.sockets, apps: handed.apps, took_ms: Date.now() - started, old_exited: gone });
          else {
            const took = ((Date.now() - started) / 1000).toFixed(2);
            out.line(`✓ daemon ${daemon.version} → ${HOTCTL_VERSION} (pid ${handed.old_pid} → ${handed.pid}) without downtime: ${handed.sockets} listening socket(s) handed over, ${handed.apps.length} app(s) on the same revision, in ${took}s`);
            if (!gone) out.note(`The old daemon (pid ${handed.old_pid}) is still draining its workers after ${timeoutS} s; it exits when they are done.`);
          }
          return 0;
        }
        out.note(`The daemon (pid ${daemon.pid}) cannot hand over its sockets (it predates \`hotctl update\` without downtime): restarting it instead.`);
      }
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
    "Replace the running daemon with this CLI's version without downtime (it hands its listening sockets over)",
    (cmd) =>
      cmd
        .option('force', { type: 'boolean', default: false, describe: 'Also downgrade a daemon newer than this CLI, or replace one of the same version (a patched build)' })
        .option('timeout', { type: 'number', default: 60, describe: 'Seconds to wait for the new daemon\'s apps to be ready (and the old daemon to drain)' })
        .option('restart', { type: 'boolean', default: false, describe: 'Stop the old daemon and its apps first, then start the new one (an outage; the way before the hand-off)' })
        .example('$0 update', 'After upgrading hotctl: move the running apps to the new daemon'),
    (argv) => runAction(ctx, argv.json, (out) => update(ctx, out, argv.force, argv.timeout, argv.restart)),
  );
}
