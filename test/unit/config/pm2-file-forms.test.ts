import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEcosystemPath, loadEcosystem, MAX_ECOSYSTEM_BYTES } from '../../../src/config/load.js';
import type { HotctlError } from '../../../src/protocol/index.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/ecosystems/pm2-forms/', import.meta.url));
const http = fileURLToPath(new URL('../../../../test/fixtures/apps/http-app.cjs', import.meta.url));

async function failure(file: string, options: { timeoutMs?: number; cwd?: string } = {}): Promise<HotctlError> {
  try {
    await loadEcosystem(file, { cwd: dir, ...options });
  } catch (err) {
    return err as HotctlError;
  }
  throw new Error(`${file} was accepted`);
}

t.test('a top-level list of apps; "max" is warned (PM2 drops it too)', async (t) => {
  const { apps, warnings } = await loadEcosystem('top-level-array.json', { cwd: dir });
  t.same(apps.map((a) => [a.name, a.instances]), [['echo', 1], ['child', 4]]);
  t.same(warnings.map((w) => `${w.app}:${w.key}`), ['child:max']);
});

t.test('one app object, without a name: named after its script', async (t) => {
  const { apps } = await loadEcosystem('single-app.json', { cwd: dir, envName: 'test' });
  t.equal(apps[0]!.name, 'http-app');
  t.equal(apps[0]!.instances, 2);
  t.equal(apps[0]!.env.NODE_ENV, 'TEST');
});

t.test('"pm2" instead of "apps", and "apps" as one object', async (t) => {
  t.same((await loadEcosystem('pm2-key.json', { cwd: dir })).apps.map((a) => a.name), ['api']);
  t.same((await loadEcosystem('apps-object.json', { cwd: dir })).apps.map((a) => a.name), ['only']);
});

t.test('a .json written as JavaScript (comments, unquoted keys, single quotes, trailing commas) reads as PM2 reads it', async (t) => {
  const { apps } = await loadEcosystem('js-style.json', { cwd: dir, envName: 'production' });
  t.equal(apps[0]!.name, 'api');
  t.equal(apps[0]!.script, http);
  t.equal(apps[0]!.env.NODE_ENV, 'production');
});

t.test('.json5, with "deploy" warned', async (t) => {
  const { apps, warnings } = await loadEcosystem('ecosystem.json5', { cwd: dir });
  t.same(apps.map((a) => a.name), ['five']);
  t.same(warnings.map((w) => w.key), ['deploy']);
});

t.test('YAML: apps.yml and a single-app .yaml', async (t) => {
  const { apps } = await loadEcosystem('apps.yml', { cwd: dir, envName: 'production' });
  t.same(apps.map((a) => [a.name, a.instances, a.env.NODE_ENV]), [['yaml-api', 2, 'production']]);
  t.same((await loadEcosystem('single.yaml', { cwd: dir })).apps.map((a) => a.name), ['one']);
  for (const f of ['apps.yml', 'x.yaml', 'ecosystem.json5']) t.ok(isEcosystemPath(f), f);
});

t.test('a JS config exported as a promise is awaited', async (t) => {
  t.same((await loadEcosystem('async.config.mjs', { cwd: dir })).apps.map((a) => a.name), ['later']);
});

t.test('a JS config that never returns fails after the time limit, naming the file (exit 2)', async (t) => {
  for (const file of ['endless-loop.config.js', 'never-settles.config.mjs']) {
    const err = await failure(file, { timeoutMs: 500 });
    t.equal(err.code, 'E_CONFIG_LOAD', file);
    t.equal(err.exitCode, 2);
    t.match(err.message, file);
    t.match(err.message, /did not produce its apps within 0.5 s/);
  }
  const tla = await failure('tla-never-settles.config.mjs', { timeoutMs: 60_000 });
  t.equal(tla.code, 'E_CONFIG_LOAD', 'a top-level await that can never settle: at once, not after the limit');
});

