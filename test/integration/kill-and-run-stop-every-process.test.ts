import t from 'tap';
import { join } from 'node:path';
import { descendants, freePort, Home, isAlive, waitGone, writeEcosystem, BIN } from '../helpers/harness.js';
import { spawn } from 'node:child_process';

t.test('hotctl kill: every app drains, then the daemon exits; nothing is left', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }])])).code, 0);
  const daemon = home.daemonPid()!;
  const workers = (await home.status()).apps[0]!.workers.map((w) => w.pid!);
  const r = await home.run(['kill']);
  t.equal(r.code, 0, r.stderr);
  t.ok(await waitGone([daemon, ...workers], 10_000), 'daemon and workers are gone');
  t.equal(home.daemonPid(), null, 'the pid file is removed');
  const s = await home.run(['status', '--json']);
  t.equal(s.code, 0);
  t.same(JSON.parse(s.stdout), { daemon: null, apps: [] });
});

t.test('hotctl run: the supervisor in the foreground; status works against it; SIGTERM drains and exits 0', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  const run = spawn(process.execPath, [BIN, 'run', file], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void run.kill('SIGKILL'));
  let out = '';
  run.stdout.on('data', (d) => (out += d));
  run.stderr.on('data', (d) => (out += d));
  const status = await home.waitForRunStatus((s) => s.apps[0]?.status === 'online').catch((err: Error) => {
    throw new Error(`${err.message}\nrun output:\n${out}`);
  });
  t.equal(status.daemon.mode, 'run');
  t.equal(status.daemon.pid, run.pid);
  const workers = status.apps[0]!.workers.map((w) => w.pid!);
  t.same(descendants(run.pid!).sort(), [...workers].sort(), 'the workers are its children');
  const exited = new Promise<number | null>((resolve) => run.on('exit', resolve));
  run.kill('SIGTERM');
  t.equal(await exited, 0, 'exits 0 after draining');
  t.ok(await waitGone(workers, 5000), 'no worker left');
  t.notOk(isAlive(run.pid!));
});
