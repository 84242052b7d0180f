/** The command table names exactly the commands each module registers, so lazy loading finds them. */
import t from 'tap';
import type { Argv } from 'yargs';
import { COMMAND_MODULES, registrationsFor } from '../../../src/cli/command-table.js';
import type { CommandContext } from '../../../src/cli/context.js';

/** The names a registration gives yargs: the first word of each command string, and its aliases. */
function registeredNames(register: (y: Argv<{ json: boolean }>, ctx: CommandContext) => unknown): string[] {
  const names: string[] = [];
  const recorder = {
    command(cmd: string | string[], _desc: unknown, ...rest: unknown[]) {
      const all = Array.isArray(cmd) ? cmd : [cmd];
      for (const c of all) names.push(c.split(' ')[0]!);
      const options = rest.find((r) => typeof r === 'object' && r !== null) as { aliases?: string | string[] } | undefined;
      if (options?.aliases) names.push(...[options.aliases].flat());
      return recorder;
    },
  };
  register(recorder as unknown as Argv<{ json: boolean }>, {} as CommandContext);
  return names;
}

t.test('every module registers exactly the names the table lists for it', async (t) => {
  const seen = new Set<string>();
  for (const mod of COMMAND_MODULES) {
    const register = await mod.load();
    t.same(registeredNames(register).sort(), [...mod.names].sort(), `module of ${mod.names.join(', ')}`);
    for (const name of mod.names) {
      t.notOk(seen.has(name), `${name} is listed once`);
      seen.add(name);
    }
  }
});

t.test('a command line naming a command loads its module alone; anything else loads them all', async (t) => {
  t.equal((await registrationsFor(['reload', 'api'])).length, 1);
  t.equal((await registrationsFor(['--json', 'flush'])).length, 1);
  t.equal((await registrationsFor(['reload', 'api'])).at(0), await COMMAND_MODULES.find((m) => m.names.includes('reload'))!.load());
  for (const args of [[], ['--help'], ['reload', '--help'], ['status', '-h'], ['completion'], ['relaod', 'api'], ['--get-yargs-completions', 'hotctl', 're']]) {
    t.equal((await registrationsFor(args)).length, COMMAND_MODULES.length, `hotctl ${args.join(' ')}`);
  }
});
