import t from 'tap';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, ROOT, writeEcosystem } from '../helpers/harness.js';

/**
 * Issue 13: cron-parser and luxon (~0.5 MB of source) are loaded on the first cron expression
 * read, not at the daemon's start. Seen from inside the real daemon process by a preloaded probe
 * (test/fixtures/record-node-modules-loaded.cjs) that records every node_modules file it compiles.
 */
t.test('a daemon running a 2-worker app without cron_restart has not loaded cron-parser; the first cron app loads it', async (t) => {
  const home = new Home(t);
  const probeOut = join(home.dir, 'probe');
  mkdirSync(probeOut);
  const env = {
    NODE_OPTIONS: `--require ${join(ROOT, 'test', 'fixtures', 'record-node-modules-loaded.cjs')}`,
    HOTCTL_MODULE_PROBE_OUT: probeOut,
  };
  const port = await freePort();
  const web = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  const started = await home.run(['start', web], { env });
  t.equal(started.code, 0, `start exits 0\n${started.stderr}`);
  const status = await home.status();
  t.same(status.apps[0]!.workers.map((w) => w.state), ['ready', 'ready']);
  const daemon = home.daemonPid()!;
  const recorded = () => readFileSync(join(probeOut, `${daemon}.txt`), 'utf8');
  t.match(recorded(), /^argv .*daemon/m, 'the probe runs inside the daemon');
  t.notMatch(recorded(), /node_modules[/\\](cron-parser|luxon)[/\\]/, 'neither cron-parser nor luxon is loaded');

  // The control: a cron app (once a year: it never fires here) makes the daemon load it.
  const job = writeEcosystem(home, [{ name: 'job', script: 'job-once.cjs', exec_mode: 'fork', autorestart: false, cron_restart: '0 0 1 1 *' }], 'job.json');
  const jobStarted = await home.run(['start', job], { env });
  t.equal(jobStarted.code, 0, `start job exits 0\n${jobStarted.stderr}`);
  t.match(recorded(), /node_modules[/\\]cron-parser[/\\]/, 'the first cron expression loads cron-parser');
  t.match(recorded(), /node_modules[/\\]luxon[/\\]/, 'and luxon with it');
});
