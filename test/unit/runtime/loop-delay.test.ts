import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LoopDelay } from '../../../src/runtime/loop-delay.js';

const MODULE = fileURLToPath(new URL('../../../src/runtime/loop-delay.js', import.meta.url));

/** Blocks the event loop for at least `ms`. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Waits (on the loop) until the monitor has recorded a sample. */
async function sampled(d: LoopDelay): Promise<void> {
  while (d.samples === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

t.test('awake: the monitor\'s percentiles since the last report; reported() starts them again', async (t) => {
  const d = new LoopDelay();
  t.teardown(() => d.stop());
  d.wake();
  t.same(d.figures(), { p50Ms: 0, p99Ms: 0 }, 'nothing recorded yet, no quiet spell: zeros');
  await sampled(d);
  const f = d.figures();
  t.ok(f.p50Ms >= 0 && f.p50Ms <= f.p99Ms, 'p50 ≤ p99, in ms');
  d.reported();
  t.equal(d.samples, 0, 'reset after a report');
});

t.test('quiet: no monitor; a window of heartbeats held up by a stall reports the stall, as p50 and p99, until a report goes out', async (t) => {
  const d = new LoopDelay();
  t.teardown(() => d.stop());
  d.wake();
  await sampled(d);
  d.reported();
  d.sleep(10);
  t.equal(d.samples, 0, 'the monitor is off');
  spin(100);
  // 4 heartbeats of 10 ms should have taken 40 ms; the stall made the window take ≥ 100.
  d.window(4);
  const stalled = d.figures();
  t.ok(stalled.p99Ms >= 60, `the window's lateness (${stalled.p99Ms} ms) holds the stall`);
  t.equal(stalled.p50Ms, stalled.p99Ms, 'p50 and p99 alike');
  d.window(4);
  t.same(d.figures(), stalled, 'the worst window since the last report, not the latest');
  d.reported();
  t.same(d.figures(), { p50Ms: 0, p99Ms: 0 }, 'a report starts them again');
});

t.test('a wake: the first report carries the quiet spell\'s figures, then the monitor\'s', async (t) => {
  const d = new LoopDelay();
  t.teardown(() => d.stop());
  d.wake();
  d.sleep(10);
  spin(60);
  // Woken between two heartbeats, 2 since the window started: the one under way is overdue.
  d.window(2, true);
  d.wake();
  const first = d.figures();
  t.ok(first.p99Ms >= 20, `the overdue heartbeat counts (${first.p99Ms} ms)`);
  d.reported();
  await sampled(d);
  t.ok(d.samples > 0, 'the monitor samples again');
});

t.test('sleep and wake again and again: one monitor, taken up again while V8 has not freed it', async (t) => {
  // Without reuse every cycle would leave a monitor whose reset mapped ~0.36 MB of counters.
  const script = `
    import { readFileSync } from 'node:fs';
    import { LoopDelay } from ${JSON.stringify(MODULE)};
    const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    const d = new LoopDelay();
    const cycle = async () => { d.wake(); while (d.samples === 0) await new Promise((r) => setTimeout(r, 5)); d.reported(); d.sleep(1000); };
    await cycle();
    const before = anon();
    for (let i = 0; i < 20; i++) await cycle();
    process.stdout.write(String(anon() - before));
  `;
  const grownKb = await runChild(['--input-type=module', '-e', script]);
  t.ok(grownKb < 2048, `20 cycles grew RssAnon by ${grownKb} kB (20 monitors would be ~7,000)`);
});

t.test('a quiet worker\'s monitor and its counters are freed by V8\'s next collection', { skip: !existsSync('/proc/self/status') && 'needs /proc' }, async (t) => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { LoopDelay } from ${JSON.stringify(MODULE)};
    const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    const d = new LoopDelay();
    d.wake();
    while (d.samples === 0) await new Promise((r) => setTimeout(r, 5));
    d.reported();
    const held = anon();
    d.sleep(1000);
    for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    process.stdout.write(String(held - anon()));
  `;
  const freedKb = await runChild(['--expose-gc', '--input-type=module', '-e', script]);
  t.ok(freedKb >= 256, `RssAnon −${freedKb} kB (the counters' pages: ~360)`);
});

async function runChild(args: string[]): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`child exited with ${String(code)}`);
  return Number(out);
}
