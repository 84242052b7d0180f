/** `hotctl status`: the daemon, its apps and their workers. */
import type { Argv } from 'yargs';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import { homePaths } from '../../protocol/home.js';
import { lastRun } from '../daemon-launcher.js';
import { askStatus } from '../status-get.js';
import type { Output } from '../output.js';
import type { StatusSnapshot } from '../../protocol/index.js';
import { renderStatus } from '../render/status-table.js';

/** What `status --json` prints when no daemon runs. */
export interface NoDaemonStatus {
  daemon: null;
  apps: [];
}

/** Prints the status; `asked`: the answer of a question already sent (fast-path.ts), else asked here. */
export async function status(ctx: CommandContext, out: Output, asked?: Promise<StatusSnapshot | null>): Promise<number> {
  // One request (status-get.ts; over the WebSocket, with the hello, for a daemon older than it).
  const snapshot = await (asked ?? askStatus(ctx, out));
  if (snapshot === null) {
    if (out.json) out.line(JSON.stringify({ daemon: null, apps: [] } satisfies NoDaemonStatus, null, 2));
    else out.line(`No daemon running (HOTCTL_HOME=${homeOf(ctx)}).`);
    // The apps of a `hotctl run` that died are left to what runs it (lastRun in daemon-launcher.ts).
    if (!out.json && lastRun(homePaths(homeOf(ctx)).stateFile) === 'run') {
      out.note(`Its apps were last run by \`hotctl run\` in the foreground, which is not running now: whatever started it (systemd, a container) starts it again, or \`hotctl resurrect\` runs them in a background daemon.`);
    }
    return 0;
  }
  if (out.json) out.line(JSON.stringify(snapshot, null, 2));
  // One write: a line at a time is a write (and a system call) per line.
  else out.line(renderStatus(snapshot, out.colours).join('\n'));
  return 0;
}

export function registerStatus<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'status',
    'Show the daemon, its apps and their workers (never starts a daemon)',
    (cmd) =>
      cmd
        .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Live view that redraws in place (same as `hotctl monit`)' })
        .example('$0 status', 'The table of apps and workers')
        .example('$0 status --json | jq .apps[].status', 'The status document, for scripts')
        .example('$0 status --watch', 'Watch a reload live; q to quit'),
    (argv) => runAction(ctx, argv.json, async (out) => (argv.watch ? (await import('./monit.js')).monit(ctx, out, undefined) : status(ctx, out))),
  );
}
