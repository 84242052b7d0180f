/** `hotctl delete <name|all>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { targetOptions } from './shared-options.js';

export function registerDelete<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'delete <target>',
    'Stop an app and forget it',
    (cmd) => targetOptions(cmd, 'delete').example('$0 delete api', 'Stop and remove the app "api"').example('$0 delete all', 'Remove every app'),
    (argv) => targetHandler(ctx, 'delete')(argv),
  );
}
