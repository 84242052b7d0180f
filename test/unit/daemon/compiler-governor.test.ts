import t from 'tap';
import { BUSY_MS_PER_S, CompilerGovernor, judgeTick, WARM_MS_PER_S, WARM_TICKS } from '../../../src/daemon/compiler-governor.js';
import { holdOptimizingCompiler, optimizingCompilerHeld, releaseOptimizingCompiler } from '../../../src/platform/optimizing-compiler.js';

t.test('one busy second, or warm seconds in a row, release the optimizing compiler; a reload-sized blip does not', async (t) => {
  t.equal(BUSY_MS_PER_S, 200);
  t.equal(WARM_MS_PER_S, 20);
  t.equal(WARM_TICKS, 3);
  const run = (ticks: number[]) => {
    let warm = 0;
    for (const [i, ms] of ticks.entries()) {
      const v = judgeTick(ms, warm);
      if (v.release !== null) return { at: i, reason: v.release };
      warm = v.warm;
    }
    return null;
  };
  t.equal(run([1, 1.2, 0.9, 1.1, 1, 1, 1, 1]), null, 'idle: ~1 ms/s');
  t.equal(run([1, 35, 12, 1, 30, 25, 1, 56, 1, 90, 1]), null, 'reloads, status calls, the memory reducer: a warm tick or two, never three in a row');
  t.same(run([1, 2, 230]), { at: 2, reason: 'the daemon used 230 ms of CPU per second' });
  t.same(run([1, 25, 20, 30]), { at: 3, reason: 'the daemon used ≥ 20 ms of CPU per second for 3 s' });
  t.same(run([25, 25, 5, 25, 25, 25]), { at: 5, reason: 'the daemon used ≥ 20 ms of CPU per second for 3 s' }, 'a cool tick starts the count again');
});

t.test('a tick sooner than MIN_WINDOW_MS after the last one is measured with the next: a burst over half a second is not a second of it', async (t) => {
  t.ok(holdOptimizingCompiler([], {}), 'held for the test');
  t.teardown(() => releaseOptimizingCompiler('end of test'));
  let cpuUs = 0;
  let nowMs = 0;
  const governor = new CompilerGovernor(() => ({ user: cpuUs, system: 0 }), () => nowMs);
  governor.tick();
  nowMs = 500;
  cpuUs += 150_000; // 150 ms in half a second: 300 ms/s if measured over it alone
  governor.tick();
  t.ok(optimizingCompilerHeld(), 'not judged over half a second');
  nowMs = 1000;
  governor.tick();
  t.ok(optimizingCompilerHeld(), '150 ms over the second: held');
  nowMs = 2000;
  cpuUs += 250_000;
  governor.tick();
  t.notOk(optimizingCompilerHeld(), '250 ms in a second releases it');
});
