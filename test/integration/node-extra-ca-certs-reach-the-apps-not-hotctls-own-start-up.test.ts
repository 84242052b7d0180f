/**
 * bin/hotctl starts the CLI's Node without NODE_EXTRA_CA_CERTS (Node 20 parses every root CA at
 * start-up when it is set: bin/hotctl says why), and the daemon starts without it too; the apps
 * still get the user's value, unchanged, as every other variable of the shell. Read from
 * /proc/<pid>/environ: a process' environment as it was exec'd, which is what Node read at start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { freePort, Home, ROOT, writeEcosystem, environOf } from '../helpers/harness.js';

const skip = process.platform !== 'linux' ? 'reads /proc/<pid>/environ (Linux only)' : false;
const CA = join(ROOT, 'test', 'fixtures', 'traffic', 'cert.pem');

t.test('NODE_EXTRA_CA_CERTS: not in the CLI\'s nor the daemon\'s Node, in every app as the shell set it', { skip }, async (t) => {
  const home = new Home(t);
  const [portA, portB] = [await freePort(), await freePort()];
  const a = writeEcosystem(home, [{ name: 'a', script: 'http-app.cjs', instances: 2, env: { PORT: portA } }], 'a.json');
  const b = writeEcosystem(home, [{ name: 'b', script: 'http-app.cjs', instances: 1, env: { PORT: portB } }], 'b.json');
  const started = await home.run(['start', a], { env: { NODE_EXTRA_CA_CERTS: CA } });
  t.equal(started.code, 0, started.stderr);
  t.notMatch(started.stderr, /extra certs/i, 'no warning about the certificates');

  const daemon = environOf(home.daemonPid()!);
  t.equal(daemon.NODE_EXTRA_CA_CERTS, undefined, "the daemon's Node started without it");
  t.equal(daemon.HOTCTL_NODE_EXTRA_CA_CERTS, undefined, 'nor with the launcher\'s carrier variable');

  // A CLI that stays (logs -f): its Node, once sh has exec'd it, started without the variable.
  const follower = home.spawnCli(['logs', 'a', '-f'], { NODE_EXTRA_CA_CERTS: CA });
  let cli: Record<string, string> = {};
  for (let i = 0; i < 500; i++) {
    const argv0 = readFileSync(`/proc/${follower.pid}/cmdline`, 'utf8').split('\0')[0]!;
    if (!/(^|\/)(sh|dash|bash)$/.test(argv0)) {
      cli = environOf(follower.pid!);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.equal(cli.NODE_EXTRA_CA_CERTS, undefined, "the CLI's Node started without it");
  t.equal(cli.HOTCTL_NODE_EXTRA_CA_CERTS, CA, 'its value carried for the CLI to put back');
  follower.kill('SIGTERM');

  const status = await home.waitForStatus((s) => s.apps.some((app) => app.name === 'a' && app.status === 'online'));
  const workers = status.apps.find((app) => app.name === 'a')!.workers;
  t.equal(workers.length, 2);
  for (const w of workers) {
    const env = environOf(w.pid!);
    t.equal(env.NODE_EXTRA_CA_CERTS, CA, `worker ${w.pid}: the shell's value`);
    t.equal(env.HOTCTL_NODE_EXTRA_CA_CERTS, undefined, `worker ${w.pid}: no carrier variable`);
  }

  // Set but empty is still the user's value (and still makes Node 20 parse the bundled CAs).
  const second = await home.run(['start', b], { env: { NODE_EXTRA_CA_CERTS: '' } });
  t.equal(second.code, 0, second.stderr);
  const after = await home.waitForStatus((s) => s.apps.some((app) => app.name === 'b' && app.status === 'online'));
  t.equal(environOf(after.apps.find((app) => app.name === 'b')!.workers[0]!.pid!).NODE_EXTRA_CA_CERTS, '', 'an empty value reaches the app empty');
});
