/** `hotctl stop <name|all|file|script|pid>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { fileOptions, targetOptions } from './shared-options.js';

export function registerStop<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'stop <target>',
    "Drain and stop an app's workers; the app stays known (status: stopped)",
    (cmd) =>
      fileOptions(targetOptions(cmd, 'stop'))
        .example('$0 stop api', 'Stop the app "api" gracefully')
        .example('$0 stop ecosystem.config.js --only api,worker', 'Stop these apps of the file')
        .example('$0 stop all --json', 'Stop every app, events as JSON lines'),
    (argv) => targetHandler(ctx, 'stop')(argv),
  );
}
