/** `hotctl restart <name|all|file|script|pid>`. */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.js';
import { targetHandler } from '../targets.js';
import { fileOptions, targetOptions } from './shared-options.js';

export function registerRestart<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'restart <target>',
    'Stop every worker of an app, then start it again (not zero-downtime: use reload)',
    (cmd) =>
      fileOptions(targetOptions(cmd, 'restart'))
        .option('update-env', { type: 'boolean', default: false, describe: "Merge this shell's environment into the app's env. With a file the file's env wins; with a name the shell's wins" })
        .example('$0 restart api', 'Restart the app "api"')
        .example('$0 restart ecosystem.config.js', "Restart the file's apps with the file's settings (apps not running start)")
        .example('$0 restart api --update-env', "Restart with this shell's environment over the app's env")
        .example('$0 restart all', 'Restart every app'),
    (argv) => targetHandler(ctx, 'restart')(argv),
  );
}
