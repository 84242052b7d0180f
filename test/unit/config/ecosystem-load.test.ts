import t from 'tap';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { isEcosystemPath, loadEcosystem } from '../../../src/config/load.js';
import { specFromCli } from '../../../src/config/cli-spec.js';
import { buildJsonSchema } from '../../../src/config/json-schema.js';
import { readFileSync } from 'node:fs';

const dir = fileURLToPath(new URL('../../../../test/fixtures/ecosystems/', import.meta.url));

t.test('a JSON file with $schema: normalised values, env block merged with --env', async (t) => {
  const { apps, warnings } = await loadEcosystem('valid.json', { cwd: dir, envName: 'production' });
  const app = apps[0]!;
  t.equal(app.script, join(dir, '..', 'apps', 'http-app.cjs'), 'absolute script');
  t.equal(app.cwd, dir.replace(/\/$/, ''));
  t.equal(app.instances, availableParallelism(), '"max" is one per core');
  t.same(app.args, ['--port', '1', 'two words', '$(whoami)'], 'quotes group words; nothing is expanded');
  t.same(app.env, { PORT: '80', DEBUG: 'true', NODE_ENV: 'production' }, 'env_production wins over env; values are strings');
  t.equal(app.max_memory_restart, 300 * 1024 * 1024);
  t.same(app.node_args, ['--max-old-space-size=128'], 'interpreter_args is an alias of node_args');
  t.equal(app.listen_timeout, 8000, 'defaults applied');
  t.same(warnings, []);
});

for (const file of ['valid.config.js', 'valid.config.mjs', 'valid.config.cjs']) {
  t.test(`${file} loads`, async (t) => {
    const { apps } = await loadEcosystem(file, { cwd: dir });
    t.equal(apps[0]?.name, 'api');
  });
}

t.test("a PM2 user's ecosystem.config.js runs unchanged; unsupported keys are named in warnings", async (t) => {
  const { apps, warnings } = await loadEcosystem('pm2.config.js', { cwd: dir, envName: 'production' });
  t.same(apps.map((a) => a.name), ['api', 'worker']);
  t.equal(apps[0]!.env.NODE_ENV, 'production');
  t.equal(apps[0]!.max_memory_restart, 1024 ** 3);
  const keys = warnings.map((w) => `${w.app ?? ''}:${w.key}`).sort();
  t.same(keys, [':deploy'], 'autorestart, cron_restart and exec_mode "fork" are acted on, time is a known key: not warned');
});

t.test('--env naming a block no app has: a warning', async (t) => {
  const { warnings } = await loadEcosystem('valid.config.js', { cwd: dir, envName: 'staging' });
  t.same(warnings.map((w) => w.key), ['env_staging']);
});

t.test('specFromCli: name from the script, instances, args kept verbatim', async (t) => {
  const spec = specFromCli({ script: '../apps/http-app.cjs', instances: '3', args: ['a b', '$(x)'] }, dir);
  t.equal(spec.name, 'http-app');
  t.equal(spec.instances, 3);
  t.same(spec.args, ['a b', '$(x)']);
  t.throws(() => specFromCli({ script: '../apps/http-app.cjs', instances: 'lots' }, dir));
});

t.test('isEcosystemPath tells files from scripts', async (t) => {
  for (const f of ['ecosystem.json', 'a/b/app.json', 'ecosystem.config.js', 'pm2.config.cjs', 'ecosystem.mjs']) t.ok(isEcosystemPath(f), f);
  for (const f of ['server.js', 'app.mjs', 'index.cjs']) t.notOk(isEcosystemPath(f), f);
});

t.test('the published JSON Schema is generated from the app schema (npm run schema)', async (t) => {
  const published = JSON.parse(readFileSync(new URL('../../../../schema/ecosystem.schema.json', import.meta.url), 'utf8'));
  t.same(published, buildJsonSchema());
});
