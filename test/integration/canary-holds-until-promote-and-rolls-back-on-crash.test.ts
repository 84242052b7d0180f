import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/** Asks fresh connections until both revisions answered (round-robin spreads them), bounded. */
async function revisionsServing(port: number, max = 200): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < max && seen.size < 2; i++) seen.add(String((await get(port)).json.revision));
  return seen;
}

t.test('a canary holds with both revisions serving until promote', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 3, env: { PORT: port }, reload_hold: 100 }])])).code, 0);
  t.equal((await home.run(['reload', 'api', '--canary', '1'])).code, 0);
  const held = (await home.status()).apps[0]!;
  t.equal(held.status, 'canary');
  t.same(held.canary && [held.canary.revision, held.canary.workers], [2, 1]);
  t.equal(held.revision, 1, 'revision 1 stays active during the canary');
  t.same(held.workers.map((w) => w.revision).sort(), [1, 1, 1, 2], 'the canary runs beside the old workers');
  t.same([...(await revisionsServing(port))].sort(), ['1', '2'], 'both revisions serve');
  t.equal((await home.run(['reload', 'api'])).code, 4, 'another reload is refused while the canary holds');

  t.equal((await home.run(['promote', 'api'])).code, 0);
  const done = (await home.status()).apps[0]!;
  t.equal(done.status, 'online');
  t.equal(done.revision, 2);
  t.same(done.workers.filter((w) => w.state !== 'parked').map((w) => w.revision), [2, 2, 2]);
  t.same(done.workers.filter((w) => w.state === 'parked').map((w) => w.revision), [1, 1, 1], 'the old generation is parked for the rollback window');
  t.equal(done.canary, null);
});

t.test('a canary worker that crashes rolls the canary back by itself', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'http-app.cjs', 'server.cjs');
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script, instances: 2, env: { PORT: port, EXIT_AFTER_MS: 1500 }, reload_hold: 300 }])])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  // The new version is ready and stable for a while, then crashes.
  deployFixture(dir, 'exits-after-ready.cjs', 'server.cjs');
  t.equal((await home.run(['reload', 'api', '--canary', '1'])).code, 0, 'the canary starts');
  const rolledBack = await events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'rollback' && e.operation.state === 'succeeded', 20_000);
  t.ok(rolledBack);
  const app = (await home.status()).apps[0]!;
  t.equal(app.status, 'online');
  t.equal(app.canary, null);
  t.same(app.workers.map((w) => w.revision), [1, 1], 'only revision 1 serves');
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as { revisions: Array<{ number: number; outcome: string }> };
  t.equal(history.revisions.find((r) => r.number === 2)?.outcome, 'rolled_back');
});
