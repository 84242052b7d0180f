/**
 * Issue 13 (bench/RESULTS.md, section 29): the daemon's modules that once imported node:module
 * (bundle stack traces' SourceMap, cron-parser's createRequire) or used the global `performance`
 * (the compiler governor, the router's burst window) load neither node:module nor perf_hooks
 * until they need them. Seen in a fresh ES-module process (a CommonJS `node -e` script would load
 * node:module itself), without tap's NODE_OPTIONS (its process-info hook, which loads node:module,
 * is put back into the env of every child it sees spawned: a shell takes it out).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

const script = `
const loaded = () => process.moduleLoadList.filter((m) => m === 'NativeModule module' || m === 'NativeModule perf_hooks');
const { installBundleStackTraces } = await import(${JSON.stringify(`${SRC}platform/bundle-stack-traces.js`)});
const { cronParser } = await import(${JSON.stringify(`${SRC}config/cron-parser-on-demand.js`)});
const { CompilerGovernor } = await import(${JSON.stringify(`${SRC}daemon/compiler-governor.js`)});
const { holdOptimizingCompiler, noteConnection } = await import(${JSON.stringify(`${SRC}platform/optimizing-compiler.js`)});
if (!holdOptimizingCompiler([], {})) throw new Error('the compiler was not held');
installBundleStackTraces('/nowhere/bundle.cjs');
void new Error('formatted').stack;
const governor = new CompilerGovernor();
governor.tick();
governor.tick();
noteConnection();
const before = loaded();
cronParser();
console.log(JSON.stringify({ before, after: loaded() }));
`;

t.test('neither node:module nor perf_hooks is loaded before first use; cron-parser loads node:module when first asked for', async (t) => {
  const run = spawnSync('/bin/sh', ['-c', 'unset NODE_OPTIONS NODE_V8_COVERAGE; exec "$0" "$@"', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  const { before, after } = JSON.parse(run.stdout) as { before: string[]; after: string[] };
  t.same(before, [], 'nothing of them before');
  t.same(after, ['NativeModule module'], 'node:module with the first cron expression');
});