t.test('an oversize file is refused by its size before it is read', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'hotctl-big-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const big = join(tmp, 'ecosystem.json');
  writeFileSync(big, JSON.stringify({ apps: [{ name: 'a', script: http, env: { BIG: 'x'.repeat(MAX_ECOSYSTEM_BYTES) } }] }));
  const err = await failure(big);
  t.equal(err.code, 'E_CONFIG_LOAD');
  t.equal(err.details?.limit, MAX_ECOSYSTEM_BYTES);
  t.match(err.message, /ecosystem files are limited to 1.0 MiB/);
});

t.test('npm / yarn / pnpm with a package.json script of the form `node <file> [args]` run that file', async (t) => {
  const { apps, warnings } = await loadEcosystem('npm.config.js', { cwd: dir });
  const [start, dev, run, bin] = apps;
  t.equal(start!.script, join(dir, 'npm-app', 'server.cjs'));
  t.same(start!.args, ['--port', '1']);
  t.same(start!.node_args, ['--max-old-space-size=128']);
  t.equal(start!.env.NODE_ENV, 'production', 'VAR=value words become env');
  t.same(dev!.args, ['--dev'], 'yarn <script>');
  t.same(run!.args, ['--dev', '--extra'], 'pnpm run <script> -- <more args>');
  t.match(bin!.script, /npm-bin\/node_modules\/tool\/cli$/, 'a package binary that is a Node.js script');
  t.same(bin!.args, ['serve', '--fast']);
  t.equal(warnings.filter((w) => w.key === 'script').length, 4, 'each says which file it runs');
});

t.test('`interpreter: "none"` with `script: "npm"` (PM2\'s idiom) is accepted; with a JS file it is refused', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  const ctx = { file: null, baseDir: dir };
  const { apps } = validateEcosystem({ apps: [{ name: 'w', script: 'npm', args: 'start', interpreter: 'none', cwd: 'npm-app' }] }, ctx);
  t.equal(apps[0]!.script, join(dir, 'npm-app', 'server.cjs'));
  t.throws(() => validateEcosystem({ apps: [{ name: 'w', script: 'npm-app/server.cjs', interpreter: 'none' }] }, ctx), { code: 'E_CONFIG_INVALID' });
});

t.test('an npm script that is a shell command is refused with what to write instead (exit 2)', async (t) => {
  const err = await failure('npm-shell.config.js');
  t.equal(err.code, 'E_CONFIG_INVALID');
  t.equal(err.exitCode, 2);
  const problem = (err.details?.problems as Array<{ path: string; expected: string; found: string }>)[0]!;
  t.equal(problem.path, 'apps[0].script');
  t.equal(problem.found, '"start": "tsc && node dist/server.js"');
  t.match(problem.expected, /point "script" at the JavaScript file/);
});

t.test('an interpreter other than node is refused, saying what to do', async (t) => {
  const err = await failure('python.json');
  t.equal(err.code, 'E_CONFIG_INVALID');
  const problem = (err.details?.problems as Array<{ path: string; expected: string }>)[0]!;
  t.equal(problem.path, 'apps[0].interpreter');
  t.match(problem.expected, /Node.js scripts only/);
});

t.test('`script: "node"` with the file in `args` (PM2 runs the binary with them) runs that file; node flags become node_args', async (t) => {
  const { validateEcosystem } = await import('../../../src/config/validate.js');
  const ctx = { file: null, baseDir: dir };
  const { apps, warnings } = validateEcosystem({ apps: [{ name: 'w', script: 'node', args: '--enable-source-maps npm-app/server.cjs serve --fast' }] }, ctx);
  t.equal(apps[0]!.script, join(dir, 'npm-app', 'server.cjs'));
  t.same(apps[0]!.args, ['serve', '--fast']);
  t.same(apps[0]!.node_args, ['--enable-source-maps']);
  t.match(warnings[0]!.message, /hotctl runs .*server\.cjs directly/);
  for (const args of ['', '--inspect', 'npm-app/missing.js']) {
    t.throws(() => validateEcosystem({ apps: [{ name: 'w', script: 'node', args }] }, ctx), { code: 'E_CONFIG_INVALID' }, `node ${args}: refused, saying what to write`);
  }
});
