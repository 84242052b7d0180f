import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { Pm2Key } from '../../../src/config/pm2-keys.js';
import { PM2_KEYS, pm2KeysMarkdown, snakeCase } from '../../../src/config/pm2-keys.js';
import { validateEcosystem } from '../../../src/config/validate.js';
import { APP_KEYS, HotctlError, PM2_UNSUPPORTED_KEYS } from '../../../src/protocol/index.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/ecosystems/', import.meta.url));
const script = '../apps/http-app.cjs';

/** A value PM2 would accept for each key (by the kind of key it is). */
const SAMPLES: Record<string, unknown> = {
  script,
  exec: script,
  cmd: script,
  command: script,
  name: 'api',
  cwd: '.',
  args: '--port 1',
  interpreter: 'node',
  exec_interpreter: 'node',
  node_args: '--max-old-space-size=64',
  interpreter_args: '--max-old-space-size=64',
  env: { A: '1' },
  max_memory_restart: '300M',
  exp_backoff_restart_delay: 200,
  wait_ready: true,
  instances: 2,
  kill_timeout: 3000,
  listen_timeout: 3000,
  watch_delay: 100,
  watch: false,
  ignore_watch: ['tmp'],
  max_restarts: 3,
  port: 3001,
  log_date_format: 'YYYY-MM-DD',
  append_env_to_name: true,
  source_map_support: true,
  name_prefix: 'x',
  namespace: 'ns',
  uid: 'www',
  user: 'www',
  gid: 'www',
  post_update: ['npm install'],
  io: {},
  watch_options: {},
};

function load(app: Record<string, unknown>, envName?: string) {
  return validateEcosystem({ apps: [app] }, { file: join(dir, 'x.json'), baseDir: dir, ...(envName ? { envName } : {}) });
}

function outcome(app: Record<string, unknown>) {
  try {
    return { ok: load(app) } as const;
  } catch (err) {
    return { err: err as HotctlError } as const;
  }
}

for (const [key, row] of Object.entries(PM2_KEYS as Record<string, Pm2Key>)) {
  t.test(`PM2 key "${key}": ${row.treatment}`, async (t) => {
    const value = key in SAMPLES ? SAMPLES[key] : true;
    const base: Record<string, unknown> = { name: 'api', script };
    if (['script', 'exec', 'cmd', 'command'].includes(key)) delete base.script;
    const app = { ...base, [key]: value };
    const result = outcome(app);
    switch (row.treatment) {
      case 'supported': {
        t.ok(key in APP_KEYS, 'a hotctl key of the same name');
        t.ok(result.ok, 'accepted');
        t.same(result.ok?.warnings.filter((w) => w.key === key), [], 'no warning');
        break;
      }
      case 'alias': {
        t.ok(result.ok, 'accepted');
        const viaTarget = load({ ...base, [row.target!]: value }).apps[0] as Record<string, unknown>;
        const viaAlias = result.ok!.apps[0] as Record<string, unknown>;
        const target = row.target === 'node_args' ? 'node_args' : row.target!;
        t.same(viaAlias[target], viaTarget[target], `the same as ${row.target}`);
        t.same(result.ok!.warnings, [], 'no warning');
        break;
      }
      case 'accepted':
        t.ok(result.ok, 'accepted');
        t.same(result.ok!.warnings, [], 'no warning: hotctl already behaves so');
        break;
      case 'warned': {
        t.ok(result.ok, 'accepted');
        const warnings = result.ok!.warnings.filter((w) => w.key === key);
        t.equal(warnings.length, 1, 'one warning');
        t.match(warnings[0]?.message, row.note, 'the warning says what hotctl does instead');
        t.notOk(key in (result.ok!.apps[0] as Record<string, unknown>), 'not in the spec');
        break;
      }
      case 'converted':
        t.ok(result.ok, 'accepted');
        t.same(result.ok!.warnings, [], 'no warning');
        break;
      case 'owned':
        // Another part of hotctl decides; whatever it is, the key is accepted, warned or refused by path.
        if (result.err) {
          t.equal(result.err.code, 'E_CONFIG_INVALID');
          t.match(JSON.stringify(result.err.details), key);
        } else {
          t.ok(key in APP_KEYS || (PM2_UNSUPPORTED_KEYS as readonly string[]).includes(key) || result.ok.warnings.some((w) => w.key === key), 'read or warned');
        }
        break;
    }
  });
}

