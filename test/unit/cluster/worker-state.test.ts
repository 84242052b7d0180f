import t from 'tap';
import { WORKER_STATES, type WorkerState, type WorkerTransitionEvent } from '../../../src/protocol/index.js';
import { canTransition, InvalidTransitionError, newWorker, WORKER_TRANSITIONS, WorkerLifecycle, type ManagedWorker } from '../../../src/cluster/worker-state.js';
import type { Revision } from '../../../src/cluster/revision.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function setup(deadlines: Partial<Record<WorkerState, number>> = {}) {
  const clock = new FakeClock();
  const events: WorkerTransitionEvent[] = [];
  const timeouts: WorkerState[] = [];
  const lifecycle = new WorkerLifecycle(clock, {
    deadlineMs: (_w, state) => deadlines[state] ?? null,
    onTimeout: (_w, state) => timeouts.push(state),
    onTransition: (event) => events.push(event),
  });
  const worker = newWorker({ id: 1, app: 'api', instance: 0, revision: { number: 1 } as Revision, role: 'serving', nowMs: clock.now() });
  return { clock, events, timeouts, lifecycle, worker };
}

function at(state: WorkerState): ManagedWorker {
  const w = newWorker({ id: 7, app: 'api', instance: 0, revision: { number: 3 } as Revision, role: 'serving', nowMs: 0 });
  w.state = state;
  return w;
}

t.test('every pair of states: allowed exactly when the table says so', async (t) => {
  let allowed = 0;
  for (const from of WORKER_STATES) {
    for (const to of WORKER_STATES) {
      const { lifecycle, events } = setup();
      const w = at(from);
      if (WORKER_TRANSITIONS[from].includes(to)) {
        lifecycle.transition(w, to, 'test');
        t.equal(w.state, to, `${from} → ${to}`);
        t.equal(events.length, 1, `${from} → ${to} emits one event`);
        t.same([events[0]!.from, events[0]!.to], [from, to]);
        allowed++;
      } else {
        t.throws(() => lifecycle.transition(w, to, 'test'), InvalidTransitionError, `${from} → ${to} refused`);
        t.equal(w.state, from, `${from} unchanged`);
        t.equal(events.length, 0);
      }
      t.equal(canTransition(from, to), WORKER_TRANSITIONS[from].includes(to));
    }
  }
  t.equal(allowed, Object.values(WORKER_TRANSITIONS).reduce((n, list) => n + list.length, 0));
});

t.test('exited is final; every other state can reach exited', async (t) => {
  t.same(WORKER_TRANSITIONS.exited, []);
  for (const from of WORKER_STATES.filter((s) => s !== 'exited')) {
    const seen = new Set<WorkerState>([from]);
    const queue: WorkerState[] = [from];
    while (queue.length) for (const next of WORKER_TRANSITIONS[queue.shift()!]) if (!seen.has(next)) (seen.add(next), queue.push(next));
    t.ok(seen.has('exited'), `${from} reaches exited`);
  }
});

t.test('entering a state arms its timer; leaving it clears the timer', async (t) => {
  const { clock, lifecycle, worker, timeouts } = setup({ starting: 500, ready: 1000, draining: 300 });
  lifecycle.created(worker, 'new');
  lifecycle.transition(worker, 'starting', 'online');
  t.equal(clock.pending, 1);
  clock.advance(499);
  lifecycle.transition(worker, 'ready', 'listening');
  t.equal(clock.pending, 1, 'the starting timer was replaced by the ready timer');
  clock.advance(10_000);
  t.same(timeouts, ['ready'], 'only the ready timer fired');
  lifecycle.transition(worker, 'draining', 'reload');
  lifecycle.transition(worker, 'exited', 'drained');
  clock.advance(10_000);
  t.same(timeouts, ['ready']);
  t.equal(clock.pending, 0);
});

t.test('a timer does not fire after its state was left', async (t) => {
  const { clock, lifecycle, worker, timeouts } = setup({ starting: 100 });
  lifecycle.transition(worker, 'starting', 'online');
  lifecycle.transition(worker, 'crashed', 'exit 1');
  clock.advance(1000);
  t.same(timeouts, []);
});

t.test('events carry the pid of the process that ended, then the worker has none', async (t) => {
  const { lifecycle, worker, events } = setup();
  worker.pid = 4242;
  worker.processStartedMs = 1;
  lifecycle.created(worker, 'new');
  lifecycle.transition(worker, 'starting', 'online');
  lifecycle.transition(worker, 'crashed', 'exit code 1', { exitCode: 1, signal: null });
  t.equal(events[0]!.from, null, 'creation event has from: null');
  t.equal(events[2]!.pid, 4242);
  t.equal(events[2]!.exit_code, 1);
  t.equal(worker.pid, null);
  t.equal(worker.processStartedMs, null);
});

t.test('backoff events carry their delay', async (t) => {
  const { lifecycle, events, clock, timeouts } = setup({ backoff: 150 });
  const w = at('crashed');
  lifecycle.transition(w, 'backoff', 'restart', { delayMs: 150 });
  t.equal(events[0]!.delay_ms, 150);
  clock.advance(150);
  t.same(timeouts, ['backoff']);
});
