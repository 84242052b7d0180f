import t from 'tap';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, ROOT, servingPids, writeEcosystem, type Teardown } from '../helpers/harness.js';
import { HOTCTL_VERSION } from '../../src/version.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

/** A real daemon of another version: this build, copied with another package.json version. Returns the copy's CLI entry. */
async function daemonOfVersion(t: Teardown, home: Home, version: string): Promise<string> {
  const dir = join(home.dir, `hotctl-${version}`);
  mkdirSync(dir);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hotctl', version, type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const daemon = spawn(process.execPath, [join(dir, 'dist/src/daemon/main.js')], { env: home.env, stdio: 'ignore' });
  t.teardown(() => void daemon.kill('SIGKILL'));
  // Bounded (60 s: a busy machine starts node slowly); a daemon that never listens fails here, not later.
  for (let i = 0; i < 2400 && !existsSync(join(home.dir, 'daemon.sock')); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(join(home.dir, 'daemon.sock'))) throw new Error(`the ${version} daemon did not listen within 60 s`);
  return join(dir, 'dist/src/cli/main.js');
}

/** Runs the other version's CLI against the home. */
function runOther(home: Home, cli: string, args: string[]): Promise<number | null> {
  const child = spawn(process.execPath, [cli, ...args], { env: home.env, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

for (const [version, code] of [
  ['99.0.0', 'E_DAEMON_NEWER'],
  ['0.0.1', 'E_DAEMON_VERSION_MISMATCH'],
] as const) {
  t.test(`a daemon of version ${version}: the CLI reports ${code} and what to do`, async (t) => {
    const home = new Home(t);
    await daemonOfVersion(t, home, version);
    const r = await home.run(['status']);
    t.equal(r.code, EXIT_CODES.daemon);
    t.match(r.stderr, code);
    t.match(r.stderr, /hotctl update/, 'the hint names the way out');
  });
}

t.test('hotctl update: an older daemon is replaced, its apps come back under the new one', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const old = await daemonOfVersion(t, home, '0.0.1');
  t.equal(await runOther(home, old, ['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }])]), 0);
  const oldPid = home.daemonPid();
  const r = await home.run(['update']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /0\.0\.1 → .* without downtime: 1 listening socket\(s\) handed over/, 'the old daemon handed its socket over');
  const status = await home.status();
  t.not(status.daemon.pid, oldPid);
  t.equal(status.daemon.version, HOTCTL_VERSION);
  t.equal(status.apps[0]?.status, 'online');
  t.equal((await servingPids(port, 2)).size, 2, 'the app serves again');
});

t.test('hotctl update --restart: the old way, it says before it acts which apps restart', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const old = await daemonOfVersion(t, home, '0.0.1');
  t.equal(await runOther(home, old, ['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }])]), 0);
  const r = await home.run(['update', '--restart']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /restarts: api \(2 workers\)/);
  t.equal((await home.status()).daemon.version, HOTCTL_VERSION);
  t.equal((await servingPids(port, 2)).size, 2, 'the app serves again');
});

t.test('hotctl update against a newer daemon: refused (E_DAEMON_NEWER) unless --force', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const newer = await daemonOfVersion(t, home, '99.0.0');
  t.equal(await runOther(home, newer, ['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])]), 0);
  // `reload <name>` sends its request with the hello (after_hello): the refused hello leaves it undone.
  const servingBefore = await servingPids(port, 1);
  const reload = await home.run(['reload', 'api']);
  t.equal(reload.code, EXIT_CODES.daemon, reload.stderr);
  t.match(reload.stderr, 'E_DAEMON_NEWER');
  t.same(await servingPids(port, 1), servingBefore, 'no reload ran: the same worker serves');
  const refused = await home.run(['update']);
  t.equal(refused.code, EXIT_CODES.daemon);
  t.match(refused.stderr, 'E_DAEMON_NEWER');
  t.match(refused.stderr, /--force/, 'the hint names the force path and what it interrupts');
  const forced = await home.run(['update', '--force']);
  t.equal(forced.code, 0, forced.stderr);
  t.equal((await home.status()).daemon.version, HOTCTL_VERSION);
  t.equal((await servingPids(port, 1)).size, 1);
});
