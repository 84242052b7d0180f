import t from 'tap';
import { freePort, Home, servingPids, waitGone, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

/**
 * Issue 11, item 3: after a reload the previous generation is parked (alive, unrouted) for
 * rollback_window; `hotctl rollback` within it routes traffic back to those same processes — no
 * fork, the pids of before the reload — and drains the new ones. Under a small bounded load of
 * kept-alive and `Connection: close` requests, none fails.
 */
t.test('reload parks the old workers; rollback within the window makes the same pids serve again, 0 failed requests', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const app = (message: string) => [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port, MESSAGE: message }, rollback_window: '2m' }];
  t.equal((await home.run(['start', writeEcosystem(home, app('one'))])).code, 0);
  const oldPids = (await home.status()).apps[0]!.workers.map((w) => w.pid!).sort();

  const steps = async (): Promise<void> => {
    const reload = await home.run(['reload', writeEcosystem(home, app('two'))]);
    t.equal(reload.code, 0, 'the reload succeeds');
    const parked = (await home.status()).apps[0]!;
    t.same(parked.workers.filter((w) => w.state === 'parked').map((w) => w.pid).sort(), oldPids, 'the old workers are parked, alive');
    t.equal(parked.parked?.revision, 1, 'status names the parked revision');
    t.equal(parked.status, 'online', 'parked workers do not make the app degraded');
    const newPids = parked.workers.filter((w) => w.state === 'ready').map((w) => w.pid!);
    t.equal(newPids.length, 2);
    t.ok([...(await servingPids(port, 2))].every((p) => newPids.includes(p)), 'only the new workers get requests');

    const rollback = await home.run(['rollback', 'api']);
    t.equal(rollback.code, 0, `the rollback succeeds: ${rollback.stderr}`);
    const back = (await home.status()).apps[0]!;
    t.same(back.workers.filter((w) => w.state === 'ready').map((w) => w.pid).sort(), oldPids, 'the same pids as before the reload serve again');
    t.equal(back.revision, 1);
    t.same([...(await servingPids(port, 2))].sort(), oldPids, 'and they answer the requests');
    t.ok(await waitGone(newPids, 30_000), 'the new workers drained and exited');
  };

  const { value: keepAlive, load: close } = await underLoad({ port, connections: 4, close: true, maxSeconds: 60 }, async () => (await underLoad({ port, connections: 4, maxSeconds: 60 }, steps)).load);
  t.equal(keepAlive.failed, 0, `keep-alive: 0 failed of ${keepAlive.requests}`);
  t.equal(close.failed, 0, `Connection: close: 0 failed of ${close.requests}`);
  t.ok(keepAlive.requests > 0 && close.requests > 0, 'both loads ran');
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as { active: number; revisions: Array<{ number: number; outcome: string }> };
  t.same(history.revisions.map((r) => [r.number, r.outcome]), [[1, 'active'], [2, 'rolled_back']], 'no new revision: revision 1 is active again');
});
