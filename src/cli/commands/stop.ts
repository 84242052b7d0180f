/** `hotctl stop <name|all>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { targetOptions } from './shared-options.js';

export function registerStop<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'stop <target>',
    "Drain and stop an app's workers; the app stays known (status: stopped)",
    (cmd) => targetOptions(cmd, 'stop').example('$0 stop api', 'Stop the app "api" gracefully').example('$0 stop all --json', 'Stop every app, events as JSON lines'),
    (argv) => targetHandler(ctx, 'stop')(argv),
  );
}
