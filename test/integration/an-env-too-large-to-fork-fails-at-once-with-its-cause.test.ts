import t from 'tap';
import { freePort, Home, lastOperation, servingPids, writeEcosystem } from '../helpers/harness.js';

/** Above Linux's limit for one env string (MAX_ARG_STRLEN, 128 KiB): execve fails with E2BIG. */
const TOO_BIG = 'x'.repeat(200 * 1024);

t.test('start with an env value too large for fork: fails at once with E_SPAWN_FAILED (cause E2BIG), one fork attempt per worker, no backoff loop', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // Another app first, so that the daemon runs and its events can be followed from the start.
  const other = writeEcosystem(home, [{ name: 'other', script: 'http-app.cjs', env: { PORT: await freePort() } }], 'other.json');
  t.equal((await home.run(['start', other])).code, 0);
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port, BIG: TOO_BIG } }]);
  const events = await home.events(['events']);
  t.teardown(() => events.close());
  const start = await home.run(['start', file, '--json']);
  t.equal(start.code, 1, 'the start fails (exit 1)');
  const op = lastOperation(start.stdout);
  t.equal(op?.state, 'failed');
  t.equal(op?.error?.code, 'E_SPAWN_FAILED');
  t.equal(op?.error?.details?.cause, 'E2BIG');
  t.match(op?.error?.message, /E2BIG.*the largest, BIG, 200 KiB/);

  const status = (await home.status()).apps.find((a) => a.name === 'api')!;
  t.equal(status.status, 'errored', 'the app is errored (terminal until the next reload), not in backoff');
  t.same(status.workers, [], 'a failed start leaves no worker behind');
  const forks = events.events.filter((e) => e.kind === 'worker' && e.app === 'api' && e.to === 'forking');
  t.equal(forks.length, 2, 'one fork attempt per worker, never retried');
  t.notOk(events.events.some((e) => e.kind === 'worker' && e.app === 'api' && e.to === 'backoff'), 'no backoff');
});

t.test('a reload with an env value too large for fork fails at once with E_SPAWN_FAILED; the old workers keep serving', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const oldPids = (await home.status()).apps[0]!.workers.map((w) => w.pid).sort();

  const bigFile = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port, BIG: TOO_BIG } }], 'big.json');
  const reload = await home.run(['reload', bigFile, '--json']);
  t.equal(reload.code, 1, 'the reload fails (exit 1)');
  const op = lastOperation(reload.stdout);
  t.equal(op?.error?.code, 'E_SPAWN_FAILED');
  t.equal(op?.error?.details?.cause, 'E2BIG');
  const after = (await home.status()).apps[0]!;
  t.equal(after.revision, 1, 'revision 1 stays active');
  t.same(after.workers.map((w) => w.pid).sort(), oldPids, 'the old workers are untouched');
  t.same([...(await servingPids(port, 2))].sort(), oldPids, 'and they serve');
});
