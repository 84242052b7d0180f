/** `hotctl promote <name>`: complete a canary, with the app's reload strategy. */
import type { Argv } from 'yargs';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { operateOne, outcome } from '../operations.js';
import type { Output } from '../output.js';

export async function promote(ctx: CommandContext, out: Output, name: string, wait: boolean): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    const final = await operateOne(client, out, 'promote', { name, ...(wait ? { wait: true } : {}) });
    return outcome(out, [final], ctx.env);
  });
}

export function registerPromote<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'promote <name>',
    'Complete a canary: replace the remaining old workers with the canary\'s revision',
    (cmd) =>
      cmd
        .positional('name', { type: 'string', demandOption: true, describe: 'The app whose canary to promote' })
        .option('wait', { type: 'boolean', default: false, describe: 'Queue behind an operation already running on the app instead of failing (exit 4)' })
        .example('$0 reload api --canary 1 && $0 promote api', 'One new worker first; once it looks good, all of them')
        .example('$0 promote api', 'During `reload api --auto`: end the analysis now, with promotion (the answer is that reload)')
        .example('$0 promote api --json', 'Progress as JSON lines; exit 2 (E_NO_CANARY) when there is no canary'),
    (argv) => runAction(ctx, argv.json, (out) => promote(ctx, out, argv.name, argv.wait)),
  );
}
