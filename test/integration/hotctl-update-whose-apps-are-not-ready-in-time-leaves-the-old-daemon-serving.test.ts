import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, freePort, Home, writeEcosystem } from '../helpers/harness.js';

// The new daemon starts, but its app's workers are not ready within --timeout: the old daemon
// ends it (and so its workers) and keeps serving; `hotctl update` fails with E_UPDATE_FAILED.
t.test('update whose new workers are not ready in time: E_UPDATE_FAILED, the old daemon serves, the new one is gone', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // The first workers listen at once; once the marker exists, new ones (the new daemon's) wait 8 s.
  const marker = join(home.dir, 'start-slowly');
  const file = writeEcosystem(home, [{ name: 'slow', script: 'slow-start.cjs', instances: 2, listen_timeout: 60_000, env: { PORT: port, START_DELAY_MS: 8000, START_DELAY_IF: marker } }]);
  t.equal((await home.run(['start', file], { timeoutMs: 120_000 })).code, 0);
  writeFileSync(marker, '');
  const before = await home.status();
  const oldWorkers = before.apps[0]!.workers.map((w) => w.pid);
  const result = await home.run(['update', '--force', '--timeout', '3'], { timeoutMs: 120_000 });
  t.not(result.code, 0, 'update failed');
  t.match(result.stderr, /E_UPDATE_FAILED/);
  t.match(result.stderr, /not done after 3000 ms/, 'the cause: the timeout');
  const after = await home.status();
  t.equal(after.daemon.pid, before.daemon.pid, 'the same daemon serves');
  t.same(after.apps[0]!.workers.map((w) => w.pid), oldWorkers, 'the same workers');
  t.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200, 'the app still answers');
  // The new daemon was its child: it and its workers end (bounded wait).
  const deadline = Date.now() + 30_000;
  let left = descendants(before.daemon.pid).filter((pid) => !oldWorkers.includes(pid));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = descendants(before.daemon.pid).filter((pid) => !oldWorkers.includes(pid));
  }
  t.same(left, [], 'no process of the new daemon is left');
  // The new daemon wrote no state: its stop of the app is not on disk.
  const state = JSON.parse(readFileSync(join(home.dir, 'state.json'), 'utf8')) as { apps: Array<{ name: string; running: boolean }> };
  t.same(state.apps.map((a) => [a.name, a.running]), [['slow', true]], 'the state on disk still runs the app');
});
