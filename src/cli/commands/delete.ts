/** `hotctl delete <name|all|file|script|pid>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { fileOptions, targetOptions } from './shared-options.js';

export function registerDelete<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'delete <target>',
    'Stop an app and forget it',
    (cmd) =>
      fileOptions(targetOptions(cmd, 'delete'))
        .example('$0 delete api', 'Stop and remove the app "api"')
        .example('$0 delete ecosystem.config.js', "Stop and remove the file's apps")
        .example('$0 delete all', 'Remove every app'),
    (argv) => targetHandler(ctx, 'delete')(argv),
  );
}
