import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerReport } from '../../../src/protocol/worker-ipc.js';
import { countersStill, measuresClose, QUIET_DELAY_MS, QUIET_HEAP_BYTES, quietHeartbeatMs, quietSince } from '../../../src/runtime/quiet.js';
import { everyQuietly } from '../../../src/runtime/quiet-timer.js';

const idle: WorkerReport = {
  heapUsedBytes: 4_000_000,
  heapTotalBytes: 6_000_000,
  eventLoopDelayP50Ms: 0.2,
  eventLoopDelayP99Ms: 1.5,
  requestsInFlight: 0,
  requestsServed: 7,
  connectionsOpen: 0,
  outcomes: { responses: { '1xx': 0, '2xx': 7, '3xx': 0, '4xx': 0, '5xx': 0 }, resets: 1, timeouts: 0, duration_buckets: [], duration_sum_s: 0.01 },
};

t.test('quietSince: counters exact, no connection, heap and delay within their thresholds', async (t) => {
  t.ok(quietSince(idle, { ...idle }), 'the same report');
  t.ok(quietSince(idle, { ...idle, heapUsedBytes: idle.heapUsedBytes + QUIET_HEAP_BYTES - 1, heapTotalBytes: idle.heapTotalBytes - QUIET_HEAP_BYTES + 1 }), 'heap within its threshold');
  t.ok(quietSince(idle, { ...idle, eventLoopDelayP99Ms: idle.eventLoopDelayP99Ms + QUIET_DELAY_MS - 0.01 }), 'delay within its threshold');
  const moved: Array<[string, Partial<WorkerReport>]> = [
    ['a request served', { requestsServed: 8 }],
    ['a request in flight', { requestsInFlight: 1 }],
    ['a connection open', { connectionsOpen: 1 }],
    ['a reset', { outcomes: { ...idle.outcomes!, resets: 2 } }],
    ['a timeout', { outcomes: { ...idle.outcomes!, timeouts: 1 } }],
    ['heap used', { heapUsedBytes: idle.heapUsedBytes + QUIET_HEAP_BYTES }],
    ['heap total', { heapTotalBytes: idle.heapTotalBytes - QUIET_HEAP_BYTES }],
    ['p50', { eventLoopDelayP50Ms: idle.eventLoopDelayP50Ms + QUIET_DELAY_MS }],
    ['p99', { eventLoopDelayP99Ms: idle.eventLoopDelayP99Ms + QUIET_DELAY_MS }],
  ];
  for (const [what, change] of moved) t.notOk(quietSince(idle, { ...idle, ...change }), what);
  // A quiet worker wakes for the counters (a connection); for heap and delay it sends a report and stays quiet.
  for (const [what, change] of moved.slice(0, 5)) t.ok(!countersStill(idle, { ...idle, ...change }) && measuresClose(idle, { ...idle, ...change }), `${what}: a counter`);
  for (const [what, change] of moved.slice(5)) t.ok(countersStill(idle, { ...idle, ...change }) && !measuresClose(idle, { ...idle, ...change }), `${what}: a measure`);
  t.notOk(quietSince({ ...idle, connectionsOpen: 1 }, { ...idle, connectionsOpen: 1 }), 'never with a connection open, even an unchanged one');
  t.ok(quietSince({ ...idle, outcomes: undefined }, { ...idle, outcomes: undefined }), 'without outcomes (counting off)');
});

t.test('quietHeartbeatMs: absent, empty, invalid or 0 means never quiet', async (t) => {
  t.equal(quietHeartbeatMs(undefined), 0);
  t.equal(quietHeartbeatMs(''), 0);
  t.equal(quietHeartbeatMs('0'), 0);
  t.equal(quietHeartbeatMs('-1'), 0);
  t.equal(quietHeartbeatMs('soon'), 0);
  t.equal(quietHeartbeatMs('2500'), 2500);
});

t.test('everyQuietly fires until stopped, and a stop from inside the callback holds', async (t) => {
  // The quiet timer keeps no process alive (last test): this test's process is kept by a timer of its own.
  const keepAlive = setInterval(() => {}, 1000);
  t.teardown(() => clearInterval(keepAlive));
  let calls = 0;
  let stop: () => void = () => {};
  await new Promise<void>((resolve) => {
    stop = everyQuietly(5, () => {
      if (++calls === 3) {
        stop();
        resolve();
      }
    });
  });
  // Three more periods and then some: a stopped timer never calls again.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(calls, 3);
});

t.test('a pending quiet timer keeps no process alive', async (t) => {
  const module = fileURLToPath(new URL('../../../src/runtime/quiet-timer.js', import.meta.url));
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import { everyQuietly } from ${JSON.stringify(module)}; everyQuietly(600000, () => {});`], { stdio: 'ignore' });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  t.equal(code, 0, 'exits at once, as with an unref\'d timer');
});
