/**
 * `hotctl monit` (also `hotctl status --watch`): a live table that redraws in place — apps,
 * workers, revision, state, CPU, memory, req/s, restarts, uptime, and an operation in progress
 * as it happens. On a terminal it uses the alternate screen and quits cleanly on `q` or Ctrl-C;
 * elsewhere (a pipe, CI) it prints the plain table once per metrics tick. Colour follows the
 * usual rule (a TTY, and no NO_COLOR).
 */
import type { Argv } from 'yargs';
import type { StatusSnapshot } from '../../protocol/index.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import type { Output } from '../output.js';
import { renderStatus } from '../render/status-table.js';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';
const HOME_CLEAR = '\x1b[H\x1b[2J';
/** Redraws at most this often on a terminal (a burst of transitions is one frame). */
const FRAME_MS = 100;

export async function monit(ctx: CommandContext, out: Output, limit: number | undefined): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    const live = ctx.stdout.isTTY === true && !out.json;
    let frames = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const draw = (snapshot: StatusSnapshot) => {
      frames++;
      if (out.json) out.jsonLine(snapshot);
      else if (live) {
        const footer = out.colours.dim(`\n${new Date().toLocaleTimeString()} · q or Ctrl-C to quit`);
        ctx.stdout.write(`${HOME_CLEAR}${renderStatus(snapshot, out.colours).join('\n')}${footer}\n`);
      } else {
        out.line(`--- ${new Date().toISOString()}`);
        for (const line of renderStatus(snapshot, out.colours)) out.line(line);
      }
      if (limit !== undefined && frames >= limit) finish();
    };
    let pending: NodeJS.Timeout | null = null;
    const refresh = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        client.request('status', {}).then(draw, () => finish());
      }, live ? FRAME_MS : 0);
    };

    const off = client.onEvent((event) => {
      // On a terminal every change redraws; in plain output one table per metrics tick.
      if (event.kind === 'metrics' || (live && (event.kind === 'worker' || event.kind === 'operation'))) refresh();
    });
    const stdin = process.stdin;
    const onKey = (data: Buffer) => {
      const key = data.toString();
      if (key === 'q' || key === 'Q' || key === '\u0003') finish();
    };
    const onSignal = () => finish();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (live) {
      ctx.stdout.write(ALT_SCREEN_ON);
      if (stdin.isTTY) {
        stdin.setRawMode(true);
        stdin.on('data', onKey);
        stdin.resume();
      }
    }
    try {
      await client.request('subscribe', { topics: ['metrics', 'events'] });
      draw(await client.request('status', {}));
      await finished;
    } finally {
      off();
      if (pending) clearTimeout(pending);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (live) {
        if (stdin.isTTY) {
          stdin.off('data', onKey);
          stdin.setRawMode(false);
          stdin.pause();
        }
        ctx.stdout.write(ALT_SCREEN_OFF);
      }
    }
    return 0;
  });
}

export function registerMonit<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'monit',
    'Live view of every app and worker: state, revision, CPU, memory, req/s (q to quit)',
    (cmd) =>
      cmd
        .option('count', { type: 'number', describe: 'Stop after this many frames (for scripts)' })
        .example('$0 monit', 'Watch a reload happen: new workers turning ready, old ones draining')
        .example('$0 monit --count 3 | cat', 'Plain output, one table per second, three times'),
    (argv) => runAction(ctx, argv.json, (out) => monit(ctx, out, argv.count)),
  );
}
