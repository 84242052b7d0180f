/** The built launcher, spawned as users run it: usage errors, --version, no-daemon answers. */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { HOTCTL_VERSION } from '../../../src/version.js';
import { tempHome } from './fixtures/fake-daemon.js';

const BIN = fileURLToPath(new URL('../../../../bin/hotctl', import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hotctl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const home = tempHome();
t.teardown(() => rmSync(home, { recursive: true, force: true }));
const env = { HOTCTL_HOME: join(home, 'state') };

t.test('usage errors exit 2 and say E_USAGE', async (t) => {
  // Independent processes: spawned at once, checked in order.
  const cases = [['badcommand'], ['start'], ['status', '--bogus'], ['reload'], ['kill', 'extra'], ['stop', 'api', '--', 'x'], []];
  const results = await Promise.all(cases.map((args) => hotctl(args, env)));
  cases.forEach((args, i) => {
    t.equal(results[i]!.code, 2, `hotctl ${args.join(' ')} exits 2`);
    t.match(results[i]!.stderr, /E_USAGE/);
  });
});

t.test('--version prints the version', async (t) => {
  const ran = await hotctl(['--version'], env);
  t.equal(ran.code, 0);
  t.equal(ran.stdout.trim(), HOTCTL_VERSION);
});

t.test('--help lists every command', async (t) => {
  const [ran, sub] = await Promise.all([hotctl(['--help'], env), hotctl(['reload', '--help'], env)]);
  t.equal(ran.code, 0);
  for (const cmd of ['start', 'reload', 'restart', 'stop', 'delete', 'status', 'kill', 'run']) t.match(ran.stdout, new RegExp(`hotctl ${cmd}\\b`));
  t.equal(sub.code, 0);
  t.match(sub.stdout, /Examples:/);
});

t.test('without a daemon: status and kill exit 0, the rest exit 3, none starts one', async (t) => {
  // Independent processes (none starts a daemon): spawned at once, checked in order.
  const refused = [['stop', 'api'], ['delete', 'all'], ['restart', 'api'], ['reload', 'api']];
  const [status, plain, kill, ...results] = await Promise.all([['status', '--json'], ['status'], ['kill'], ...refused].map((args) => hotctl(args, env)));
  t.equal(status!.code, 0);
  t.same(JSON.parse(status!.stdout), { daemon: null, apps: [] });
  t.equal(plain!.code, 0);
  t.equal(kill!.code, 0);
  refused.forEach((args, i) => {
    t.equal(results[i]!.code, 3, `hotctl ${args.join(' ')} exits 3`);
    t.match(results[i]!.stderr, /E_DAEMON_UNREACHABLE/);
  });
  t.notOk(existsSync(env.HOTCTL_HOME), 'no state directory was created');
});
