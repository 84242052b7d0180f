import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, Home, servingPids, writeEcosystem } from '../helpers/harness.js';

/**
 * Issue 11, item 3: the safety the post-ready hold gave now lives in the rollback window. A new
 * version that is ready, then crashes a second later, makes the reload succeed (traffic moved
 * at once) — and then the parked old workers serve again by themselves, the same pids; the
 * revision history says why.
 */
t.test('a new version that crashes 1 s after ready: the old pids serve again by themselves, the revision says why', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'http-app.cjs', 'server.cjs');
  const file = writeEcosystem(home, [{ name: 'api', script, instances: 2, env: { PORT: port, EXIT_AFTER_MS: '1000' }, rollback_window: '2m' }]);
  t.equal((await home.run(['start', file])).code, 0);
  const oldPids = (await home.status()).apps[0]!.workers.map((w) => w.pid!).sort();
  const events = await home.events();
  t.teardown(() => events.close());

  deployFixture(dir, 'exits-after-ready.cjs', 'server.cjs');
  const reload = await home.run(['reload', 'api']);
  t.equal(reload.code, 0, 'the reload succeeds: every new worker was ready');
  const rollback = await events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'rollback' && e.operation.state === 'succeeded', 60_000);
  t.match(rollback.kind === 'operation' && rollback.operation.steps[0]?.message, /crashed .*within the rollback window/, 'hotctl rolled back by itself, saying why');

  const after = (await home.status()).apps[0]!;
  t.equal(after.revision, 1, 'revision 1 is active again');
  t.same(after.workers.filter((w) => w.state === 'ready').map((w) => w.pid).sort(), oldPids, 'the same old pids serve');
  t.same([...(await servingPids(port, 2))].sort(), oldPids, 'and answer requests');
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as { revisions: Array<{ number: number; outcome: string; error?: { code: string; message: string } }> };
  const r2 = history.revisions.find((r) => r.number === 2);
  t.equal(r2?.outcome, 'rolled_back');
  t.equal(r2?.error?.code, 'E_RELOAD_FAILED');
  t.match(r2?.error?.message, /within the rollback window/);
});
