/**
 * An app's env is the environment of the CLI that started it, with the file's env over it:
 * never the daemon's own (which is the environment of whichever shell started the daemon), and
 * never a hotctl setting such as HOTCTL_HTTP_TOKEN. Read from /proc/<pid>/environ of each worker.
 */
import t from 'tap';
import { RUNTIME_ENV } from '../../src/protocol/index.js';
import { spawn } from 'node:child_process';
import { BIN, freePort, Home, isAlive, waitGone, writeEcosystem, environOf } from '../helpers/harness.js';

function hotctlSettings(env: Record<string, string>): string[] {
  // Only what the runtime sets on purpose (src/protocol/worker-ipc.ts), never a setting of the shell's.
  const allowed = new Set<string>(Object.values(RUNTIME_ENV));
  return Object.keys(env).filter((k) => k.startsWith('HOTCTL_') && !allowed.has(k));
}

async function workerEnvs(home: Home, app: string): Promise<Array<Record<string, string>>> {
  const status = await home.waitForStatus((s) => s.apps.some((a) => a.name === app && a.status === 'online'));
  // The serving workers (a reload parks the previous ones for the rollback window).
  return status.apps.find((a) => a.name === app)!.workers.filter((w) => w.state !== 'parked').map((w) => environOf(w.pid!));
}

const skip = process.platform !== 'linux' ? 'reads /proc/<pid>/environ (Linux only)' : false;

t.test('two starts from two shells: each app has its own shell env; no token, no other shell secret, nothing of the daemon', { skip }, async (t) => {
  // The shell env of the test runner is under both; the two shells differ in what is set on top.
  const home = new Home(t, { HOTCTL_HTTP_TOKEN: undefined });
  const [portA, portB] = [await freePort(), await freePort()];
  const a = writeEcosystem(home, [{ name: 'a', script: 'http-app.cjs', instances: 2, env: { PORT: portA }, reload_hold: 100 }], 'a.json');
  const b = writeEcosystem(home, [{ name: 'b', script: 'http-app.cjs', instances: 2, env: { PORT: portB, FROM_FILE: 'file' }, reload_hold: 100 }], 'b.json');
  // The first start also starts the daemon: its process env holds S and the token.
  const first = await home.run(['start', a], { env: { S: 'secret', HOTCTL_HTTP_TOKEN: 'tok-123', PORT: '9999' } });
  t.equal(first.code, 0, first.stderr);
  t.equal(environOf(home.daemonPid()!).S, 'secret', "the daemon's own env holds the first shell's secret (what must not leak)");
  const second = await home.run(['start', b], { env: { S: undefined, HOTCTL_HTTP_TOKEN: undefined, DATABASE_URL: 'postgres://second' } });
  t.equal(second.code, 0, second.stderr);

  const envsA = await workerEnvs(home, 'a');
  const envsB = await workerEnvs(home, 'b');
  t.equal(envsA.length + envsB.length, 4, 'four workers read');
  for (const env of envsA) {
    t.equal(env.S, 'secret', "a: its own shell's S");
    t.equal(env.PORT, String(portA), "a: the file's PORT over the shell's");
    t.equal(env.DATABASE_URL, undefined, 'a: nothing of the later shell');
    t.same(hotctlSettings(env), [], 'a: no hotctl setting (HOTCTL_HTTP_TOKEN, HOTCTL_HOME, …)');
    t.equal(env.NODE_APP_INSTANCE !== undefined && env.HOTCTL_APP, 'a');
  }
  for (const env of envsB) {
    t.equal(env.S, undefined, "b: not the first shell's secret");
    t.equal(env.DATABASE_URL, 'postgres://second', "b: its own shell's DATABASE_URL");
    t.equal(env.FROM_FILE, 'file');
    t.equal(env.PORT, String(portB), "b: not the first shell's PORT");
    t.same(hotctlSettings(env), [], 'b: no hotctl setting');
  }

  // `start a.json` again from another shell: a runs, unchanged; it keeps the env it was started with.
  const again = await home.run(['start', a], { env: { S: 'other', NEW_VAR: 'n' } });
  t.equal(again.code, 0, again.stderr);
  t.equal((await workerEnvs(home, 'a'))[0]!.S, 'secret', 'without --update-env a running app keeps its env');
  const updated = await home.run(['reload', a, '--update-env'], { env: { S: 'rotated' } });
  t.equal(updated.code, 0, updated.stderr);
  const envsA2 = await workerEnvs(home, 'a');
  t.same(envsA2.map((e) => e.S), ['rotated', 'rotated'], 'reload <file> --update-env: the new shell env');
  t.same(envsA2.map((e) => e.PORT), [String(portA), String(portA)], "the file's env still wins");

  // kill -9: the next daemon restores each app with the env captured at its start, from state.json.
  const daemon = home.daemonPid()!;
  process.kill(daemon, 'SIGKILL');
  t.ok(await waitGone([daemon], 10_000), 'the daemon is gone');
  await home.run(['status'], { env: { S: 'third-shell', THIRD: '3' } });
  await home.waitForStatus((s) => s.apps.length === 2 && s.apps.every((app) => app.status === 'online' && app.workers.every((w) => w.state === 'ready')), 30_000);
  const restoredB = await workerEnvs(home, 'b');
  const restoredA = await workerEnvs(home, 'a');
  for (const env of restoredB) {
    t.equal(env.DATABASE_URL, 'postgres://second', 'restored b: its captured DATABASE_URL');
    t.equal(env.S, undefined, "restored b: not the restarting shell's S");
    t.equal(env.THIRD, undefined);
    t.same(hotctlSettings(env), []);
  }
  t.same(restoredA.map((e) => e.S), ['rotated', 'rotated'], 'restored a: the env of its last --update-env');

  // reload <name> --update-env: this shell's variables over the deployed env, HOTCTL_* still out.
  const byName = await home.run(['reload', 'b', '--update-env'], { env: { DATABASE_URL: 'postgres://fourth', HOTCTL_HTTP_TOKEN: 'tok-4' } });
  t.equal(byName.code, 0, byName.stderr);
  for (const env of await workerEnvs(home, 'b')) {
    t.equal(env.DATABASE_URL, 'postgres://fourth', 'reload b --update-env: the new shell value');
    t.equal(env.FROM_FILE, 'file', 'the deployed env is kept where the shell does not set it');
    t.same(hotctlSettings(env), [], 'still no hotctl setting');
  }
});

t.test('hotctl run: the shell is the supervisor, its env the apps\'; no hotctl setting reaches them', { skip }, async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  const run = spawn(process.execPath, [BIN, 'run', file], { env: { ...home.env, RUN_SECRET: 'in-the-shell', HOTCTL_HTTP_TOKEN: 'tok-run' }, stdio: 'ignore' });
  t.teardown(() => void run.kill('SIGKILL'));
  const status = await home.waitForRunStatus((s) => s.daemon?.pid === run.pid && s.apps[0]?.status === 'online' && s.apps[0].workers.every((w) => w.state === 'ready'));
  const pids = status.apps[0]!.workers.map((w) => w.pid!);
  t.teardown(() => pids.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL')));
  t.equal(environOf(run.pid!).HOTCTL_HTTP_TOKEN, 'tok-run', 'the supervisor itself holds the token');
  for (const pid of pids) {
    const env = environOf(pid);
    t.equal(env.RUN_SECRET, 'in-the-shell', "the shell's env is the app's");
    t.equal(env.HOTCTL_HOME, undefined);
    t.same(hotctlSettings(env), [], 'no HOTCTL_HTTP_TOKEN nor any hotctl setting');
  }
});
