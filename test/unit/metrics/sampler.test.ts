import t from 'tap';
import type { WorkerReport } from '../../../src/protocol/index.js';
import { MetricsSampler, type SampleTarget, type UsageFn } from '../../../src/metrics/sampler.js';
import { aggregateApps, nextRequestCounter, workerMetrics, type AppInfo, type RequestCounter } from '../../../src/metrics/tick.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function report(served: number, extra: Partial<WorkerReport> = {}): WorkerReport {
  return { heapUsedBytes: 10, heapTotalBytes: 20, eventLoopDelayP50Ms: 1.5, eventLoopDelayP99Ms: 9, requestsInFlight: 2, requestsServed: served, ...extra };
}

function appInfo(app: string): AppInfo {
  return { app, revision: 3, restarts: 1, uptime_ms: 5000, reloads: { succeeded: 2, failed: 1 } };
}

t.test('request rate: delta between ticks that saw a new report, over the time between them', async (t) => {
  const r1 = report(100);
  const first = nextRequestCounter(undefined, 7, r1, T0, 3000)!;
  t.equal(first.rate, null, 'the first report of a process has no rate yet');

  const r2 = report(150);
  const second = nextRequestCounter(first, 7, r2, T0 + 1000, 3000)!;
  t.equal(second.rate, 50);

  // The next tick sees no new report (the two clocks drifted): the rate holds instead of reading 0.
  const same = nextRequestCounter(second, 7, r2, T0 + 2000, 3000)!;
  t.equal(same.rate, 50);
  t.equal(same.seenMs, T0 + 1000, 'the baseline stays at the tick that saw the report');

  // ... and the one after sees the report that came in between: 2 s worth of requests over 2 s.
  const r3 = report(250);
  const third = nextRequestCounter(same, 7, r3, T0 + 3000, 3000)!;
  t.equal(third.rate, 50);
});

t.test('request rate: no report → no counter; a stale report reads 0; a new pid or a reset counter starts over', async (t) => {
  t.equal(nextRequestCounter(undefined, 7, undefined, T0, 3000), undefined);

  const base: RequestCounter = { pid: 7, report: report(100), served: 100, seenMs: T0, rate: 20 };
  t.equal(nextRequestCounter(base, 7, base.report, T0 + 3000, 3000)!.rate, 20, 'not stale at exactly staleMs');
  t.equal(nextRequestCounter(base, 7, base.report, T0 + 3001, 3000)!.rate, 0, 'stale past staleMs');

  const newPid = nextRequestCounter(base, 8, report(5), T0 + 1000, 3000)!;
  t.same({ pid: newPid.pid, served: newPid.served, rate: newPid.rate }, { pid: 8, served: 5, rate: null });

  const reset = nextRequestCounter(base, 7, report(3), T0 + 1000, 3000)!;
  t.equal(reset.rate, null, 'a counter that went down (a new process) gives no negative rate');

  const sameTick = nextRequestCounter(base, 7, report(140), T0, 3000)!;
  t.equal(sameTick.rate, 20, 'zero elapsed keeps the last rate rather than dividing by 0');
});

t.test('worker metrics: usage from the OS, the rest from the report (null before the first)', async (t) => {
  const target: SampleTarget = { app: 'api', workerId: 4, pid: 44, revision: 2, report: report(10) };
  const counter: RequestCounter = { pid: 44, report: target.report!, served: 10, seenMs: T0, rate: 12.345 };
  t.same(workerMetrics(target, { cpu: 12.3456, memory: 1000.4 }, counter), {
    app: 'api',
    worker_id: 4,
    pid: 44,
    revision: 2,
    cpu_percent: 12.35,
    rss_bytes: 1000,
    heap_used_bytes: 10,
    heap_total_bytes: 20,
    event_loop_delay_p50_ms: 1.5,
    event_loop_delay_p99_ms: 9,
    requests_in_flight: 2,
    requests_total: 10,
    requests_per_sec: 12.35,
  });
  const bare = workerMetrics({ ...target, report: undefined }, { cpu: 0, memory: 5 }, undefined);
  t.same(
    [bare.heap_used_bytes, bare.heap_total_bytes, bare.event_loop_delay_p50_ms, bare.event_loop_delay_p99_ms, bare.requests_in_flight, bare.requests_total, bare.requests_per_sec],
    [null, null, null, null, null, null, null],
  );
});

