import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, get, Home } from '../helpers/harness.js';

t.test("a PM2 user's ecosystem.config.js starts unchanged; unsupported keys are named", async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = join(home.dir, 'ecosystem.config.js');
  // As a PM2 user writes it: module.exports, cluster_mode, `port`, time strings, PM2-only keys.
  writeFileSync(
    file,
    `module.exports = {
  apps: [{
    name: 'shop-api',
    script: ${JSON.stringify(join(FIXTURES, 'http-app.cjs'))},
    exec_mode: 'cluster_mode',
    instances: 2,
    port: ${port},
    min_uptime: '1s',
    kill_timeout: 3000,
    max_memory_restart: '500M',
    autorestart: true,
    cron_restart: '0 4 * * *',
    merge_logs: true,
    log_date_format: 'YYYY-MM-DD HH:mm Z',
    env: { NODE_ENV: 'development' },
    env_production: { NODE_ENV: 'production' },
  }],
  deploy: { production: { user: 'node', host: ['10.0.0.1'], ref: 'origin/main', repo: 'git@example.com:shop.git', path: '/srv/shop' } },
};
`,
  );
  const r = await home.run(['start', file, '--env', 'production']);
  t.equal(r.code, 0, r.stderr);
  for (const key of ['autorestart', 'cron_restart', 'deploy']) t.match(r.stderr, new RegExp(`warning: .*"${key}"`), `a warning names ${key}`);
  const status = await home.status();
  const app = status.apps[0]!;
  t.equal(app.name, 'shop-api');
  t.same(app.workers.map((w) => w.state), ['ready', 'ready'], 'both workers ready');
  const answer = await get(port);
  t.equal(answer.status, 200, 'served on the port PM2 `port` set');
  const history = JSON.parse((await home.run(['history', 'shop-api', '--json'])).stdout);
  t.match(history.revisions[0].spec.env, { NODE_ENV: 'production', PORT: String(port) }, 'env_production applied, PORT from `port`');
  t.equal((await home.run(['reload', 'shop-api'])).code, 0, 'and reloads');
});
