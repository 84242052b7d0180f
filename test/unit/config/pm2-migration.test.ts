/** Realistic PM2 ecosystem files load unchanged; what hotctl does not act on is named in a warning. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadEcosystem } from '../../../src/config/load.js';
import { APP_KEYS, PM2_UNSUPPORTED_KEYS } from '../../../src/protocol/index.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/ecosystems/', import.meta.url));
const apps = join(dir, '..', 'apps');
const warned = (warnings: Array<{ app: string | null; key: string }>) => warnings.map((w) => `${w.app ?? ''}:${w.key}`).sort();

t.test('an API: every core, env blocks, PM2 time strings, string args, watch', async (t) => {
  const { apps: [api], warnings } = await loadEcosystem('pm2-api.config.js', { cwd: dir, envName: 'production' });
  t.same(warnings, [], 'nothing unsupported');
  t.equal(api!.name, 'api');
  t.equal(api!.script, join(apps, 'http-app.cjs'));
  t.equal(api!.instances, availableParallelism(), '"max": one per core');
  t.same(api!.args, ['--port', '3000', '--log-level', 'info'], 'args split like a shell would, without one');
  t.same(api!.node_args, ['--max-old-space-size=512', '--enable-source-maps']);
  t.equal(api!.max_memory_restart, 300 * 1024 ** 2);
  t.equal(api!.min_uptime, 10_000, '"10s" → 10000 ms');
  t.equal(api!.restart_delay, 4000);
  t.equal(api!.kill_timeout, 3000);
  t.equal(api!.listen_timeout, 10_000);
  t.equal(api!.wait_ready, true);
  t.same(api!.watch, ['../apps']);
  t.same(api!.ignore_watch, ['node_modules', 'logs', '*.log']);
  t.equal(api!.log_date_format, 'YYYY-MM-DD HH:mm:ss Z');
  t.equal(api!.out_file, './logs/api-out.log');
  t.same(api!.env, { NODE_ENV: 'production', PORT: '3000', DEBUG: '' }, 'env_production merged over env, values as strings');
  const staging = await loadEcosystem('pm2-api.config.js', { cwd: dir, envName: 'staging' });
  t.equal(staging.apps[0]!.env.NODE_ENV, 'staging');
});

t.test('an older file: cluster_mode, port, and each unsupported key named in a warning', async (t) => {
  const { apps: [app], warnings } = await loadEcosystem('pm2-legacy.config.js', { cwd: dir });
  t.equal(app!.instances, 4);
  t.equal(app!.env.PORT, '8080', 'PM2 `port` sets PORT');
  t.equal(app!.min_uptime, 5000);
  // interpreter "node", vizion and source_map_support are understood (see pm2-keys.ts); autorestart, cron_restart, combine_logs and instance_var are acted on; the rest is warned.
  t.same(warned(warnings), ['legacy-api:pid_file']);
  t.same(app!.node_args, ['--enable-source-maps'], 'source_map_support: true → --enable-source-maps');
  for (const w of warnings) t.match(w.message, new RegExp(`"${w.key}"`), `${w.key}: named`);
});

t.test('a monorepo: three apps, cwd per app, fork mode taken as it is (no warning)', async (t) => {
  const { apps: loaded, warnings } = await loadEcosystem('pm2-monorepo.config.js', { cwd: dir, envName: 'production' });
  t.same(loaded.map((a) => [a.name, a.instances, a.env.PORT, a.env.NODE_ENV]), [
    ['web', 2, '3000', 'production'],
    ['admin', 1, '3001', 'production'],
    ['jobs', 1, '3002', 'development'],
  ]);
  t.equal(loaded[1]!.cwd, apps, 'cwd relative to the file');
  t.equal(loaded[1]!.script, join(apps, 'http-app.cjs'), 'script relative to cwd');
  t.equal(loaded[1]!.env.ADMIN, 'true');
  t.same(warned(warnings), [], 'time is a known key; autorestart and exec_mode "fork" are acted on');
  t.equal(loaded[2]!.exec_mode, 'fork');
});

t.test('an API and a fork-mode queue consumer with wait_ready: env values as strings, each PM2-only key warned', async (t) => {
  const { apps: [api, consumer], warnings } = await loadEcosystem('pm2-queue.config.js', { cwd: dir, envName: 'production' });
  t.equal(api!.name, 'orders-api');
  t.equal(api!.script, join(apps, 'http-app.cjs'), 'path.join(__dirname, …) works: the file is a real CommonJS module');
  t.equal(api!.instances, 2);
  t.same(api!.node_args, ['--max-http-header-size=16384'], 'node_args as an array');
  t.equal(api!.max_memory_restart, 512 * 1024 ** 2);
  t.equal(api!.exp_backoff_restart_delay, 200);
  t.same(api!.env, { NODE_ENV: 'production', PORT: '4000', FEATURE_X: 'true', POOL_SIZE: '50' }, 'numbers and booleans become strings, as in process.env');
  t.equal(consumer!.name, 'orders-consumer');
  t.equal(consumer!.instances, 1, 'fork mode: one worker unless instances says more');
  t.equal(consumer!.wait_ready, true);
  t.equal(consumer!.kill_timeout, 1600);
  t.equal(consumer!.shutdown_with_message, false, 'shutdown_with_message is understood, as PM2 means it');
  t.equal(consumer!.restart_delay, 1000);
  t.equal(consumer!.max_restarts, 10);
  t.same(consumer!.env, { NODE_ENV: 'production', QUEUE: 'orders' });
  t.same(warned(warnings), [
    'orders-api:namespace',
    'orders-consumer:treekill',
  ]);
  t.same(consumer!.stop_exit_codes, [0], 'stop_exit_codes, autostart and exec_mode are acted on');
  t.equal(consumer!.exp_backoff_restart_delay, 0, 'restart_delay alone: a fixed delay, as in PM2 (no exponential backoff)');
  t.equal(api!.exp_backoff_restart_delay, 200, 'exp_backoff_restart_delay written: kept');
});

t.test('PM2 `script: "npm"` whose package.json has no such script is refused, naming what it looked for', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  t.throws(() => validateEcosystem({ apps: [{ name: 'web', script: 'npm', args: 'start' }] }, { file: 'ecosystem.config.js', baseDir: dir }), {
    code: 'E_CONFIG_INVALID',
    details: { problems: [{ path: 'apps[0].script', found: 'scripts: none' }] },
  });
});

t.test('docs/migrating-from-pm2.md names every PM2 key hotctl ignores and every key it reads', async (t) => {
  const doc = readFileSync(new URL('../../../../docs/migrating-from-pm2.md', import.meta.url), 'utf8');
  for (const key of PM2_UNSUPPORTED_KEYS) t.match(doc, `\`${key}\``, `ignored key ${key}`);
  for (const key of Object.keys(APP_KEYS)) t.match(doc, `\`${key}\``, `key ${key}`);
  for (const fixture of ['pm2-api', 'pm2-legacy', 'pm2-monorepo', 'pm2-queue']) t.match(doc, `${fixture}.config.js`, `links ${fixture}`);
});

t.test('PM2 time strings that are not durations are refused with the accepted forms', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  t.throws(() => validateEcosystem({ apps: [{ name: 'x', script: join(apps, 'http-app.cjs'), min_uptime: '10 seconds' }] }, { file: 'e.json', baseDir: dir }), {
    code: 'E_CONFIG_INVALID',
  });
});
