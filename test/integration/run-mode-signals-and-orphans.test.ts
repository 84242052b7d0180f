import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { StatusSnapshot } from '../../src/protocol/index.js';
import { BIN, FIXTURES, freePort, Home, isAlive, waitGone, writeEcosystem, type Teardown } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

/** `hotctl run <file>` in the foreground, killed by pid at teardown whatever happens. */
async function runInForeground(t: Teardown, home: Home, port: number, instances = 2): Promise<{ run: ChildProcess; workers: number[]; exited: Promise<number | null>; output: () => string }> {
  const file = writeEcosystem(home, [{ name: 'api', script: join(FIXTURES, 'http-app.cjs'), instances, env: { PORT: port }, kill_timeout: 3000 }]);
  const run = spawn(process.execPath, [BIN, 'run', file], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void run.kill('SIGKILL'));
  let out = '';
  run.stdout!.on('data', (d) => (out += d));
  run.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => run.on('exit', (code) => resolve(code)));
  const status = await home
    .waitForRunStatus((s) => s.daemon?.pid === run.pid && s.apps[0]?.status === 'online' && s.apps[0].workers.length === instances && s.apps[0].workers.every((w) => w.state === 'ready'))
    .catch((err: Error) => {
      throw new Error(`${err.message}\nrun output:\n${out}`);
    });
  const workers = status.apps[0]!.workers.map((w) => w.pid!);
  t.teardown(() => workers.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL')));
  return { run, workers, exited, output: () => out };
}

/** True when nothing listens on the port any more. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const bounded = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);

t.test('hotctl run: SIGHUP reloads every app; SIGINT drains and exits 0', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const { run, workers, exited } = await runInForeground(t, home, port);
  run.kill('SIGHUP');
  // The old workers are parked for the rollback window (alive, unrouted); SIGINT drains them too.
  const serving = (s: StatusSnapshot) => s.apps[0]?.workers.filter((w) => w.state !== 'parked') ?? [];
  const reloaded = await home.waitForStatus((s) => s.apps[0]?.revision === 2 && serving(s).length === 2 && serving(s).every((w) => w.state === 'ready' && w.revision === 2));
  const fresh = serving(reloaded).map((w) => w.pid!);
  t.same(fresh.filter((pid) => workers.includes(pid)), [], 'SIGHUP: revision 2 with new pids');
  t.same(reloaded.apps[0]!.workers.filter((w) => w.state === 'parked').map((w) => w.pid).sort(), [...workers].sort(), 'the old workers parked');
  t.equal(reloaded.daemon.pid, run.pid, 'the same supervisor');

  run.kill('SIGINT');
  t.equal(await bounded(exited, 20_000, 'exit after SIGINT'), 0, 'SIGINT: exit code 0');
  t.ok(await waitGone([...fresh, ...workers], 5000), 'no worker left, the parked ones included');
  t.ok(await portFree(port), 'the port is free');
});

t.test('hotctl run under keep-alive load: SIGTERM drains and exits 0', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const { run, workers, exited } = await runInForeground(t, home, port);
  const { value: code, load } = await underLoad({ port, connections: 16, maxSeconds: 60 }, async () => {
    run.kill('SIGTERM');
    return bounded(exited, 20_000, 'exit after SIGTERM');
  });
  t.comment(`under load: ${load.requests} requests, ${load.ok} answered 2xx before the stop (the rest met a closed port, as they must)`);
  t.equal(code, 0, 'exit code 0');
  t.ok(load.ok > 0, 'it was serving');
  t.ok(await waitGone(workers, 5000), 'every worker exited');
  t.ok(await portFree(port), 'the port is free');
});

t.test('hotctl run killed with -9 under load: its workers exit by themselves, no orphan', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const { run, workers, exited } = await runInForeground(t, home, port);
  const { load } = await underLoad({ port, connections: 16, maxSeconds: 60 }, async () => {
    run.kill('SIGKILL');
    await bounded(exited, 10_000, 'the run process dying');
    t.ok(await waitGone(workers, 10_000), `every worker (${workers.join(', ')}) exited once its primary was gone`);
  });
  t.comment(`under load: ${load.requests} requests, ${load.ok} answered before the kill`);
  t.same(workers.filter(isAlive), [], 'no orphan left');
  t.ok(await portFree(port), 'the port is free');
});

t.test('hotctl run started again on the same home after kill -9 (systemd Restart=on-failure) serves the file', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const first = await runInForeground(t, home, port);
  first.run.kill('SIGKILL');
  await bounded(first.exited, 10_000, 'the run process dying');
  t.ok(await waitGone(first.workers, 10_000), 'the first run\'s workers exited');

  // Meanwhile a CLI command must not restore those apps in a background daemon of its own: that
  // daemon would hold the directory, and the service manager's restart of `hotctl run` be refused.
  const asked = await home.run(['status']);
  t.equal(asked.code, 0, 'status exits 0');
  t.match(asked.stdout, /No daemon running/, 'status starts no daemon for the apps of a dead `hotctl run`');
  t.match(asked.stderr + asked.stdout, /last run by `hotctl run` in the foreground/, 'and says who runs them');
  t.equal(home.daemonPid() === null || !isAlive(home.daemonPid()!), true, 'no daemon runs');

  // Its state restores the app; the same file is then applied over it, not started a second time.
  const second = await runInForeground(t, home, port);
  const status = await home.status();
  t.equal(status.apps.length, 1, 'one app, not a refused second start');
  t.equal(status.apps[0]!.revision, 1, 'the unchanged file resumes revision 1');
  t.equal(await portFree(port), false, 'it serves');
  second.run.kill('SIGKILL');
  await bounded(second.exited, 10_000, 'the second run process dying');
  await waitGone(second.workers, 10_000);

  // A file changed while it was down is applied: here a scale to 3 workers.
  const third = await runInForeground(t, home, port, 3);
  const scaled = await home.status();
  t.equal(scaled.apps[0]!.workers.length, 3, 'the changed file is applied: 3 workers');
  t.equal(isAlive(third.run.pid!), true, 'and the supervisor keeps running');
  third.run.kill('SIGTERM');
  t.equal(await bounded(third.exited, 20_000, 'exit after SIGTERM'), 0, 'SIGTERM: exit code 0');
});
