/**
 * A plain command line run without yargs hands the command's handler the argv yargs would, for
 * every command; anything less plain is left to yargs.
 */
import t from 'tap';
import yargs from 'yargs';
import { COMMAND_MODULES, type Register } from '../../../src/cli/command-table.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { simpleLine } from '../../../src/cli/simple-line.js';

const ctx = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/', exitCode: 0, passthrough: [] } as CommandContext;

/** The argv yargs gives the handler (after validation), captured by a middleware that then stops the run. */
async function yargsArgv(register: Register, args: string[]): Promise<Record<string, unknown> | null> {
  let captured: Record<string, unknown> | null = null;
  const stop = new Error('captured');
  const base = yargs(args).option('json', { type: 'boolean', default: false, global: true }).strict().exitProcess(false).fail(false);
  const parser = register(base, ctx).middleware((argv) => {
    captured = { ...argv };
    throw stop;
  });
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err !== stop) return null;
  }
  return captured;
}

/** The argv simple-line gives the handler, captured by wrapping the module's handlers. */
function simpleArgv(register: Register, args: string[]): Record<string, unknown> | null {
  let captured: Record<string, unknown> | null = null;
  const spy: Register = (y, c) => {
    const wrapped = new Proxy(y, {
      get(target, key, receiver) {
        if (key !== 'command') return Reflect.get(target, key, receiver);
        return (cmd: string, desc: string, builder: unknown, handler: (argv: Record<string, unknown>) => unknown) =>
          (target as unknown as { command: (...a: unknown[]) => unknown }).command(cmd, desc, builder, (argv: Record<string, unknown>) => (captured = { ...argv }));
      },
    });
    register(wrapped, c);
    return y;
  };
  const run = simpleLine(args, spy, ctx);
  if (!run) return null;
  void run();
  return captured;
}

const lines: Record<string, string[][]> = {
  start: [['start', 'app.js'], ['start', 'eco.json', '--json']],
  reload: [['reload', 'api'], ['reload', '007', '--json'], ['--json', 'reload', 'all']],
  promote: [['promote', 'api']],
  rollback: [['rollback', 'api']],
  scale: [['scale', 'api', '3']],
  history: [['history', 'api'], ['history', 'api', '--json']],
  restart: [['restart', 'api']],
  stop: [['stop', 'all']],
  delete: [['delete', 'api']],
  status: [['status']],
  monit: [['monit']],
  kill: [['kill'], ['kill', '--json']],
  run: [['run', 'eco.json']],
  update: [['update']],
  save: [['save']],
  resurrect: [['resurrect']],
  logs: [['logs'], ['logs', 'api']],
  flush: [['flush'], ['flush', 'api', '--json']],
  startup: [['startup'], ['startup', 'eco.json']],
  signal: [['signal', 'SIGUSR2', 'api'], ['signal', 'usr2', 'api', '--json']],
};

t.test('every command: the handler gets what yargs gives it', async (t) => {
  let simple = 0;
  for (const mod of COMMAND_MODULES) {
    const register = await mod.load();
    for (const name of mod.names) {
      t.ok(lines[name], `a sample line for ${name}`);
      for (const args of lines[name] ?? []) {
        const mine = simpleArgv(register, args);
        if (mine === null) continue; // left to yargs: fine, nothing to compare
        simple++;
        const theirs = await yargsArgv(register, args);
        t.ok(theirs, `yargs accepts hotctl ${args.join(' ')}`);
        const { $0: _a, ...a } = mine;
        const { $0: _b, ...b } = theirs ?? {};
        t.strictSame(a, b, `hotctl ${args.join(' ')}`);
      }
    }
  }
  t.ok(simple >= 20, `${simple} sample lines ran without yargs`);
});

t.test('lines with flags, too many or too few arguments, or --help are left to yargs', async (t) => {
  const reload = await COMMAND_MODULES.find((m) => m.names.includes('reload'))!.load();
  const logs = await COMMAND_MODULES.find((m) => m.names.includes('logs'))!.load();
  for (const args of [['reload'], ['reload', 'a', 'b'], ['reload', 'api', '--wait'], ['reload', 'api', '-h'], ['reload', 'api', '--json', '--json'], ['reload', ''], ['relaod', 'api']]) {
    t.equal(simpleLine(args, reload, ctx), null, `hotctl ${args.join(' ')}`);
  }
  t.equal(simpleLine(['logs', 'api', '-f'], logs, ctx), null);
});