t.test('converted keys do what the table says', async (t) => {
  t.same(load({ name: 'a', script, source_map_support: true }).apps[0]!.node_args, ['--enable-source-maps']);
  t.same(load({ name: 'a', script, source_map_support: true, node_args: ['--x'] }).apps[0]!.node_args, ['--x', '--enable-source-maps']);
  t.equal(load({ name: 'a', script, append_env_to_name: true }, 'production').apps[0]!.name, 'a-production');
  t.equal(load({ name: 'a', script, append_env_to_name: true }).apps[0]!.name, 'a', 'no --env: name unchanged');
  for (const interpreter of ['node', '/usr/bin/node', '/home/u/.nvm/versions/node/v20.1.0/bin/node', 'nodejs']) {
    t.ok(load({ name: 'a', script, interpreter }), interpreter);
  }
  for (const interpreter of ['python3', '/usr/bin/python', 'bun', 'none', 'ts-node']) {
    t.throws(() => load({ name: 'a', script, interpreter }), { code: 'E_CONFIG_INVALID', details: { problems: [{ path: 'apps[0].interpreter' }] } }, interpreter);
  }
  t.same(load({ name: 'a', script, interpreter_args: '--a', node_args: '--b' }).apps[0]!.node_args, ['--b', '--a'], 'both: interpreter_args added');
});

t.test('camelCase keys are read as their snake_case key, as PM2 does', async (t) => {
  const { apps, warnings } = load({ name: 'a', script, maxMemoryRestart: '300M', nodeArgs: '--x', waitReady: true, listenTimeout: 100, killTimeout: '2s', interpreterArgs: '--y', ignoreWatch: ['a'], maxRestarts: 2, logDateFormat: 'YYYY', sourceMapSupport: true });
  const app = apps[0]!;
  t.equal(app.max_memory_restart, 300 * 1024 ** 2);
  t.same(app.node_args, ['--x', '--enable-source-maps', '--y'].filter((x) => app.node_args.includes(x)));
  t.equal(app.node_args.length, 3);
  t.equal(app.wait_ready, true);
  t.equal(app.listen_timeout, 100);
  t.equal(app.kill_timeout, 2000);
  t.same(app.ignore_watch, ['a']);
  t.equal(app.max_restarts, 2);
  t.equal(app.log_date_format, 'YYYY');
  t.same(warnings, []);
  t.same(load({ name: 'a', script, namespace: 'x' }).warnings.map((w) => w.key), ['namespace']);
  t.same(load({ name: 'a', script, namePrefix: 'x' }).warnings.map((w) => w.key), ['namePrefix'], 'camelCase of a warned key: warned under its own spelling');
  t.throws(() => load({ name: 'a', script, maxMemoryRestart: '1G', max_memory_restart: '2G' }), { code: 'E_CONFIG_INVALID', details: { problems: [{ found: 'both' }] } }, 'both spellings: refused');
  t.equal(snakeCase('maxMemoryRestart'), 'max_memory_restart');
  t.equal(snakeCase('windowsHide'), 'windows_hide');
  t.equal(snakeCase('env_production'), 'env_production');
  t.throws(() => load({ name: 'a', script, maxMemoryRestrt: '1G' }), { code: 'E_CONFIG_INVALID', details: { problems: [{ path: 'apps[0].maxMemoryRestrt' }] } }, 'an unknown camelCase key is still an error');
});

