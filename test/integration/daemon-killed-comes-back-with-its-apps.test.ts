import t from 'tap';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, servingPids, waitGone, writeEcosystem } from '../helpers/harness.js';

t.test('state directory, socket and state file are private (0700/0600)', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port, SECRET: 's3cret' } }])])).code, 0);
  t.equal(statSync(home.dir).mode & 0o777, 0o700);
  t.equal(statSync(join(home.dir, 'daemon.sock')).mode & 0o777, 0o600);
  t.equal(statSync(join(home.dir, 'state.json')).mode & 0o777, 0o600, 'the state file holds env values');
});

t.test('a daemon killed with -9: its workers exit, and the next CLI call restores every app at its last revision', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port, MESSAGE: 'v2' }, reload_hold: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  t.equal((await home.run(['reload', 'api'])).code, 0);
  t.equal((await home.run(['stop', 'api'])).code, 0, 'stop, then start again: a stopped app is restored stopped');
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'other', script: 'http-app.cjs', env: { PORT: await freePort() } }], 'other.json')])).code, 0);
  t.equal((await home.run(['reload', file])).code, 0);
  const before = await home.status();
  const api = before.apps.find((a) => a.name === 'api')!;
  const daemon = home.daemonPid()!;
  const workers = before.apps.flatMap((a) => a.workers.map((w) => w.pid!));

  process.kill(daemon, 'SIGKILL');
  t.ok(await waitGone([daemon, ...workers], 10_000), 'the daemon and its workers are gone (no orphans)');

  const after = await home.status();
  t.not(after.daemon.pid, daemon, 'a new daemon');
  const restored = after.apps.find((a) => a.name === 'api')!;
  t.equal(restored.revision, api.revision, 'at its last revision');
  t.ok(restored.status === 'online' || restored.status === 'starting', `restored as ${restored.status}`);
  t.ok(after.apps.find((a) => a.name === 'other'), 'every app is back');
  await home.waitForStatus((s) => s.apps.every((a) => a.status === 'online'));
  const pids = await servingPids(port, 2);
  t.equal(pids.size, 2, 'and it serves');
});

t.test('a corrupt state file is reported and kept aside, never silently discarded', async (t) => {
  const home = new Home(t);
  writeFileSync(join(home.dir, 'state.json'), '{"apps": [ trunc');
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  const status = await home.status();
  t.equal(status.daemon.notices.length, 1, 'status carries the notice');
  t.match(status.daemon.notices[0], /state\.json\.corrupt-/);
});
