import t from 'tap';
import { join } from 'node:path';
import { freePort, Home, isAlive, ROOT, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

// A new daemon that fails (here a broken build that crashes once it holds the sockets) leaves the
// old daemon serving, unchanged; `hotctl update` fails with E_UPDATE_FAILED and the cause.
t.test('update to a daemon that crashes: E_UPDATE_FAILED with the cause, the old daemon keeps serving', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const before = await home.status();
  const { value: result, load } = await underLoad({ port, connections: 8, close: true }, () =>
    home.run(['update', '--force'], { timeoutMs: 120_000, env: { HOTCTL_TEST_DAEMON_ENTRY: join(ROOT, 'test', 'fixtures', 'broken-daemon.cjs') } }),
  );
  t.not(result.code, 0, 'update failed');
  t.match(result.stderr, /E_UPDATE_FAILED/, 'with the stable code');
  t.match(result.stderr, /exited with code 70/, 'and the cause');
  t.comment(`requests: ${load.requests}, failed: ${load.failed}`);
  t.equal(load.failed, 0, 'no request failed meanwhile');
  const after = await home.status();
  t.equal(after.daemon.pid, before.daemon.pid, 'the same daemon serves');
  t.ok(isAlive(before.daemon.pid));
  t.equal(home.daemonPid(), before.daemon.pid, 'it still holds the pid lock');
  const pids = (s: typeof before) => s.apps[0]!.workers.map((w) => w.pid);
  t.same(pids(after), pids(before), 'the same workers');
  const served = await fetch(`http://127.0.0.1:${port}/`);
  t.equal(served.status, 200, 'the app still answers');
});
