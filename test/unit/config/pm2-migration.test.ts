/** Realistic PM2 ecosystem files load unchanged; what hotctl does not act on is named in a warning. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadEcosystem } from '../../../src/config/load.js';

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
  t.same(warned(warnings), ['legacy-api:autorestart', 'legacy-api:combine_logs', 'legacy-api:cron_restart', 'legacy-api:instance_var', 'legacy-api:interpreter', 'legacy-api:pid_file', 'legacy-api:source_map_support', 'legacy-api:vizion']);
  for (const w of warnings) t.match(w.message, new RegExp(`"${w.key}" is a PM2 key that hotctl does not support`), `${w.key}: says it is ignored`);
});

t.test('a monorepo: three apps, cwd per app, fork mode named in a warning', async (t) => {
  const { apps: loaded, warnings } = await loadEcosystem('pm2-monorepo.config.js', { cwd: dir, envName: 'production' });
  t.same(loaded.map((a) => [a.name, a.instances, a.env.PORT, a.env.NODE_ENV]), [
    ['web', 2, '3000', 'production'],
    ['admin', 1, '3001', 'production'],
    ['jobs', 1, '3002', 'development'],
  ]);
  t.equal(loaded[1]!.cwd, apps, 'cwd relative to the file');
  t.equal(loaded[1]!.script, join(apps, 'http-app.cjs'), 'script relative to cwd');
  t.equal(loaded[1]!.env.ADMIN, 'true');
  t.same(warned(warnings), ['jobs:autorestart', 'jobs:exec_mode', 'jobs:time']);
  t.match(warnings.find((w) => w.key === 'exec_mode')!.message, /exec_mode "fork": hotctl runs every app in cluster mode/);
});

t.test('PM2 time strings that are not durations are refused with the accepted forms', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  t.throws(() => validateEcosystem({ apps: [{ name: 'x', script: join(apps, 'http-app.cjs'), min_uptime: '10 seconds' }] }, { file: 'e.json', baseDir: dir }), {
    code: 'E_CONFIG_INVALID',
  });
});