t.test('an app without name gets PM2\'s: the script\'s basename without its extension', async (t) => {
  t.equal(load({ script }).apps[0]!.name, 'http-app');
  t.equal(load({ script: '../apps/esm-pkg/server.js' }).apps[0]!.name, 'server');
});

t.test('env values that are objects or lists become their JSON text, as in PM2', async (t) => {
  const { apps } = load({ name: 'a', script, env: { DB: { host: 'x', port: 5432 }, LIST: [1, 2], N: 1, B: false, NUL: null }, env_production: { O: { a: 1 } } }, 'production');
  t.same(apps[0]!.env, { DB: '{"host":"x","port":5432}', LIST: '[1,2]', N: '1', B: 'false', NUL: 'null', O: '{"a":1}' });
});

t.test('instances: -N is cores minus N (at least 1), as PM2 computes it', async (t) => {
  const cores = availableParallelism();
  const of = (instances: unknown) => load({ name: 'a', script, instances }).apps[0]!.instances;
  t.equal(of(-1), Math.max(1, cores - 1));
  t.equal(of(-100), 1);
  t.equal(of('-100'), 1);
  t.equal(of('max'), cores);
  t.equal(of(0), cores);
  t.equal(of('3'), 3);
});

t.test('numbers in args are passed as text, as PM2 does', async (t) => {
  t.same(load({ name: 'a', script, args: ['--port', 3000, true] }).apps[0]!.args, ['--port', '3000', 'true']);
  t.throws(() => load({ name: 'a', script, args: [{ x: 1 }] }), { code: 'E_CONFIG_INVALID' });
});

t.test('script "serve" (PM2\'s static server) is refused saying so', async (t) => {
  t.throws(() => load({ name: 'a', script: 'serve' }), { code: 'E_CONFIG_INVALID', details: { problems: [{ path: 'apps[0].script', found: '"serve"' }] } });
});

t.test('watch may be one path', async (t) => {
  t.same(load({ name: 'a', script, watch: 'src' }).apps[0]!.watch, ['src']);
});

t.test('"max" (not a PM2 key: PM2 drops it) is warned, not refused', async (t) => {
  const { apps, warnings } = load({ name: 'a', script, max: '10', instances: '4' });
  t.equal(apps[0]!.instances, 4);
  t.same(warnings.map((w) => w.key), ['max']);
});

t.test('docs/migrating-from-pm2.md carries the generated table of every PM2 key', async (t) => {
  const doc = readFileSync(new URL('../../../../docs/migrating-from-pm2.md', import.meta.url), 'utf8');
  const m = /<!-- pm2-keys:start -->\n([\s\S]*?)\n<!-- pm2-keys:end -->/.exec(doc);
  t.ok(m, 'markers present');
  t.equal(m?.[1], pm2KeysMarkdown(), 'up to date: run `node scripts/gen-pm2-keys.mjs`');
});

t.test('the table covers every key of PM2\'s schema.json and its aliases', async (t) => {
  // PM2's lib/API/schema.json (its keys and their declared aliases), as of PM2 6.
  const schema = 'script exec name name_prefix filter_env namespace install_url cwd args exec_interpreter interpreter node_args interpreterArgs interpreter_args out_file out output out_log error_file error err err_file err_log log_file log disable_logs log_type log_date_format time env max_memory_restart pid_file pid restart_delay exp_backoff_restart_delay source_map_support disable_source_map_support wait_ready instances kill_timeout shutdown_with_message listen_timeout cron_restart cron merge_logs combine_logs vizion autostart autorestart stop_exit_codes watch_delay watch ignore_watch watch_options min_uptime max_restarts execute_command exec_mode force append_env_to_name post_update trace disable_trace v8 event_loop_inspector deep_monitoring increment_var instance_var pmx automation treekill port username uid user gid windowsHide kill_retry_time write io';
  for (const key of schema.split(' ')) {
    const known = key in PM2_KEYS || snakeCase(key) in PM2_KEYS;
    t.ok(known, key);
  }
});
