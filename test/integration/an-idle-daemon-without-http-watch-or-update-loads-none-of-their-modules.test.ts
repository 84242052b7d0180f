import t from 'tap';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, ROOT, writeEcosystem } from '../helpers/harness.js';

/**
 * Issue 13 (bench/RESULTS.md, section 16): what an idle daemon does not use loads when first
 * used — the HTTP listener (dashboard assets, its WebSocket feed) when it listens, the hand-off
 * for `hotctl update`, watch/ with the first app that watches. Seen from inside the real daemon
 * by a probe preloaded with --import (test/fixtures/record-es-modules-loaded.mjs): for the daemon
 * of dist/src/, a resolve hook; for the bundled daemon (dist/bundle/daemon.cjs, the default when
 * built), whose every module is in its one file, the call each module's code makes once it has
 * run: there "not loaded" means "not evaluated" (the source is in the file, parsed lazily).
 */
t.test('a daemon with the HTTP listener off and no watching app loads neither; the first watching app loads watch/', async (t) => {
  const home = new Home(t);
  const probeOut = join(home.dir, 'probe');
  mkdirSync(probeOut);
  const env = {
    NODE_OPTIONS: `--import ${join(ROOT, 'test', 'fixtures', 'record-es-modules-loaded.mjs')}`,
    HOTCTL_MODULE_PROBE_OUT: probeOut,
  };
  const web = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { PORT: await freePort() } }]);
  const started = await home.run(['start', web], { env });
  t.equal(started.code, 0, `start exits 0\n${started.stderr}`);
  const status = await home.status();
  t.same(status.apps[0]!.workers.map((w) => w.state), ['ready', 'ready']);
  const daemon = home.daemonPid()!;
  const recorded = () => readFileSync(join(probeOut, `${daemon}.esm.txt`), 'utf8');
  t.match(recorded(), /^argv .*daemon/m, 'the probe runs inside the daemon');
  const bundled = /^argv .*\/dist\/bundle\/daemon\.cjs/m.test(recorded());
  t.comment(bundled ? 'the bundled daemon: modules evaluated' : 'the daemon of dist/src/: modules resolved');
  if (bundled) t.notMatch(recorded(), /^module .*\/dist\/src\//m, 'the bundled daemon resolves no module of dist/src/');
  t.match(recorded(), /\/dist\/src\/daemon\/control-server\.js$/m, 'and sees its modules');
  for (const module of ['daemon/http-server', 'daemon/ws-feed', 'dashboard/assets', 'daemon/handoff/give', 'daemon/handoff/take', 'watch/app-watcher']) {
    t.notMatch(recorded(), new RegExp(`/dist/src/${module}\\.js$`, 'm'), `${module}.js is not loaded`);
  }

  // The control: an app that watches makes the daemon load watch/.
  const watched = join(home.dir, 'watched');
  mkdirSync(watched);
  const job = writeEcosystem(home, [{ name: 'job', script: 'job-once.cjs', exec_mode: 'fork', autorestart: false, cwd: watched, watch: true }], 'job.json');
  const jobStarted = await home.run(['start', job], { env });
  t.equal(jobStarted.code, 0, `start job exits 0\n${jobStarted.stderr}`);
  // watch/ loads in the turn after the app's spec changed: poll the record, bounded.
  const deadline = Date.now() + 30_000;
  while (!/\/dist\/src\/watch\/app-watcher\.js$/m.test(recorded()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  t.match(recorded(), /\/dist\/src\/watch\/app-watcher\.js$/m, 'the first watching app loads watch/');
});
