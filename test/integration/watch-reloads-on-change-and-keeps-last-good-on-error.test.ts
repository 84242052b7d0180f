import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployFixture, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

t.test('watch: an edited file is served by new workers; a syntax error leaves the old ones serving', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'http-app.cjs', 'server.cjs');
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  const file = writeEcosystem(home, [{ name: 'dev', script, cwd: dir, instances: 2, env: { PORT: port }, watch: true, watch_delay: 100, min_uptime: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const reloadEnded = (from: number) =>
    events.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'reload' && (e.operation.state === 'succeeded' || e.operation.state === 'failed'), 30_000, from);

  // A change inside node_modules is ignored: no reload follows it (checked with the next change).
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  const { value: ended, load } = await underLoad({ port, connections: 16 }, async () => {
    const from = events.events.length;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dev', version: '9.9.9', type: 'commonjs' }));
    return reloadEnded(from);
  });
  t.equal(ended.kind === 'operation' && ended.operation.state, 'succeeded', 'the change reloaded the app');
  t.equal(load.failed, 0, `zero failed requests (${load.requests} sent)`);
  t.equal((await get(port)).json.version, '9.9.9', 'new workers serve the new code');
  const reloads = events.events.filter((e) => e.kind === 'operation' && e.operation.kind === 'reload' && e.operation.state === 'succeeded');
  t.equal(reloads.length, 1, 'exactly one reload: the node_modules change did not trigger one');
  const good = (await home.status()).apps[0]!;

  const from = events.events.length;
  writeFileSync(script, 'this is not javascript (\n');
  const failed = await reloadEnded(from);
  t.equal(failed.kind === 'operation' && failed.operation.state, 'failed', 'the broken change fails its reload');
  const after = (await home.status()).apps[0]!;
  t.equal(after.revision, good.revision, 'the last good revision stays active');
  // (The generation parked by the good reload drained when the next reload started.)
  const serving = (app: typeof good) => app.workers.filter((w) => w.state === 'ready').map((w) => w.pid).sort();
  t.same(serving(after), serving(good), 'its workers keep serving');
  t.equal(after.last_operation?.state, 'failed', 'status shows the failure');
  t.equal((await get(port)).json.version, '9.9.9');
});
