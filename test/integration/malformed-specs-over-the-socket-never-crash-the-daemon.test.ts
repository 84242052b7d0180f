import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIXTURES, freePort, get, Home, isAlive } from '../helpers/harness.js';
import { SocketClient } from '../helpers/socket-client.js';

t.test('specs sent straight to the socket get the CLI validation: half specs are completed, bad names refused, the daemon lives', async (t) => {
  const home = new Home(t);
  const script = join(FIXTURES, 'http-app.cjs');
  t.equal((await home.run(['start', script, '--name', 'first'], { env: { PORT: String(await freePort()) } })).code, 0, 'a daemon runs an app');
  const daemon = home.daemonPid()!;
  const client = await SocketClient.open(home.dir);
  t.teardown(() => client.close());
  const port = await freePort();

  // Only {name, script} (and the port through env): before, `TypeError: entries is not iterable` killed the daemon.
  const half = await client.call('start', { apps: [{ name: 'half', script, env: { PORT: String(port) } }], follow: true });
  t.ok(half.ok, `a {name, script} spec is completed with the defaults and started: ${JSON.stringify(half.error ?? '')}`);
  await home.waitForStatus((s) => s.apps.some((a) => a.name === 'half' && a.status === 'online'));
  t.equal((await get(port)).status, 200, 'and it serves');
  const minimal = await client.call('start', { apps: [{ name: 'bare', script }] });
  t.ok(minimal.ok || minimal.error?.code !== 'E_INTERNAL', 'a spec with neither env nor cwd is no internal error');

  // A name that walks out of HOTCTL_HOME/logs.
  const outside = resolve(home.dir, '..', `escape-${process.pid}`);
  for (const name of ['../../x', `../${outside.split('/').pop()}`, '/etc/x', 'a/b', '', '.hidden']) {
    const answer = await client.call('start', { apps: [{ name, script, env: { PORT: String(await freePort()) } }] });
    t.equal(answer.ok, false, `name ${JSON.stringify(name)} is refused`);
    t.equal(answer.error?.code, 'E_CONFIG_INVALID', `as the CLI refuses it (${answer.error?.code})`);
  }
  t.notOk(existsSync(`${outside}-out.log`) || existsSync(outside), 'no log file was written outside HOTCTL_HOME');
  t.notOk(readdirSync(resolve(home.dir, '..')).some((f) => f === 'x-out.log'), 'nor beside it');

  // Wrong values of known keys, relative paths, reload specs: each answered, none fatal.
  const bad: Array<[string, Record<string, unknown>]> = [
    ['start', { apps: [{ name: 'neg', script, instances: 'many' }] }],
    ['start', { apps: [{ name: 'env', script, env: 'PORT=1' }] }],
    ['start', { apps: [{ name: 'rel', script: 'http-app.cjs' }] }],
    ['start', { apps: [{ name: 'relcwd', script, cwd: 'somewhere' }] }],
    ['start', { apps: [{ name: 'unknown', script, frobnicate: 1 }] }],
    ['start', { apps: [{ name: 'nofile', script: '/nonexistent/app.js' }] }],
    ['apply', { apps: [{ name: 'half', script, args: 5 }] }],
    ['reload', { name: 'half', spec: { name: 'half', script, node_args: {} } }],
  ];
  for (const [method, params] of bad) {
    const answer = await client.call(method, params);
    t.equal(answer.ok, false, `${method} ${JSON.stringify(params.apps ?? params.spec).slice(0, 90)} refused`);
    t.ok(answer.error?.code === 'E_CONFIG_INVALID' || answer.error?.code === 'E_PROTOCOL', `with ${answer.error?.code}`);
  }
  const reload = await client.call('reload', { name: 'half', spec: { name: 'half', script, env: { PORT: String(port) } }, follow: true });
  t.ok(reload.ok, 'a reload with a half spec is completed and accepted');

  t.ok(isAlive(daemon), 'the daemon is still the same process');
  t.equal((await home.run(['status'])).code, 0, 'and answers status');
});
