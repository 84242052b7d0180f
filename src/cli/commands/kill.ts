/** `hotctl kill`: stop every app gracefully, then the daemon; wait until its process is gone. */
import type { Argv } from 'yargs';
import { HotctlError } from '../../protocol/index.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { connectDaemon } from '../daemon-launcher.js';
import type { Output } from '../output.js';

import { isProcessAlive as processAlive } from '../../platform/process-alive.js';

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export async function kill(ctx: CommandContext, out: Output, timeoutS: number): Promise<number> {
  const home = homeOf(ctx);
  const conn = await connectDaemon({ home, start: false, out, env: ctx.env });
  if (!conn) {
    if (out.json) out.jsonLine({ daemon: null, apps: [] });
    else out.line(`No daemon running (HOTCTL_HOME=${home}).`);
    return 0;
  }
  let result = { pid: conn.info.pid, apps: [] as string[] };
  try {
    result = await conn.client.request('kill', {});
  } catch (err) {
    // The daemon may go before its answer reaches us; its pid is known from hello.
    if (!(err instanceof HotctlError && err.code === 'E_DAEMON_UNREACHABLE')) throw err;
  } finally {
    conn.client.close();
  }
  const apps = result.apps.length > 0 ? `: draining ${result.apps.join(', ')}` : '';
  if (!out.json) out.line(`Stopping the hotctl daemon (pid ${result.pid})${apps}`);
  if (!(await waitGone(result.pid, timeoutS * 1000))) {
    throw new HotctlError('E_SHUTTING_DOWN', `The daemon (pid ${result.pid}) is still shutting down after ${timeoutS} s.`, {
      hint: 'Its apps may still be draining (kill_timeout); check `hotctl status` in a moment, or the daemon log.',
    });
  }
  if (out.json) out.jsonLine({ daemon: { pid: result.pid, stopped: true }, apps: result.apps });
  else out.line(`${out.colours.green('✓')} daemon stopped (pid ${result.pid}); apps stopped: ${result.apps.length > 0 ? result.apps.join(', ') : 'none'}`);
  return 0;
}

export function registerKill<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'kill',
    'Stop every app gracefully, then the daemon',
    (cmd) =>
      cmd
        .option('timeout', { type: 'number', default: 15, describe: 'Seconds to wait for the daemon process to end (apps drain first)' })
        .example('$0 kill', 'Stop everything; exit 0 once the daemon is gone'),
    (argv) => runAction(ctx, argv.json, (out) => kill(ctx, out, argv.timeout)),
  );
}
