/** hotctl startup: the systemd unit for `hotctl run <file>`, from the real file loader and CLI. */
import { mkdtempSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import t from 'tap';
import { Home } from '../../helpers/harness.js';
import { cli } from './fixtures/run-cli.js';

function fileWith(t: { teardown(fn: () => void): void }, apps: unknown[], name = 'ecosystem.json'): { dir: string; file: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hs-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'server.js'), 'require("http").createServer().listen(0)\n');
  const file = join(dir, name);
  writeFileSync(file, name.endsWith('.json') ? JSON.stringify({ apps }) : `module.exports = ${JSON.stringify({ apps })};\n`);
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

/** The [Section] of each key, to check keys sit where systemd reads them. */
function sectionOf(unit: string): Map<string, string> {
  const map = new Map<string, string>();
  let section = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1]!;
    const m = /^([A-Za-z]+)=/.exec(line);
    if (m) map.set(m[1]!, section);
  }
  return map;
}

t.test('the unit runs `hotctl run <file>` with absolute paths, drains on stop, reloads on SIGHUP', async (t) => {
  const { dir, file } = fileWith(t, [
    { name: 'api', script: 'server.js', kill_timeout: 30_000, env_production: { NODE_ENV: 'production' } },
    { name: 'web', script: 'server.js' },
  ]);
  const r = await cli(dir, ['startup', 'ecosystem.json', '--user', 'www-data', '--home', join(dir, 'state'), '--env', 'production'], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const unit = keys(r.stdout);
  const exec = unit.get('ExecStart')![0]!.split(' ');
  t.ok(isAbsolute(exec[0]!) && existsSync(exec[0]!), `node by absolute path: ${exec[0]}`);
  t.ok(isAbsolute(exec[1]!) && exec[1]!.endsWith('/bin/hotctl') && existsSync(exec[1]!), `hotctl by absolute path: ${exec[1]}`);
  t.same(exec.slice(2), ['run', file, '--env', 'production'], 'the file by absolute path');
  t.same(unit.get('User'), ['www-data']);
  t.same(unit.get('WorkingDirectory'), [dir]);
  t.same(unit.get('Environment'), [`HOTCTL_HOME=${join(dir, 'state')}`]);
  t.same(unit.get('KillSignal'), ['SIGTERM']);
  t.same(unit.get('KillMode'), ['mixed'], 'SIGTERM to hotctl only; it drains the workers');
  t.same(unit.get('TimeoutStopSec'), ['40'], 'the slowest kill_timeout (30 s) + 10 s');
  t.same(unit.get('ExecReload'), ['/bin/kill -HUP $MAINPID']);
  t.same(unit.get('Restart'), ['on-failure']);
  t.same(unit.get('RestartSec'), ['2']);
  t.same(unit.get('WantedBy'), ['multi-user.target']);
  t.same(unit.get('Description'), ['hotctl: api, web']);
  const sections = sectionOf(r.stdout);
  for (const key of ['User', 'ExecStart', 'ExecReload', 'KillSignal', 'TimeoutStopSec', 'Restart']) t.equal(sections.get(key), 'Service', `${key} in [Service]`);
  t.equal(sections.get('WantedBy'), 'Install');
  t.equal(r.stderr, '', `nothing on stderr when piped (stdout is the unit alone): ${r.stderr}`);
});

t.test('defaults: your user and HOTCTL_HOME, unit "hotctl", kill_timeout 5 s', async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const r = await cli(dir, ['startup', 'ecosystem.json', '--json'], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.same(doc.apps, ['api']);
  t.equal(doc.unit_name, 'hotctl.service');
  t.equal(doc.user, userInfo().username);
  t.equal(doc.home, dir, 'the HOTCTL_HOME the CLI runs with');
  t.equal(doc.timeout_stop_sec, 15, 'kill_timeout 5 s + 10 s');
  t.match(doc.unit, new RegExp(`^Environment=HOTCTL_HOME=${dir}$`, 'm'));
  t.notMatch(doc.unit, /StateDirectory/, 'your own state directory: systemd need not make one');
});

t.test('--name names the unit; another --user gets /var/lib/<name>, made by systemd', async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const other = userInfo().username === 'www-data' ? 'nobody' : 'www-data';
  const r = await cli(dir, ['startup', 'ecosystem.json', '--name', 'shop', '--user', other], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const unit = keys(r.stdout);
  t.same(unit.get('Environment'), ['HOTCTL_HOME=/var/lib/shop'], 'not your HOTCTL_HOME, which that user may not use');
  t.same(unit.get('StateDirectory'), ['shop']);
  t.same(unit.get('StateDirectoryMode'), ['0700']);
  t.same(unit.get('SyslogIdentifier'), ['shop']);
  t.match(r.stdout, /sudo tee \/etc\/systemd\/system\/shop\.service/);
  t.match(r.stdout, /systemctl enable --now shop$/m);
  const bad = await cli(dir, ['startup', 'ecosystem.json', '--name', 'shop.service'], {}, dir);
  t.equal(bad.code, 2, 'a name with .service is refused');
  const slash = await cli(dir, ['startup', 'ecosystem.json', '--name', '../etc'], {}, dir);
  t.equal(slash.code, 2, 'a name with / is refused');
});

t.test('without a file: the first ecosystem file of the directory, PM2 names first', async (t) => {
  const { dir, file } = fileWith(t, [{ name: 'api', script: 'server.js', kill_timeout: 2000 }], 'ecosystem.config.js');
  writeFileSync(join(dir, 'ecosystem.json'), JSON.stringify({ apps: [{ name: 'other', script: 'server.js' }] }));
  const r = await cli(dir, ['startup', '--json'], {}, dir);
  t.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.equal(doc.file, file);
  t.same(doc.apps, ['api']);
  const empty = realpathSync(mkdtempSync(join(tmpdir(), 'hs-')));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const none = await cli(empty, ['startup'], {}, empty);
  t.equal(none.code, 2);
  t.match(none.stderr, /E_CONFIG_NOT_FOUND/);
  t.equal(none.stdout, '');
});

t.test('a broken file is refused now, not at the next boot; a bad user name too', async (t) => {
  const { dir } = fileWith(t, [{ name: 'api', script: 'server.js', instanses: 2 }]);
  const r = await cli(dir, ['startup', 'ecosystem.json'], {}, dir);
  t.equal(r.code, 2);
  t.match(r.stderr, /E_CONFIG_INVALID/);
  t.match(r.stderr, /instanses[\s\S]*did you mean "instances"/);
  t.equal(r.stdout, '', 'no unit printed');
  const missing = await cli(dir, ['startup', 'nope.json'], {}, dir);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /E_CONFIG_NOT_FOUND/);
  const { dir: ok } = fileWith(t, [{ name: 'api', script: 'server.js' }]);
  const user = await cli(ok, ['startup', 'ecosystem.json', '--user', 'bad user;rm'], {}, ok);
  t.equal(user.code, 2);
  t.equal(user.stdout, '');
});

t.test('through the real CLI: the unit, and the same config error as `hotctl start`', async (t) => {
  const home = new Home(t);
  const { file } = fileWith(t, [{ name: 'api', script: 'server.js', kill_timeout: 12_000 }]);
  const r = await home.run(['startup', file, '--name', 'api']);
  t.equal(r.code, 0, r.stderr);
  const unit = keys(r.stdout);
  t.same(unit.get('Environment'), [`HOTCTL_HOME=${home.dir}`]);
  t.same(unit.get('TimeoutStopSec'), ['22']);
  t.equal(unit.get('ExecStart')![0]!.split(' ')[2], 'run');

  const { file: broken } = fileWith(t, [{ name: 'api', script: 'server.js', instances: 'lots' }]);
  const startup = await home.run(['startup', broken]);
  const start = await home.run(['start', broken]);
  t.equal(startup.code, 2);
  t.equal(start.code, 2, 'start refuses it too');
  t.equal(startup.stderr, start.stderr, 'word for word the same error');
  t.equal(home.daemonPid(), null, 'neither started a daemon');
});
