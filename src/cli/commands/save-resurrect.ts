/**
 * `hotctl save`: remember the running apps (HOTCTL_HOME/dump.json, 0600: specs hold env values).
 * `hotctl resurrect`: start the saved apps that do not run now.
 * (The daemon also restores its apps by itself after it died; these are for explicit use.)
 */
import type { Argv } from 'yargs';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { followOperations, outcome } from '../operations.js';
import type { Output } from '../output.js';

async function save(ctx: CommandContext, out: Output): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    const result = await client.request('save', {});
    if (out.json) out.jsonLine(result);
    else out.line(`✓ saved ${result.apps.length} app${result.apps.length === 1 ? '' : 's'} (${result.apps.join(', ') || 'none'}) to ${result.file}`);
    return 0;
  });
}

async function resurrect(ctx: CommandContext, out: Output): Promise<number> {
  return withDaemon(ctx, out, true, async ({ client }) => {
    const finals = await followOperations(client, out, async () => {
      const result = await client.request('resurrect', { follow: true });
      if (result.notice !== undefined) out.note(`! ${result.notice}`);
      return result.operations;
    });
    if (finals.length === 0 && !out.json) out.line('Every saved app already runs.');
    return outcome(out, finals, ctx.env);
  });
}

export function registerSave<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'save',
    'Remember the running apps, for `hotctl resurrect`',
    (cmd) => cmd.example('$0 save', 'Write HOTCTL_HOME/dump.json'),
    (argv) => runAction(ctx, argv.json, (out) => save(ctx, out)),
  );
}

export function registerResurrect<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'resurrect',
    'Start the saved apps that do not run now',
    (cmd) => cmd.example('$0 resurrect', 'After a reboot: bring back what `hotctl save` remembered'),
    (argv) => runAction(ctx, argv.json, (out) => resurrect(ctx, out)),
  );
}
