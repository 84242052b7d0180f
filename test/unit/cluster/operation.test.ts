import t from 'tap';
import { OPERATION_STATES, TERMINAL_OPERATION_STATES } from '../../../src/protocol/index.js';
import { Operation, OPERATION_TRANSITIONS } from '../../../src/cluster/operation.js';

function op(onEvent: (state: string, message?: string) => void = () => {}) {
  let now = 1000;
  const o = new Operation('api', 'reload', 1, (x, m) => onEvent(x.state, m), () => (now += 10));
  return o;
}

t.test('every pair of operation states: allowed exactly when the table says so', async (t) => {
  for (const from of OPERATION_STATES) {
    for (const to of OPERATION_STATES) {
      const o = op();
      (o as unknown as { stateValue: string }).stateValue = from;
      if (OPERATION_TRANSITIONS[from].includes(to)) {
        o.transition(to);
        t.equal(o.state, to);
      } else {
        t.throws(() => o.transition(to), `${from} → ${to} refused`);
      }
    }
  }
});

t.test('terminal states are final and resolve finished', async (t) => {
  for (const s of TERMINAL_OPERATION_STATES) t.same(OPERATION_TRANSITIONS[s], []);
  const states: string[] = [];
  const o = op((s) => states.push(s));
  for (const s of ['starting', 'awaiting_ready', 'stabilizing', 'draining_old', 'succeeded'] as const) o.transition(s, s);
  const done = await o.finished;
  t.equal(done.state, 'succeeded');
  t.same(states, ['starting', 'awaiting_ready', 'stabilizing', 'draining_old', 'succeeded']);
  const snap = o.snapshot();
  t.equal(snap.steps.length, 5);
  t.ok(snap.ended_at);
  t.equal(snap.error, null);
});

t.test('a failure keeps its error and ends the operation', async (t) => {
  const o = op();
  o.transition('starting');
  o.transition('awaiting_ready');
  o.transition('rolling_back', 'worker 3 exited');
  o.fail({ code: 'E_RELOAD_FAILED', message: 'x', hint: 'y' }, 'failed');
  t.equal((await o.finished).state, 'failed');
  t.equal(o.snapshot().error?.code, 'E_RELOAD_FAILED');
});

t.test('abort ends an operation from any state (internal errors never hang)', async (t) => {
  const o = op();
  o.transition('starting');
  o.transition('awaiting_ready');
  o.transition('stabilizing');
  o.transition('draining_old');
  o.abort({ code: 'E_INTERNAL', message: 'bug', hint: 'report' }, 'bug');
  t.equal((await o.finished).state, 'failed');
});
