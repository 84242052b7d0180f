import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/** Values a shell would have expanded, split or executed. */
function nasty(dir: string): string[] {
  return [
    'two words',
    "it's",
    'say "hi"',
    `$(touch ${join(dir, 'pwned-dollar')})`,
    `\`touch ${join(dir, 'pwned-backtick')}\``,
    '$HOME',
    '${PATH}',
    'a; touch ' + join(dir, 'pwned-semicolon'),
    'a | cat',
    'true && touch ' + join(dir, 'pwned-and'),
    'line one\nline two',
    'tab\there',
    'ünïcödé ✓ 日本',
    '',
    '-leading-dash',
    '--flag=value with spaces',
    '*',
    '~',
    '\\back\\slash',
    '>redirect',
  ];
}

t.test('args and env from an ecosystem file reach the worker exactly as written, never through a shell', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const values = nasty(home.dir);
  const env: Record<string, string> = { ECHO_ENV: values.map((_, i) => `V${i}`).join(',') };
  values.forEach((v, i) => (env[`V${i}`] = v));
  const file = writeEcosystem(home, [{ name: 'echo', script: join(FIXTURES, 'echo-argv.cjs'), instances: 1, args: values, env: { ...env, PORT: port } }]);
  const r = await home.run(['start', file]);
  t.equal(r.code, 0, r.stderr);
  const { json } = await get(port);
  t.same(json.argv, values, 'argv as written, one element per value');
  t.same(json.env, env.ECHO_ENV.split(',').reduce((o: Record<string, string>, k) => ({ ...o, [k]: env[k]! }), {}), 'env as written');
  t.equal((await home.run(['reload', 'echo'])).code, 0);
  t.same((await get(port)).json.argv, values, 'and again after a reload');
  for (const f of ['pwned-dollar', 'pwned-backtick', 'pwned-semicolon', 'pwned-and']) t.notOk(existsSync(join(home.dir, f)), `nothing ran: no ${f}`);
});

t.test('hotctl start <script> -- args: the same, from the command line', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const values = nasty(home.dir);
  const r = await home.run(['start', join(FIXTURES, 'echo-argv.cjs'), '--name', 'echo', '--update-env', '--', ...values], { env: { PORT: String(port), ECHO_ENV: 'MY_VAR', MY_VAR: 'x $(y) `z` "q" \'r\'\nline' } });
  t.equal(r.code, 0, r.stderr);
  const { json } = await get(port);
  t.same(json.argv, values, 'argv as written');
  t.same(json.env, { MY_VAR: 'x $(y) `z` "q" \'r\'\nline' }, 'env from --update-env as written');
  for (const f of ['pwned-dollar', 'pwned-backtick', 'pwned-semicolon', 'pwned-and']) t.notOk(existsSync(join(home.dir, f)), `nothing ran: no ${f}`);
});
