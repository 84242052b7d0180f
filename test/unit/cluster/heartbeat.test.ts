import t from 'tap';
import { HeartbeatWatch } from '../../../src/cluster/heartbeat.js';
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
