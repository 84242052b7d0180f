import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'bundle', 'cli.cjs');

/**
 * The stack of an Error made where `hotctl status` writes its line (no daemon runs in the empty
 * state directory given: "No daemon running"), as the CLI formats it. (`--version` is answered by
 * bin/hotctl itself, before any bundle.)
 */
function cliStack(env: NodeJS.ProcessEnv = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotctl-stack-'));
  try {
    const out = join(dir, 'stack.txt');
    const run = spawnSync(process.execPath, ['--require', join(ROOT, 'test', 'fixtures', 'record-a-cli-stack.cjs'), join(ROOT, 'bin', 'hotctl'), 'status'], {
      // Without tap's NODE_OPTIONS (--enable-source-maps) and NODE_V8_COVERAGE (which also turns
      // Node's source maps on): Node would map the stack itself.
      env: Object.fromEntries(Object.entries({ ...process.env, ...env, HOTCTL_HOME: join(dir, 'home'), HOTCTL_STACK_OUT: out }).filter(([key]) => key !== 'NODE_OPTIONS' && key !== 'NODE_V8_COVERAGE')),
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`hotctl status exited ${run.status}: ${run.stderr}`);
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('a stack trace of the bundled CLI names src/*.ts lines, not the bundle', { skip: !existsSync(BUNDLE) && 'no bundle built (scripts/bundle.mjs)' }, async (t) => {
  const stack = cliStack();
  const frames = stack.split('\n').filter((line) => line.startsWith('    at '));
  // Only esbuild's own helpers (the lazy initialiser __init, the entry's require) have no source.
  const unmapped = frames.filter((frame) => /dist\/bundle\/cli(-fast)?\.cjs/.test(frame) && !/^ {4}at (__init|Object\.<anonymous>) /.test(frame));
  t.same(unmapped, [], `no frame of hotctl's code names the bundle:\n${stack}`);
  // `status` is a fast line: the fast lines' bundle runs it (src/cli/fast-main.ts).
  t.match(stack, /at (async )?runMain \(\/[^\s()]*\/src\/cli\/run-main\.ts:\d+:\d+\)/, 'runMain is named with its src/cli/run-main.ts line');
  const mapped = frames.map((frame) => /(\/[^\s()]*\/src\/[\w/.-]+\.ts):(\d+):(\d+)/.exec(frame)).filter((m) => m !== null);
  t.ok(mapped.length >= 2, `frames name src/*.ts files:\n${stack}`);
  for (const [, file, line] of mapped) {
    t.ok(file!.startsWith(join(ROOT, 'src')), `${file} is under src/`);
    t.ok(existsSync(file!), `${file} exists`);
    t.ok(Number(line) <= readFileSync(file!, 'utf8').split('\n').length, `${file}:${line} is a line of it`);
  }
});

t.test('the CLI of dist/src/ (HOTCTL_BUNDLE=0) runs without the bundle', async (t) => {
  const stack = cliStack({ HOTCTL_BUNDLE: '0' });
  t.match(stack, /at (async )?runMain \(/);
  t.notMatch(stack, /dist\/bundle/);
});
