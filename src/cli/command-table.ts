/**
 * Which module registers which command, so that the CLI loads only the module of the command
 * it runs (a command module pulls in its own dependencies: config loading, rendering, …).
 * `--help`, completion and an unknown command load them all, in this order (the order of
 * `hotctl --help`). test/unit/cli/command-table.test.ts checks that every module registers
 * exactly the names listed here.
 */
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from './context.js';

export type Register = <T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext) => Argv<T>;

export interface CommandModule {
  /** The command names (first word of each command string, and aliases) the module registers. */
  readonly names: readonly string[];
  readonly load: () => Promise<Register>;
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['start'], load: async () => (await import('./commands/start.js')).registerStart },
  { names: ['reload'], load: async () => (await import('./commands/reload.js')).registerReload },
  { names: ['promote'], load: async () => (await import('./commands/promote.js')).registerPromote },
  { names: ['rollback'], load: async () => (await import('./commands/rollback.js')).registerRollback },
  { names: ['scale'], load: async () => (await import('./commands/scale.js')).registerScale },
  { names: ['history'], load: async () => (await import('./commands/history.js')).registerHistory },
  { names: ['restart'], load: async () => (await import('./commands/restart.js')).registerRestart },
  { names: ['stop'], load: async () => (await import('./commands/stop.js')).registerStop },
  { names: ['delete'], load: async () => (await import('./commands/delete.js')).registerDelete },
  { names: ['status'], load: async () => (await import('./commands/status.js')).registerStatus },
  { names: ['monit'], load: async () => (await import('./commands/monit.js')).registerMonit },
  { names: ['kill'], load: async () => (await import('./commands/kill.js')).registerKill },
  { names: ['run'], load: async () => (await import('./commands/run.js')).registerRun },
  { names: ['update'], load: async () => (await import('./commands/update.js')).registerUpdate },
  { names: ['save'], load: async () => (await import('./commands/save-resurrect.js')).registerSave },
  { names: ['resurrect'], load: async () => (await import('./commands/save-resurrect.js')).registerResurrect },
  { names: ['logs', 'flush'], load: async () => (await import('./commands/logs.js')).registerLogs },
  { names: ['startup'], load: async () => (await import('./commands/startup.js')).registerStartup },
  { names: ['signal'], load: async () => (await import('./commands/signal.js')).registerSignal },
];

/**
 * The registrations a command line needs: the one module whose command it names, or every
 * module when it names none of them (`--help`, `completion`, a typo that yargs will suggest a
 * command for).
 */
export async function registrationsFor(args: readonly string[]): Promise<Register[]> {
  const first = args.find((arg) => !arg.startsWith('-'));
  const own = first === undefined ? undefined : COMMAND_MODULES.find((mod) => mod.names.includes(first));
  if (own && !args.includes('--help') && !args.includes('-h')) return [await own.load()];
  return Promise.all(COMMAND_MODULES.map((mod) => mod.load()));
}
