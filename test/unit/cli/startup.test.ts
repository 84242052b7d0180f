/** hotctl startup: the systemd unit for `hotctl run <file>`, from the real file loader and CLI. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import t from 'tap';
import { cli } from './fixtures/run-cli.js';

function fileWith(t: { teardown(fn: () => void): void }, apps: unknown[], name = 'ecosystem.json'): { dir: string; file: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hs-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'server.js'), 'require("http").createServer().listen(0)\n');
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ apps }));
  return { dir, file };
}

/** The unit's `Key=value` lines as a map of lists (a key may repeat). */
function keys(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

t.test('the unit runs `hotctl run <file>` with absolute paths, drains on stop, reloads on SIGHUP', async (t) => {
  const { dir, file } = fileWith(t, [
    { name: 'api', script: 'server.js', kill_timeout: 30_000, env_production: { NODE_ENV: 'production' } },
    { name: 'web', script: 'server.js' },
  ]);
  const r = await cli(dir, ['startup', 'ecosystem.json', '--user', 'www-data', '--env', 'production'], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const unit = keys(r.stdout);
  const exec = unit.get('ExecStart')![0]!.split(' ');
  t.ok(isAbsolute(exec[0]!) && existsSync(exec[0]!), `node by absolute path: ${exec[0]}`);
  t.ok(isAbsolute(exec[1]!) && exec[1]!.endsWith('/bin/hotctl') && existsSync(exec[1]!), `hotctl by absolute path: ${exec[1]}`);
  t.same(exec.slice(2), ['run', file, '--env', 'production']);
  t.same(unit.get('User'), ['www-data']);
  t.same(unit.get('WorkingDirectory'), [dir]);
  t.same(unit.get('Environment'), [`HOTCTL_HOME=${dir}`], 'HOTCTL_HOME from the environment the CLI runs in');
  t.same(unit.get('KillSignal'), ['SIGTERM']);
  t.same(unit.get('KillMode'), ['mixed'], 'SIGTERM to hotctl only; it drains the workers');
  t.same(unit.get('TimeoutStopSec'), ['41'], 'the slowest drain: drain_grace 1 s + kill_timeout 30 s + 10 s margin');
  t.same(unit.get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
  t.same(unit.get('Restart'), ['on-failure']);
  t.same(unit.get('WantedBy'), ['multi-user.target']);
  t.equal(r.stderr, '', `nothing on stderr when piped (stdout is the unit alone): ${r.stderr}`);
});

t.test('--json, --home, and the default stop timeout', async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const r = await cli(dir, ['startup', 'ecosystem.json', '--home', '/var/lib/hotctl', '--json'], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.same(doc.apps, ['api']);
  t.equal(doc.timeout_stop_sec, 16, 'drain_grace 1 s + kill_timeout 5 s + 10 s');
  t.match(doc.unit, /^Environment=HOTCTL_HOME=\/var\/lib\/hotctl$/m);
});

t.test('a broken file is refused now, not at the next boot; a bad user name too', async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js', instanses: 2 }]);
  const r = await cli(dir, ['startup', 'ecosystem.json'], {}, dir);
  t.equal(r.code, 2);
  t.match(r.stderr, /instanses[\s\S]*did you mean "instances"/);
  t.equal(r.stdout, '', 'no unit printed');
  const missing = await cli(dir, ['startup', 'nope.json'], {}, dir);
  t.equal(missing.code, 2);
  const { dir: ok } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const user = await cli(ok, ['startup', 'ecosystem.json', '--user', 'bad user;rm'], {}, ok);
  t.equal(user.code, 2);
  t.match(user.stderr, /not a user name/);
});

const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
t.test('systemd accepts the unit (systemd-analyze verify)', { skip: analyze ? false : 'systemd-analyze is not installed here' }, async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const r = await cli(dir, ['startup', 'ecosystem.json'], {}, dir);
  const unitFile = join(dir, 'hotctl-test.service');
  writeFileSync(unitFile, r.stdout);
  const output = execFileSync(analyze!, ['verify', unitFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.equal(output.trim(), '', 'no complaint');
});
