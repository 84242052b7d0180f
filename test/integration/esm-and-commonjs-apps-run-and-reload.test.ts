import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, Home, lastOperation, servingPids, writeEcosystem } from '../helpers/harness.js';

t.test('an ESM app and a CommonJS app both run and reload', async (t) => {
  const home = new Home(t);
  const [esmPort, cjsPort] = [await freePort(), await freePort()];
  const file = writeEcosystem(home, [
    { name: 'esm', script: 'esm-app.mjs', instances: 2, env: { PORT: esmPort }, reload_hold: 100 },
    { name: 'cjs', script: 'http-app.cjs', instances: 2, env: { PORT: cjsPort }, reload_hold: 100 },
  ]);
  t.equal((await home.run(['start', file])).code, 0);
  for (const name of ['esm', 'cjs']) {
    const r = await home.run(['reload', name]);
    t.equal(r.code, 0, `${name} reloads: ${r.stderr}`);
  }
  const status = await home.status();
  for (const [name, port] of [['esm', esmPort], ['cjs', cjsPort]] as const) {
    const app = status.apps.find((a) => a.name === name)!;
    t.equal(app.revision, 2);
    t.same(app.workers.map((w) => w.state), ['parked', 'parked', 'ready', 'ready'], 'revision 1 parked, revision 2 serving');
    const serving = app.workers.filter((w) => w.state === 'ready');
    t.same([...(await servingPids(port, 2))].sort(), serving.map((w) => w.pid).sort(), `${name} serves from revision 2`);
  }
});

t.test('an ESM entry whose top-level await rejects fails like any broken version, never shown as serving', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'esm-app.mjs', 'server.mjs');
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'esm', script, instances: 2, env: { PORT: port } }])])).code, 0);
  const oldPids = (await home.status()).apps[0]!.workers.map((w) => w.pid).sort();
  const events = await home.events();
  t.teardown(() => events.close());

  deployFixture(dir, 'esm-tla-reject.mjs', 'server.mjs');
  const r = await home.run(['reload', 'esm', '--json']);
  t.equal(r.code, 1);
  t.equal(lastOperation(r.stdout)?.error?.details?.cause, 'E_WORKER_EXITED');
  const newWorkerStates = events.events.filter((e) => e.kind === 'worker' && e.revision === 2).map((e) => (e.kind === 'worker' ? e.to : ''));
  t.notOk(newWorkerStates.includes('ready'), 'no worker of the broken revision was ever ready');
  const app = (await home.status()).apps[0]!;
  t.equal(app.revision, 1);
  t.same(app.workers.map((w) => w.pid).sort(), oldPids);
});
