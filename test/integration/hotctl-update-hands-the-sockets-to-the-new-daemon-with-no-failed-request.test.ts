import t from 'tap';
import { freePort, Home, isAlive, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

// `hotctl update --force` (same version: a patched build) under load: the old daemon hands its
// listening socket to the new one, which readies its own workers on the same revision before the
// old one stops accepting and drains. No request fails, no connection is refused.
for (const close of [true, false]) {
  t.test(`update --force under ${close ? 'Connection: close' : 'keep-alive'} load: 0 failed requests, same revision, new daemon and workers`, async (t) => {
    const home = new Home(t);
    const port = await freePort();
    const file = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
    t.equal((await home.run(['start', file])).code, 0);
    const before = await home.status();
    const oldPid = before.daemon.pid;
    const { value: result, load } = await underLoad({ port, connections: 16, close }, () => home.run(['update', '--force'], { timeoutMs: 120_000 }));
    t.equal(result.code, 0, `update succeeded: ${result.stdout}${result.stderr}`);
    t.match(result.stdout, /without downtime: 1 listening socket/);
    t.comment(`requests: ${load.requests}, failed: ${load.failed} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
    t.ok(load.requests > 100, 'the load really ran');
    t.equal(load.errors, 0, 'no refused or reset connection');
    t.equal(load.failed, 0, 'zero failed requests');
    const after = await home.status();
    t.not(after.daemon.pid, oldPid, 'another daemon serves');
    t.notOk(isAlive(oldPid), 'the old daemon is gone');
    t.equal(home.daemonPid(), after.daemon.pid, 'the new daemon holds the pid lock');
    const app = (s: typeof before) => s.apps.find((a) => a.name === 'web')!;
    t.equal(app(after).revision, app(before).revision, 'the same active revision');
    t.same(app(after).workers.map((w) => w.revision), app(before).workers.map((w) => w.revision), 'the workers run the same revision');
    const oldWorkers = new Set(app(before).workers.map((w) => w.pid));
    t.ok(app(after).workers.every((w) => w.pid !== null && !oldWorkers.has(w.pid)), 'every worker is new');
    t.ok([...oldWorkers].every((pid) => pid === null || !isAlive(pid)), 'the old workers are gone');
    t.ok(app(after).workers.every((w) => w.state === 'ready'), 'every worker is ready');
  });
}
