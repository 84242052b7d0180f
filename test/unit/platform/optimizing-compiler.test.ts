import t from 'tap';
import { spawnSync } from 'node:child_process';

// Each case in a fresh node process: holding changes the process's V8 flags, and --trace-opt
// shows what V8 marks for optimization.
// The test's hot functions (V8 may inline one into another: any of them).
const OURS = '(twice|work|hot)';
const MODULE = new URL('../../../src/platform/optimizing-compiler.js', import.meta.url).href;

function run(body: string, nodeFlags: string[] = [], env: NodeJS.ProcessEnv = {}): { out: string; marked: (fn: string) => boolean } {
  const code = `import * as c from ${JSON.stringify(MODULE)};
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
function twice(x) { return x * 2 + 1; }
const work = (tag) => { let s = 0; for (let i = 0; i < 300000; i++) s += twice(i); console.log(tag, hot(2e6) + s); };
${body}`;
  const res = spawnSync(process.execPath, ['--trace-opt', ...nodeFlags, '--input-type=module', '-e', code], { env: { ...process.env, HOTCTL_V8_OPT: '', ...env }, encoding: 'utf8' });
  const out = res.stdout + res.stderr;
  return { out, marked: (fn) => new RegExp(`marking .*<JSFunction ${fn} `).test(out) };
}

/** Where V8 first marked `fn` for optimization in the output (-1: never). */
function markedAt(out: string, fn: string): number {
  return out.search(new RegExp(`marking .*<JSFunction ${fn} `));
}

t.test('held, hot functions are not optimized; released, they are', async (t) => {
  const held = run(`console.log('held', c.holdOptimizingCompiler(), c.optimizingCompilerHeld()); work('w1');`);
  t.match(held.out, /held true true/);
  t.notOk(held.marked(OURS), `nothing marked while held\n${held.out}`);
  const released = run(`c.holdOptimizingCompiler(); work('w1'); c.onOptimizingCompilerRelease((r) => console.log('released:', r)); c.releaseOptimizingCompiler('test'); console.log('held after', c.optimizingCompilerHeld()); work('w2');`);
  t.match(released.out, /released: test\nheld after false/);
  t.ok(markedAt(released.out, OURS) > released.out.indexOf('released: test'), `marked once released, not before\n${released.out}`);
  const never = run(`work('w0');`);
  t.ok(never.marked(OURS), `the control: without the hold, V8 optimizes it\n${never.out}`);
});

t.test('not held when the process has its own flags about the optimizing tiers, or HOTCTL_V8_OPT=1', async (t) => {
  t.match(run(`console.log('held', c.holdOptimizingCompiler());`, ['--no-opt']).out, /held false/);
  t.match(run(`console.log('held', c.holdOptimizingCompiler());`, ['--max-opt=2']).out, /held false/);
  t.match(run(`console.log('held', c.holdOptimizingCompiler());`, [], { HOTCTL_V8_OPT: '1' }).out, /held false/);
  t.match(run(`console.log('held', c.holdOptimizingCompiler());`, ['--max-old-space-size=100']).out, /held true/, 'another flag: held');
});

t.test('a burst of 32 connections within a second releases it; a connection every 100 ms does not', async (t) => {
  const { out } = run(`c.holdOptimizingCompiler();
c.onOptimizingCompilerRelease((r) => console.log('released:', r));
for (let i = 0; i < 100; i++) c.noteConnection(1000 + i * 100);
console.log('spaced', c.optimizingCompilerHeld());
for (let i = 0; i < 31; i++) c.noteConnection(20000 + i * 30);
console.log('31 in 930 ms', c.optimizingCompilerHeld());
c.noteConnection(22000);
for (let i = 0; i < 32; i++) c.noteConnection(30000 + i * 30);
console.log('32 in 960 ms', c.optimizingCompilerHeld());`);
  t.match(out, /spaced true\n31 in 930 ms true\nreleased: 32 connections routed within 1000 ms\n32 in 960 ms false/);
});
