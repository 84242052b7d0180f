/** The README's commands table lists every command `hotctl --help` shows, and no other. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

const root = new URL('../../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

t.test('every command of `hotctl --help` is in the README, and every command there exists', async (t) => {
  const help = execFileSync(process.execPath, [new URL('bin/hotctl', root).pathname, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const commands = [...help.matchAll(/^ {2}hotctl ([a-z]+)\b/gm)].map((m) => m[1]!);
  t.ok(commands.length >= 20, `read ${commands.length} commands from --help`);
  const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('\n## ', readme.indexOf('## Commands') + 1));
  const documented = new Set([...table.matchAll(/`hotctl ([a-z]+)\b/g)].map((m) => m[1]!));
  for (const command of commands) t.ok(documented.has(command), `README documents hotctl ${command}`);
  for (const command of documented) t.ok(commands.includes(command), `hotctl ${command} exists`);
});
