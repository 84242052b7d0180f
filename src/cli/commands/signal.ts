/** `hotctl signal <SIGNAME> <name>`: send a signal to every worker of an app (PM2's `sendSignal`). */
import type { Argv } from 'yargs';
import { HotctlError, parseSignal } from '../../protocol/index.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import type { Output } from '../output.js';

export async function signal(ctx: CommandContext, out: Output, name: string, signalName: string): Promise<number> {
  // Checked here too, so that a typo is exit 2 without asking (or starting) the daemon.
  if (parseSignal(signalName) === null) throw new HotctlError('E_UNKNOWN_SIGNAL', `There is no signal named ${JSON.stringify(signalName)}.`, { details: { signal: signalName } });
  return withDaemon(ctx, out, false, async ({ client }) => {
    const result = await client.request('signal', { name, signal: signalName }, { timeoutMs: 10_000 });
    if (out.json) out.line(JSON.stringify(result));
    else out.line(`${result.signal} sent to ${result.workers.length} worker${result.workers.length === 1 ? '' : 's'} of ${result.app}${result.workers.length > 0 ? ` (pid ${result.workers.map((w) => w.pid).join(', ')})` : ''}`);
    return 0;
  });
}

export function registerSignal<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'signal <signame> <name>',
    "Send a signal to every worker process of an app (the app's own process.on(signal) handler)",
    (cmd) =>
      cmd
        .positional('signame', { type: 'string', demandOption: true, describe: 'The signal: SIGUSR2, USR2, sigusr2…' })
        .positional('name', { type: 'string', demandOption: true, describe: 'The app' })
        .example('$0 signal SIGUSR2 api', 'PM2\'s `pm2 sendSignal SIGUSR2 api`: every worker of "api" gets SIGUSR2')
        .example('$0 signal USR1 api --json', 'The workers it went to, as JSON; an unknown signal is exit 2 (E_UNKNOWN_SIGNAL)'),
    (argv) => runAction(ctx, argv.json, (out) => signal(ctx, out, argv.name, argv.signame)),
  );
}
