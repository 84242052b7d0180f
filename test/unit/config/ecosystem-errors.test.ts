import t from 'tap';
import { fileURLToPath } from 'node:url';
import { loadEcosystem } from '../../../src/config/load.js';
import type { ConfigProblem } from '../../../src/config/validate.js';
import { HotctlError } from '../../../src/protocol/index.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/ecosystems/', import.meta.url));

async function failure(file: string): Promise<HotctlError> {
  try {
    await loadEcosystem(file, { cwd: dir });
  } catch (err) {
    return err as HotctlError;
  }
  throw new Error(`${file} was accepted`);
}

const problemsOf = (err: HotctlError) => (err.details?.problems ?? []) as ConfigProblem[];

const invalid: Array<[file: string, code: string, paths: string[], suggestion?: string]> = [
  ['typo-key.json', 'E_CONFIG_INVALID', ['apps[0].instanses'], 'instances'],
  ['instances-lots.json', 'E_CONFIG_INVALID', ['apps[0].instances']],
  ['negative-timeout.json', 'E_CONFIG_INVALID', ['apps[0].listen_timeout']],
  ['missing-script.json', 'E_CONFIG_INVALID', ['apps[0].script']],
  ['script-not-found.json', 'E_CONFIG_INVALID', ['apps[0].script']],
  ['duplicate-names.json', 'E_CONFIG_INVALID', ['apps[1].name']],
  ['env-block-not-object.json', 'E_CONFIG_INVALID', ['apps[0].env_production']],
  ['apps-not-array.json', 'E_CONFIG_INVALID', ['apps[0].script']],
  ['apps-empty.json', 'E_CONFIG_INVALID', ['apps']],
  ['bad-name.json', 'E_CONFIG_INVALID', ['apps[0].name']],
  ['bad-memory.json', 'E_CONFIG_INVALID', ['apps[0].max_memory_restart']],
  ['wait-ready-string.json', 'E_CONFIG_INVALID', ['apps[0].wait_ready']],
  ['bad-strategy.json', 'E_CONFIG_INVALID', ['apps[0].reload_strategy']],
  ['bad-cron.json', 'E_CONFIG_INVALID', ['apps[0].cron_restart']],
  ['bad-stop-exit-codes.json', 'E_CONFIG_INVALID', ['apps[0].stop_exit_codes']],
  ['top-level-typo.json', 'E_CONFIG_INVALID', ['appz'], 'apps'],
  ['bad-syntax.json', 'E_CONFIG_LOAD', []],
  ['throws.config.cjs', 'E_CONFIG_LOAD', []],
  ['no-such-file.json', 'E_CONFIG_NOT_FOUND', []],
];

for (const [file, code, paths, suggestion] of invalid) {
  t.test(`${file}: ${code}${paths.length ? ` at ${paths.join(', ')}` : ''}`, async (t) => {
    const err = await failure(file);
    t.ok(err instanceof HotctlError);
    t.equal(err.code, code);
    t.equal(err.exitCode, 2, 'exit code 2');
    const problems = problemsOf(err);
    t.same(problems.map((p) => p.path), paths);
    for (const p of problems) {
      t.ok(p.file?.endsWith(file), 'names the file');
      t.ok(p.expected.length > 0 && p.found.length > 0, 'says what was expected and found');
    }
    if (suggestion) t.equal(problems[0]?.suggestion, suggestion, 'did you mean');
  });
}

t.test('every problem of a file is reported, each naming its app', async (t) => {
  const err = await failure('negative-timeout.json');
  t.equal(problemsOf(err)[0]?.app, 'api');
  const bad = await failure('bad-name.json');
  t.equal(problemsOf(bad)[0]?.app, 'apps[0]', 'an app without a valid name is named by index');
});

t.test('cron_restart: what the parser refuses is refused before anything starts, with its reason', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  const app = (cron: string) => ({ apps: [{ name: 'job', script: '../apps/job-once.cjs', cron_restart: cron }] });
  for (const bad of ['0 25 * * *', 'every day', '* * *', '* * * * * * * *']) {
    t.throws(() => validateEcosystem(app(bad), { file: 'f.json', baseDir: dir }), { code: 'E_CONFIG_INVALID', details: { problems: [{ path: 'apps[0].cron_restart' }] } }, bad);
  }
  for (const good of ['0 3 * * *', '* * * * * *', '*/5 9-17 * * 1-5', '@hourly']) {
    t.equal(validateEcosystem(app(good), { file: 'f.json', baseDir: dir }).apps[0]!.cron_restart, good, good);
  }
});

t.test('restart_delay alone turns the exponential backoff off (PM2); both written: both kept; stop_exit_codes as a number', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  const spec = (extra: Record<string, unknown>) => validateEcosystem({ apps: [{ name: 'a', script: '../apps/job-once.cjs', ...extra }] }, { file: null, baseDir: dir }).apps[0]!;
  t.match(spec({}), { restart_delay: 0, exp_backoff_restart_delay: 100, stop_exit_codes: [], autorestart: true, autostart: true, reload_hold: 1000 });
  t.match(spec({ restart_delay: '2s' }), { restart_delay: 2000, exp_backoff_restart_delay: 0 });
  t.match(spec({ restart_delay: 2000, exp_backoff_restart_delay: 300 }), { restart_delay: 2000, exp_backoff_restart_delay: 300 });
  t.same(spec({ stop_exit_codes: 0 }).stop_exit_codes, [0]);
});
