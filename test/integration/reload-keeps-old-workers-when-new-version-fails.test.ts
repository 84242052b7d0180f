import t from 'tap';
import { join } from 'node:path';
import { deployFixture, freePort, Home, lastOperation, servingPids, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

/**
 * An operator deploys new files and runs `hotctl reload api`. When the new version cannot
 * start, the reload fails with the cause and the new worker's stderr, and the old workers keep
 * serving — untouched, with zero failed requests.
 */
const cases = [
  { title: 'throws at start-up', fixture: 'throws-at-boot.cjs', cause: 'E_WORKER_EXITED', stderr: /kaboom at load/ },
  { title: 'never becomes ready', fixture: 'never-ready.cjs', cause: 'E_READY_TIMEOUT', stderr: null },
  { title: 'exits right after ready (within reload_hold)', fixture: 'exits-after-ready.cjs', cause: 'E_WORKER_EXITED', stderr: null },
] as const;

for (const c of cases) {
  t.test(`a new version that ${c.title}: reload fails with the cause, old pids keep serving`, async (t) => {
    const home = new Home(t);
    const port = await freePort();
    const appDir = join(home.dir, 'app');
    // Under wait_ready, v1 must signal ready itself: wait-ready.cjs does.
    const script = deployFixture(appDir, c.fixture === 'never-ready.cjs' ? 'wait-ready.cjs' : 'http-app.cjs', 'server.cjs');
    // rollback_window 0: the fail-safe of reload_hold (a crash after ready within the rollback window: a-new-version-that-crashes-…test.ts).
    const file = writeEcosystem(home, [
      { name: 'api', script, instances: 2, env: { PORT: port }, listen_timeout: 2000, reload_hold: 1500, rollback_window: 0, wait_ready: c.fixture === 'never-ready.cjs' ? true : false },
    ]);
    t.equal((await home.run(['start', file])).code, 0);
    const before = (await home.status()).apps[0]!;
    const oldPids = before.workers.map((w) => w.pid).sort();

    deployFixture(appDir, c.fixture, 'server.cjs');
    const { value: reload, load } = await underLoad({ port, connections: 24 }, () => home.run(['reload', 'api', '--json']));
    t.equal(reload.code, 1, 'the reload command fails (exit 1)');
    const op = lastOperation(reload.stdout);
    t.equal(op?.state, 'failed');
    t.equal(op?.error?.code, 'E_RELOAD_FAILED');
    t.equal(op?.error?.details?.cause, c.cause);
    if (c.stderr) t.match((op?.error?.details?.stderr as string[]).join('\n'), c.stderr, "the new worker's stderr is reported");
    t.equal(load.failed, 0, `zero failed requests (${load.requests} sent)`);

    const after = (await home.status()).apps[0]!;
    t.equal(after.revision, 1, 'revision 1 stays active');
    t.equal(after.status, 'online');
    t.same(after.workers.map((w) => w.pid).sort(), oldPids, 'the old workers are untouched');
    t.same([...(await servingPids(port, 2))].sort(), oldPids, 'and they serve');
  });
}