t.test('apps aggregate their own workers; an app without sampled workers reads zeros', async (t) => {
  const w = (app: string, cpu: number, rss: number, rps: number | null) => workerMetrics({ app, workerId: 1, pid: 1, revision: 1, report: undefined }, { cpu, memory: rss }, rps === null ? undefined : { pid: 1, report: report(0), served: 0, seenMs: 0, rate: rps });
  const apps = aggregateApps([appInfo('api'), appInfo('jobs'), appInfo('idle')], [w('api', 10, 100, 5), w('api', 2.5, 50, null), w('jobs', 1, 7, 3)]);
  t.same(apps, [
    { app: 'api', revision: 3, restarts: 1, uptime_ms: 5000, reloads: { succeeded: 2, failed: 1 }, requests_per_sec: 5, cpu_percent: 12.5, rss_bytes: 150 },
    { app: 'jobs', revision: 3, restarts: 1, uptime_ms: 5000, reloads: { succeeded: 2, failed: 1 }, requests_per_sec: 3, cpu_percent: 1, rss_bytes: 7 },
    { app: 'idle', revision: 3, restarts: 1, uptime_ms: 5000, reloads: { succeeded: 2, failed: 1 }, requests_per_sec: 0, cpu_percent: 0, rss_bytes: 0 },
  ]);
});

/** A sampler over mutable targets, a fake clock and a fake usage function that records its calls. */
function rig(usageFor: (pid: number) => { cpu: number; memory: number } | undefined) {
  let now = T0;
  const calls: number[][] = [];
  const targets: SampleTarget[] = [];
  const usage: UsageFn = async (pids) => {
    calls.push([...pids]);
    const out: Record<number, { cpu: number; memory: number }> = {};
    for (const pid of pids) {
      const u = usageFor(pid);
      if (u) out[pid] = u;
    }
    return out;
  };
  const sampler = new MetricsSampler({ intervalMs: 1000, targets: () => targets, apps: () => [appInfo('api')], usage, now: () => now });
  return { sampler, calls, targets, advance: (ms: number) => (now += ms) };
}

t.test('one usage call per tick for every pid; per-worker rates; apps summed', async (t) => {
  const { sampler, calls, targets, advance } = rig(() => ({ cpu: 10, memory: 1000 }));
  const a = { app: 'api', workerId: 1, pid: 101, revision: 1, report: report(0) };
  const b = { app: 'api', workerId: 2, pid: 102, revision: 1, report: report(0) };
  targets.push(a, b);
  const first = await sampler.tick();
  t.same(first.workers.map((w) => w.requests_per_sec), [null, null]);

  advance(1000);
  a.report = report(30);
  b.report = report(10);
  const second = await sampler.tick();
  t.same(calls, [[101, 102], [101, 102]], 'exactly one usage call per tick, with all pids');
  t.same(second.workers.map((w) => w.requests_per_sec), [30, 10]);
  t.same(second.apps.map((x) => [x.app, x.requests_per_sec, x.cpu_percent, x.rss_bytes]), [['api', 40, 20, 2000]]);
  t.equal(second.at, new Date(T0 + 1000).toISOString());
  t.equal(sampler.snapshot(), second);
  t.equal(sampler.latest('api', 2)?.requests_per_sec, 10);
  t.equal(sampler.latest('api', 3), undefined);
});

t.test('a pid the usage read misses (it just exited) is left out of the tick, and nothing throws', async (t) => {
  const { sampler, targets } = rig((pid) => (pid === 202 ? undefined : { cpu: 1, memory: 1 }));
  targets.push({ app: 'api', workerId: 1, pid: 201, revision: 1, report: undefined }, { app: 'api', workerId: 2, pid: 202, revision: 1, report: undefined });
  const event = await sampler.tick();
  t.same(
    event.workers.map((w) => w.worker_id),
    [1],
  );
  t.equal(sampler.latest('api', 2), undefined);
});

t.test('a failing usage call is logged and the tick still completes', async (t) => {
  const lines: string[] = [];
  const sampler = new MetricsSampler({
    intervalMs: 1000,
    targets: () => [{ app: 'api', workerId: 1, pid: 1, revision: 1, report: undefined }],
    apps: () => [appInfo('api')],
    usage: async () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
    log: (line) => lines.push(line),
  });
  const event = await sampler.tick();
  t.same(event.workers, []);
  t.equal(event.apps.length, 1);
  t.equal(lines.length, 1);
});

t.test('ticks never overlap: a tick asked for while one runs is that same tick', async (t) => {
  let release!: () => void;
  let calls = 0;
  const sampler = new MetricsSampler({
    intervalMs: 1000,
    targets: () => [{ app: 'api', workerId: 1, pid: 1, revision: 1, report: undefined }],
    apps: () => [],
    usage: () => {
      calls++;
      return new Promise((resolve) => (release = () => resolve({ 1: { cpu: 0, memory: 0 } })));
    },
  });
  const p1 = sampler.tick();
  const p2 = sampler.tick();
  t.equal(p1, p2);
  release();
  await p1;
  t.equal(calls, 1);
  const p3 = sampler.tick();
  t.not(p3, p1, 'the next tick is a new one');
  release();
  await p3;
  t.equal(calls, 2);
});

