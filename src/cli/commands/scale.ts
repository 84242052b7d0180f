/** `hotctl scale <name> <N>`: more or fewer workers, the others untouched. */
import type { Argv } from 'yargs';
import type { OperationSnapshot } from '../../protocol/index.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { parseCount } from '../flags.js';
import { operateOne, outcome } from '../operations.js';
import type { Output } from '../output.js';

export async function scale(ctx: CommandContext, out: Output, name: string, count: string, wait: boolean): Promise<number> {
  const instances = parseCount(count, 'The worker count', 'scale') as number;
  const describe = (op: OperationSnapshot) => `: ${instances} worker${instances === 1 ? '' : 's'}${op.to_revision === null ? '' : ` of revision ${op.to_revision}`}`;
  return withDaemon(ctx, out, false, async ({ client }) => {
    const final = await operateOne(client, out, 'scale', { name, instances, ...(wait ? { wait: true } : {}) }, { describe });
    return outcome(out, [final], ctx.env);
  });
}

export function registerScale<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'scale <name> <instances>',
    'Set the number of workers: new ones start beside the others, extra ones drain',
    (cmd) =>
      cmd
        .positional('name', { type: 'string', demandOption: true, describe: 'The app' })
        .positional('instances', { type: 'string', demandOption: true, describe: 'The number of workers wanted (a whole number ≥ 1)' })
        .option('wait', { type: 'boolean', default: false, describe: 'Queue behind an operation already running on the app instead of failing (exit 4)' })
        .example('$0 scale api 8', 'Run 8 workers of the active revision; the running ones are not touched')
        .example('$0 scale api 2', 'Drain the workers above 2 gracefully'),
    (argv) => runAction(ctx, argv.json, (out) => scale(ctx, out, argv.name, argv.instances, argv.wait)),
  );
}
