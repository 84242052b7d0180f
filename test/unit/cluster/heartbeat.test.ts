import t from 'tap';
import { HEARTBEAT_INTERVAL_MS, HeartbeatWatch, quietHeartbeatIntervalMs } from '../../../src/cluster/heartbeat.js';
import { canTransition, WORKER_TRANSITIONS } from '../../../src/cluster/worker-state.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function setup() {
  const clock = new FakeClock();
  const silent: Array<[number, number]> = [];
  const watch = new HeartbeatWatch(clock, (id, ms) => silent.push([id, ms]));
  return { clock, silent, watch };
}

t.test('a worker that beats every second never goes silent; one that stops does, once, after its timeout', async (t) => {
  const { clock, silent, watch } = setup();
  watch.beat(1, 3000);
  watch.beat(2, 3000);
  for (let i = 0; i < 10; i++) {
    clock.advance(1000);
    watch.beat(1, 3000); // worker 2 sends nothing
  }
  t.same(silent, [[2, 3000]], 'only worker 2, exactly once');
  t.ok(watch.watching(1));
  t.notOk(watch.watching(2), 'a silent worker is no longer watched until it beats again');
  clock.advance(2999);
  t.same(silent, [[2, 3000]], 'worker 1 has 3000 ms after its last beat');
  clock.advance(1);
  t.same(silent, [[2, 3000], [1, 3000]]);
});

t.test('stop ends the watch; a timeout of 0 never fires', async (t) => {
  const { clock, silent, watch } = setup();
  watch.beat(1, 3000);
  watch.stop(1);
  watch.beat(2, 0);
  clock.advance(60_000);
  t.same(silent, []);
  t.equal(clock.pending, 0, 'no timer left behind');
});

t.test('the lifecycle table: ready ⇄ unresponsive; an unresponsive worker may drain, crash or end on purpose (a job), nothing else', async (t) => {
  t.ok(canTransition('ready', 'unresponsive'));
  t.same([...WORKER_TRANSITIONS.unresponsive].sort(), ['crashed', 'draining', 'exited', 'ready']);
  for (const from of ['forking', 'starting', 'draining', 'crashed', 'backoff', 'errored', 'exited'] as const) {
    t.notOk(canTransition(from, 'unresponsive'), `${from} → unresponsive refused: only a ready worker can go silent`);
  }
});

t.test('many beats arm no timer beyond one per worker: a beat records the time, the one timer re-arms for what is left', async (t) => {
  const clock = new FakeClock();
  let armed = 0;
  let cleared = 0;
  const counting = {
    now: () => clock.now(),
    setTimer: (fn: () => void, ms: number) => (armed++, clock.setTimer(fn, ms)),
    clearTimer: (h: Parameters<FakeClock['clearTimer']>[0]) => (cleared++, clock.clearTimer(h)),
  };
  const silent: number[] = [];
  const watch = new HeartbeatWatch(counting, (id) => silent.push(id));
  const workers = [1, 2, 3, 4];
  for (const id of workers) watch.beat(id, 3000);
  t.equal(armed, workers.length, 'one timer per worker to start');
  // 1,000 beats per worker, ten per second: none goes silent, no beat arms or clears a timer.
  let maxPending = 0;
  for (let i = 0; i < 1000; i++) {
    clock.advance(100);
    for (const id of workers) watch.beat(id, 3000);
    maxPending = Math.max(maxPending, clock.pending);
  }
  t.equal(maxPending, workers.length, 'never more than one pending timer per worker');
  t.same(silent, []);
  t.equal(cleared, 0, 'no beat cancels a timer');
  // 100 s of beats with a 3 s timeout: each worker's timer re-armed about once per 3 s, never per beat.
  t.ok(armed <= workers.length * (1 + Math.ceil(100_000 / 3000)), `${armed} timers armed for 4,000 beats`);
  t.equal(clock.pending, workers.length);
  clock.advance(3000);
  t.same(silent.sort(), workers, 'each goes silent 3 s after its last beat');
  t.equal(clock.pending, 0, 'no timer left behind');
});

t.test('a worker silent for part of its timeout, then beating again, is not reported; a shorter timeout applies at once', async (t) => {
  const { clock, silent, watch } = setup();
  watch.beat(1, 3000);
  clock.advance(2999);
  watch.beat(1, 3000);
  clock.advance(2999);
  t.same(silent, [], 'the timer fired at 3000 and re-armed for the 2999 ms left');
  watch.beat(1, 500);
  clock.advance(500);
  t.same(silent, [[1, 500]], 'the shorter timeout counts from the beat that set it');
  t.equal(clock.pending, 0);
});

t.test('a quiet worker beats every quarter of its heartbeat_timeout, never under the report interval, at most a minute', async (t) => {
  t.equal(quietHeartbeatIntervalMs(10_000), 2500, 'the default timeout');
  t.equal(quietHeartbeatIntervalMs(3000), HEARTBEAT_INTERVAL_MS, 'a short timeout: as often as reports');
  t.equal(quietHeartbeatIntervalMs(30_000), 7500);
  t.equal(quietHeartbeatIntervalMs(600_000), 60_000);
  t.equal(quietHeartbeatIntervalMs(0), 60_000, 'heartbeat_timeout 0 (never): still a beat a minute');
  // Whatever the period, a worker that stops beating is seen within its timeout (HeartbeatWatch above).
  for (const timeout of [3000, 10_000, 30_000, 600_000]) t.ok(quietHeartbeatIntervalMs(timeout) < timeout, `a beat within ${timeout} ms`);
});
