/** `hotctl history <name>`: the revisions of an app (table, or the daemon's answer with --json). */
import type { Argv } from 'yargs';
import { runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { askRunningDaemon } from '../one-trip.js';
import type { Output } from '../output.js';
import { renderHistory } from '../render/history-table.js';

export async function history(ctx: CommandContext, out: Output, name: string): Promise<number> {
  // One round trip: the request goes with the hello (one-trip.ts).
  const result = await askRunningDaemon(ctx, out, 'history', { name });
  if (out.json) out.line(JSON.stringify(result, null, 2));
  else for (const line of renderHistory(result, out.colours)) out.line(line);
  return 0;
}

export function registerHistory<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'history <name>',
    'List the revisions of an app: when, by whom, outcome, version, commit, script sha256',
    (cmd) =>
      cmd
        .positional('name', { type: 'string', demandOption: true, describe: 'The app' })
        .example('$0 history api', 'The revisions of "api", oldest first; * marks the active one')
        .example('$0 history api --json | jq ".revisions[-1].spec.env"', 'The full record, specs included (env values too: keep it private)'),
    (argv) => runAction(ctx, argv.json, (out) => history(ctx, out, argv.name)),
  );
}
