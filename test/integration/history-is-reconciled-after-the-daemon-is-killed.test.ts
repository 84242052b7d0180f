import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, Home, waitGone, writeEcosystem } from '../helpers/harness.js';

type History = { active: number; revisions: Array<{ number: number; outcome: string; error?: { code: string; message: string } }> };

async function history(home: Home): Promise<History> {
  const r = await home.run(['history', 'api', '--json']);
  return JSON.parse(r.stdout) as History;
}

/** kill -9 of the daemon; true once it and its workers are gone. */
async function killDaemon(home: Home): Promise<boolean> {
  const status = await home.status();
  const daemon = home.daemonPid()!;
  process.kill(daemon, 'SIGKILL');
  return waitGone([daemon, ...status.apps.flatMap((a) => a.workers.map((w) => w.pid!))], 15_000);
}

t.test('a reload cut short by kill -9 is failed on restore, not pending forever', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'wait-ready.cjs', 'server.cjs');
  const file = writeEcosystem(home, [{ name: 'api', script, env: { PORT: port }, listen_timeout: 120_000, wait_ready: true, reload_hold: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  // Revision 2 never says ready: the reload waits, and the daemon dies meanwhile.
  deployFixture(dir, 'never-ready.cjs', 'server.cjs');
  home.spawnCli(['reload', 'api']);
  await events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'reload' && e.operation.state === 'awaiting_ready', 30_000);
  t.equal((await history(home)).revisions.find((r) => r.number === 2)?.outcome, 'pending', 'revision 2 is pending while the reload waits');
  events.close();
  t.ok(await killDaemon(home), 'kill -9: the daemon and its workers are gone');

  deployFixture(dir, 'wait-ready.cjs', 'server.cjs');
  await home.waitForStatus((s) => s.apps.some((a) => a.name === 'api' && a.status === 'online'));
  const after = await history(home);
  t.equal(after.active, 1, 'revision 1 is restored');
  const r2 = after.revisions.find((r) => r.number === 2)!;
  t.equal(r2.outcome, 'failed', 'revision 2 is failed');
  t.equal(r2.error?.code, 'E_DAEMON_DIED', 'with the cause');
  t.match(r2.error?.message ?? '', /interrupted: the daemon died/);
  t.equal((await home.run(['reload', 'api'])).code, 0, 'and the app reloads again');
});

t.test('a canary held when the daemon is killed -9 is rolled back on restore', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, reload_hold: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  t.equal((await home.run(['reload', 'api'])).code, 0, 'revision 2');
  t.equal((await home.run(['reload', 'api', '--canary', '1'])).code, 0, 'revision 3 as a canary');
  t.equal((await history(home)).revisions.find((r) => r.number === 3)?.outcome, 'canary');
  t.ok(await killDaemon(home), 'kill -9: the daemon and its workers are gone');

  const status = await home.waitForStatus((s) => s.apps.some((a) => a.name === 'api' && a.status === 'online'));
  t.equal(status.apps[0]!.canary, null, 'no canary runs');
  const after = await history(home);
  t.equal(after.active, 2);
  const r3 = after.revisions.find((r) => r.number === 3)!;
  t.equal(r3.outcome, 'rolled_back', 'the canary revision is rolled back');
  t.equal(r3.error?.code, 'E_DAEMON_DIED', 'with the cause');
  const rollback = await home.run(['rollback', 'api', '--json']);
  t.equal(rollback.code, 0, `rollback finds revision 1, the last good one: ${rollback.stderr}`);
  t.equal((await history(home)).active, 4, 'a new revision made from revision 1');
});
