import t from 'tap';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, freePortRun, get, Home, ROOT } from '../helpers/harness.js';

/**
 * Copies a PM2 fixture file as it is — only its port number swapped for a free one — into
 * `<home>/ecosystems/`, beside `<home>/apps/` with the fixture apps, so that its relative paths
 * (`../apps/http-app.cjs`, `path.join(__dirname, '..', 'apps', …)`) resolve as in the repository.
 */
function deployPm2File(home: Home, fixture: string, fixedPort: number, port: number): string {
  const apps = join(home.dir, 'apps');
  const ecosystems = join(home.dir, 'ecosystems');
  mkdirSync(apps);
  mkdirSync(ecosystems);
  for (const app of ['http-app.cjs', 'queue-consumer.cjs', 'package.json']) copyFileSync(join(FIXTURES, app), join(apps, app));
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'ecosystems', fixture), 'utf8');
  const occurrences = text.split(String(fixedPort)).length - 1;
  if (occurrences !== 1) throw new Error(`${fixture}: expected port ${fixedPort} once, found it ${occurrences} times`);
  const file = join(ecosystems, fixture);
  writeFileSync(file, text.replace(String(fixedPort), String(port)));
  return file;
}

/** The keys named in the CLI's warnings: `app "x": "key" is a PM2 key …`, `app "x": "key": ignored: …`, or `app "x": exec_mode "fork": …`. */
const warnedKeys = (stderr: string) => [...stderr.matchAll(/^warning: .*?app "[^"]+": (?:"([a-zA-Z_]+)"(?: is a PM2 key|: )|(exec_mode) ")/gm)].map((m) => m[1] ?? m[2]).sort();

t.test('an API and a fork-mode queue consumer (pm2-queue.config.js) start and reload; every PM2-only key is named', async (t) => {
  const home = new Home(t);
  // Its workers listen on PORT + instance (increment_var): both ports must be free.
  const port = await freePortRun(2);
  const file = deployPm2File(home, 'pm2-queue.config.js', 4000, port);
  const r = await home.run(['start', file, '--env', 'production']);
  t.equal(r.code, 0, r.stderr);
  t.same(warnedKeys(r.stderr), ['namespace', 'treekill'], r.stderr);

  const logs = await home.events(['logs']);
  t.teardown(() => logs.close());
  const status = await home.status();
  t.same(
    status.apps.map((a) => [a.name, a.workers.map((w) => w.state)]),
    [
      ['orders-api', ['ready', 'ready']],
      ['orders-consumer', ['ready']],
    ],
    'both apps ready: the API listening, the consumer by process.send("ready")',
  );
  t.equal((await get(port)).status, 200, 'the API serves on its port');
  await logs.waitFor((e) => e.kind === 'log' && e.app === 'orders-consumer' && /consumer orders: job/.test(e.text));
  t.pass('the consumer works (its output reaches the logs)');

  const history = JSON.parse((await home.run(['history', 'orders-api', '--json'])).stdout);
  t.match(history.revisions[0].spec.env, { NODE_ENV: 'production', POOL_SIZE: '50', FEATURE_X: 'true', PORT: String(port) }, 'env_production over env');
  const reload = await home.run(['reload', 'orders-consumer']);
  t.equal(reload.code, 0, `the consumer reloads: its new worker says ready too\n${reload.stderr}`);
});

t.test('an older PM2 file (pm2-legacy.config.js): cluster_mode, `port`, interpreter "node", source maps, five ignored keys; serves and reloads', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = deployPm2File(home, 'pm2-legacy.config.js', 8080, port);
  const r = await home.run(['start', file]);
  t.equal(r.code, 0, r.stderr);
  // interpreter "node", vizion and source_map_support are understood (src/config/pm2-keys.ts); autorestart, cron_restart, combine_logs and instance_var are acted on.
  t.same(warnedKeys(r.stderr), ['pid_file'], r.stderr);
  const status = await home.status();
  t.same(status.apps[0]!.workers.map((w) => w.state), ['ready', 'ready', 'ready', 'ready'], 'instances: 4, all ready');
  t.equal((await get(port)).status, 200, 'served on the port PM2 `port` set');
  t.equal((await home.run(['reload', 'legacy-api'])).code, 0, 'and reloads');
});