t.test('listeners get every tick until removed; one that throws does not stop the others', async (t) => {
  const { sampler, targets } = rig(() => ({ cpu: 0, memory: 0 }));
  targets.push({ app: 'api', workerId: 1, pid: 1, revision: 1, report: undefined });
  const seen: string[] = [];
  sampler.onTick(() => {
    throw new Error('listener bug');
  });
  const off = sampler.onTick((e) => seen.push(e.at));
  await sampler.tick();
  off();
  await sampler.tick();
  t.equal(seen.length, 1);
});

t.test('start(): ticks on its timer without keeping the process alive; stop() ends it', async (t) => {
  let calls = 0;
  const sampler = new MetricsSampler({
    intervalMs: 5,
    targets: () => [{ app: 'api', workerId: 1, pid: 1, revision: 1, report: undefined }],
    apps: () => [],
    usage: async () => (calls++, { 1: { cpu: 0, memory: 0 } }),
  });
  // Bounded wait on the event itself; the timer is unref'd, so a ref'd guard keeps the test alive.
  const guard = setTimeout(() => {}, 10_000);
  const ticked = new Promise<number>((resolve) => {
    let n = 0;
    const off = sampler.onTick(() => {
      if (++n === 3) (off(), resolve(n));
    });
  });
  sampler.start();
  sampler.start();
  const n = await Promise.race([ticked, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no 3 ticks in 10 s')), 10_000).unref())]);
  clearTimeout(guard);
  sampler.stop();
  t.equal(n, 3);
  const after = calls;
  await sampler.tick();
  t.equal(calls, after + 1, 'tick() still works by hand after stop()');
  t.throws(() => new MetricsSampler({ intervalMs: 0, targets: () => [], apps: () => [] }), RangeError);
});

t.test('a tick that throws (a provider bug) is logged and the timer goes on', async (t) => {
  const lines: string[] = [];
  let calls = 0;
  const sampler = new MetricsSampler({
    intervalMs: 5,
    targets: () => {
      if (++calls <= 2) throw new Error('provider bug');
      return [];
    },
    apps: () => [],
    usage: async () => ({}),
    log: (line) => lines.push(line),
  });
  const guard = setTimeout(() => {}, 10_000);
  const ticked = new Promise<void>((resolve) => sampler.onTick(() => resolve()));
  sampler.start();
  await Promise.race([ticked, new Promise<void>((_, reject) => setTimeout(() => reject(new Error('no tick in 10 s')), 10_000).unref())]);
  clearTimeout(guard);
  sampler.stop();
  t.equal(lines.length, 2, 'both failures logged');
  t.equal(calls, 3, 'the third tick ran');
});

t.test('a report ticks the running sampler in its own wake-up when a tick is due, after the report’s other listeners; not again before the interval', async (t) => {
  let now = T0;
  let calls = 0;
  const sampler = new MetricsSampler({ intervalMs: 1000, targets: () => [], apps: () => [], usage: () => (calls++, {}), now: () => now });
  sampler.reportArrived();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(calls, 0, 'a stopped sampler does not tick on reports');
  sampler.start();
  t.teardown(() => sampler.stop());
  sampler.reportArrived();
  t.equal(calls, 0, 'not within the report’s listeners…');
  await Promise.resolve();
  t.equal(calls, 1, '…but right after them');
  now += 500;
  sampler.reportArrived();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(calls, 1, 'half an interval later: no tick');
  now += 450;
  sampler.reportArrived();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(calls, 2, 'about an interval later: the report’s tick');
});

t.test('ticks are scheduled on the monotonic clock: a wall clock set back an hour does not hold them', async (t) => {
  let wall = T0;
  let mono = 0;
  let calls = 0;
  const sampler = new MetricsSampler({ intervalMs: 1000, targets: () => [], apps: () => [], usage: () => (calls++, {}), now: () => wall, clockMs: () => mono });
  sampler.start();
  t.teardown(() => sampler.stop());
  sampler.reportArrived();
  await Promise.resolve();
  t.equal(calls, 1);
  wall -= 3_600_000;
  mono += 1000;
  sampler.reportArrived();
  await Promise.resolve();
  t.equal(calls, 2, 'the report an interval later ticks');
});
