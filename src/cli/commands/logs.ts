/**
 * `hotctl logs [app]`: the last lines of an app's log files (or every app's), and with `-f` the
 * lines workers write from then on, live over the socket. `hotctl flush [app]` empties the files.
 *
 * Following subscribes first and reads the files second, so no line falls between the two; a
 * line seen both ways is printed once.
 */
import type { Argv } from 'yargs';
import { MAX_LOG_LINES, type LogEvent, type LogStream, type Params } from '../../protocol/index.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { askRunningDaemon } from '../one-trip.js';
import type { Output } from '../output.js';

export interface LogsOptions {
  app?: string;
  lines: number;
  follow: boolean;
  stream?: LogStream;
  raw: boolean;
}

function render(out: Output, event: LogEvent, raw: boolean): void {
  if (out.json) return out.jsonLine(event);
  if (raw) return out.line(event.text);
  const c = out.colours;
  const who = event.worker_id < 0 ? `[${event.app}]` : `[${event.app}#${event.worker_id} r${event.revision}]`;
  const text = event.stream === 'err' ? c.red(event.text) : event.text;
  out.line(`${c.dim(event.at)} ${c.cyan(who)} ${text}`.trimStart());
}

const key = (e: LogEvent) => `${e.at}\u0000${e.app}\u0000${e.worker_id}\u0000${e.stream}\u0000${e.text}`;

function logsParams(options: LogsOptions): Params<'logs'> {
  return { lines: options.lines, ...(options.app === undefined ? {} : { app: options.app }), ...(options.stream === undefined ? {} : { stream: options.stream }) };
}

export async function logs(ctx: CommandContext, out: Output, options: LogsOptions): Promise<number> {
  if (!options.follow) {
    // One round trip: the request goes with the hello (one-trip.ts).
    const result = await askRunningDaemon(ctx, out, 'logs', logsParams(options), 15_000);
    if (!out.json && !options.raw && result.lines.length === 0) out.note(`No log lines yet (files: ${result.files.join(', ')}).`);
    for (const event of result.lines) render(out, event, options.raw);
    return 0;
  }
  return withDaemon(ctx, out, false, async ({ client }) => {
    const wanted = (e: LogEvent) => (options.app === undefined || e.app === options.app) && (options.stream === undefined || e.stream === options.stream);
    const early: LogEvent[] = [];
    let tailed: Set<string> | null = null;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const off = client.onEvent((event) => {
      if (event.kind !== 'log' || !wanted(event)) return;
      if (tailed === null) early.push(event);
      else if (!tailed.delete(key(event))) render(out, event, options.raw);
    });
    await client.request('subscribe', { topics: ['logs'], ...(options.app === undefined ? {} : { apps: [options.app] }) });
    const result = await client.request('logs', logsParams(options), { timeoutMs: 15_000 });
    for (const event of result.lines) render(out, event, options.raw);
    const seen = new Set(result.lines.map(key));
    for (const event of early) if (!seen.has(key(event))) render(out, event, options.raw);
    tailed = seen;
    const onSignal = () => finish();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const offClose = client.onClose(() => {
      out.note('The daemon went away; stopped following.');
      finish();
    });
    try {
      await finished;
    } finally {
      off();
      offClose();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return 0;
  });
}

export async function flush(ctx: CommandContext, out: Output, app: string | undefined): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    const result = await client.request('flush', app === undefined ? {} : { app }, { timeoutMs: 15_000 });
    if (out.json) out.jsonLine(result);
    else {
      if (result.files.length === 0) out.line('No log files to empty.');
      for (const file of result.files) out.line(`emptied ${file}`);
      for (const { file, reason } of result.skipped ?? []) out.line(`left ${file} as it is: ${reason}`);
    }
    return 0;
  });
}

export function registerLogs<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y
    .command(
      'logs [app]',
      "Print the last lines of an app's logs (every app's without a name); -f follows live",
      (cmd) =>
        cmd
          .positional('app', { type: 'string', describe: 'The app (default: every app)' })
          .option('lines', { type: 'number', default: 15, describe: 'How many past lines to print' })
          .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing lines as workers write them (Ctrl-C to stop)' })
          .option('err', { type: 'boolean', describe: 'Only stderr' })
          .option('out', { type: 'boolean', describe: 'Only stdout' })
          .option('raw', { type: 'boolean', default: false, describe: 'Lines as the app wrote them, without time, worker and revision' })
          .conflicts('err', 'out')
          .check((argv) => {
            if (!Number.isInteger(argv.lines) || argv.lines < 0 || argv.lines > MAX_LOG_LINES) {
              throw new Error(`--lines must be a whole number from 0 to ${MAX_LOG_LINES}, got ${String(argv.lines)}.`);
            }
            return true;
          })
          .example('$0 logs api --lines 100', 'The last 100 lines of "api", stdout and stderr merged by time')
          .example('$0 logs -f --err', 'Follow the stderr of every app')
          .example('$0 logs api --raw --lines 0 -f | grep ERROR', 'Follow the lines as the app wrote them'),
      (argv) =>
        runAction(ctx, argv.json, (out) =>
          logs(ctx, out, {
            ...(argv.app === undefined ? {} : { app: argv.app }),
            lines: argv.lines,
            follow: argv.follow,
            ...(argv.err ? { stream: 'err' as const } : argv.out ? { stream: 'out' as const } : {}),
            raw: argv.raw,
          }),
        ),
    )
    .command(
      'flush [app]',
      "Empty an app's log files and delete its rotated ones (every app's without a name)",
      (cmd) => cmd.positional('app', { type: 'string', describe: 'The app (default: every app)' }).example('$0 flush api', 'Empty the log files of "api"'),
      (argv) => runAction(ctx, argv.json, (out) => flush(ctx, out, argv.app)),
    );
}
