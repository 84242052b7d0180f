/**
 * The command line: yargs, strict (an unknown command or flag is a usage error, exit 2), one
 * module per command under commands/, loaded only for the command that runs (command-table.ts).
 * The hottest command lines skip yargs altogether (fast-path.ts). `runCli` returns the exit
 * code; only main.ts exits.
 */
import type { Argv } from 'yargs';
// errors.js alone, not the protocol's index: `--version` needs none of the rest.
import { EXIT_CODES, exitCodesLine, HotctlError } from '../protocol/errors.js';
import { HOTCTL_VERSION } from '../version.js';
import { registrationsFor } from './command-table.js';
import { fastPath } from './fast-path.js';
import { simpleLine } from './simple-line.js';
import type { CliIo, CommandContext } from './context.js';
import { createOutput, printError } from './output.js';

const EPILOGUE = `Exit codes: ${exitCodesLine()}.
State: HOTCTL_HOME (default ~/.hotctl). Colour: off with NO_COLOR or when not a terminal.`;

function usageError(io: CliIo, json: boolean, message: string): number {
  const out = createOutput(io, json);
  printError(out, new HotctlError('E_USAGE', message, { hint: 'Run `hotctl --help`, or `hotctl <command> --help`, for the accepted arguments.' }), io.env);
  return EXIT_CODES.usage;
}

export async function runCli(args: string[], io: CliIo): Promise<number> {
  // What follows `--` goes to the app untouched (yargs would turn "007" into 7).
  const dashes = args.indexOf('--');
  const own = dashes === -1 ? args : args.slice(0, dashes);
  const passthrough = dashes === -1 ? [] : args.slice(dashes + 1);
  const json = own.includes('--json');
  if (passthrough.length > 0 && own.find((a) => !a.startsWith('-')) !== 'start') {
    return usageError(io, json, 'Arguments after `--` are passed to the app by `hotctl start <script>` only.');
  }
  const ctx: CommandContext = { ...io, exitCode: EXIT_CODES.ok, passthrough };
  const fast = fastPath(own, io.cwd);
  if (fast) return fast(ctx);
  const registrations = await registrationsFor(own);
  const simple = registrations.length === 1 ? simpleLine(own, registrations[0]!, ctx) : null;
  if (simple) {
    await simple();
    return ctx.exitCode;
  }
  const { default: yargs } = await import('yargs');
  const base: Argv<{ json: boolean }> = yargs(own, io.cwd)
    .scriptName('hotctl')
    .usage('$0 <command> [options]\n\nCluster-mode, zero-downtime process manager for Node.js.')
    .option('json', { type: 'boolean', default: false, global: true, describe: 'Machine output: JSON (lines), no colour, no progress text' })
    .version(HOTCTL_VERSION)
    .help()
    .alias('help', 'h')
    .strict()
    .recommendCommands()
    .demandCommand(1, 'Name a command.')
    .epilogue(EPILOGUE)
    .exitProcess(false)
    .fail(false)
    .wrap(Math.min(110, process.stdout.columns || 100));
  let parser = base;
  for (const register of registrations) {
    parser = register(parser, ctx);
  }
  parser = parser.completion('completion', 'Print the shell completion script (hotctl completion >> ~/.bashrc)');
  try {
    await parser.parseAsync();
  } catch (err) {
    // Handlers never throw (runAction catches): whatever reaches here is yargs refusing the input.
    return usageError(io, json, err instanceof Error ? err.message : String(err));
  }
  return ctx.exitCode;
}
