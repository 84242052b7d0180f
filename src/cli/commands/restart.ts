/** `hotctl restart <name|all>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { targetOptions } from './shared-options.js';

export function registerRestart<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'restart <target>',
    'Stop every worker of an app, then start it again (not zero-downtime: use reload)',
    (cmd) => targetOptions(cmd, 'restart').example('$0 restart api', 'Restart the app "api"').example('$0 restart all', 'Restart every app'),
    (argv) => targetHandler(ctx, 'restart')(argv),
  );
}
