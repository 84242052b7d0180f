import t from 'tap';
import {
  isComingUpWorker,
  isFailedWorker,
  isLiveWorker,
  isReloadStrategy,
  isServingWorker,
  isUpWorker,
  isSettledUnready,
  isStayingWorker,
  isTerminalOperationState,
  OPERATION_STATES,
  RELOAD_STRATEGIES,
  WORKER_STATES,
  type WorkerState,
} from '../../../src/protocol/index.js';

// The table of the TSDoc in src/protocol/states.ts, row by row: live, coming up, up, serving, staying, failed, settled unready.
const TABLE: Record<WorkerState, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = {
  forking: [true, true, false, false, true, false, false],
  starting: [true, true, false, false, true, false, false],
  ready: [true, false, true, true, true, false, false],
  unresponsive: [true, false, true, false, true, false, true],
  parked: [true, false, false, false, false, false, true],
  draining: [true, false, false, false, false, false, true],
  exited: [false, false, false, false, false, false, true],
  crashed: [false, false, false, false, false, true, true],
  backoff: [false, false, false, false, false, true, true],
  errored: [false, false, false, false, false, true, true],
};

t.test('every worker state answers every predicate as the table says', async (t) => {
  t.same(Object.keys(TABLE).sort(), [...WORKER_STATES].sort(), 'the table covers every state');
  for (const state of WORKER_STATES) {
    t.same([isLiveWorker(state), isComingUpWorker(state), isUpWorker(state), isServingWorker(state), isStayingWorker(state), isFailedWorker(state), isSettledUnready(state)], TABLE[state], state);
  }
});

t.test('draining: live, but neither serving, staying nor failed', async (t) => {
  t.equal(isLiveWorker('draining'), true);
  t.equal(isServingWorker('draining'), false);
  t.equal(isStayingWorker('draining'), false);
  t.equal(isFailedWorker('draining'), false);
});

t.test('the predicates are consistent with each other', async (t) => {
  for (const s of WORKER_STATES) {
    t.equal(isStayingWorker(s), isLiveWorker(s) && s !== 'draining' && s !== 'parked', `${s}: staying = live and neither draining nor parked`);
    t.notOk(isFailedWorker(s) && isLiveWorker(s), `${s}: a failed worker has no process`);
    t.notOk(isComingUpWorker(s) && isServingWorker(s), `${s}: coming up and serving exclude each other`);
    t.equal(isStayingWorker(s), isComingUpWorker(s) || isUpWorker(s), `${s}: staying = coming up or up`);
    if (isServingWorker(s)) t.ok(isUpWorker(s), `${s}: serving implies up`);
  }
});

t.test('operation states: terminal ones are succeeded and failed', async (t) => {
  t.same(OPERATION_STATES.filter(isTerminalOperationState), ['succeeded', 'failed']);
});

t.test('reload strategies: the guard accepts the declared ones only', async (t) => {
  for (const s of RELOAD_STRATEGIES) t.ok(isReloadStrategy(s), s);
  t.notOk(isReloadStrategy('canary'));
  t.notOk(isReloadStrategy(undefined));
});
