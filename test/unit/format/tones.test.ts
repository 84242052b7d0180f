import t from 'tap';
import { APP_STATUSES, OPERATION_STATES, REVISION_OUTCOMES, WORKER_STATES } from '../../../src/protocol/index.js';
import { STATE_TONES, toneOf, TONES, WORKER_STATE_RANK } from '../../../src/format/index.js';

t.test('every state of every vocabulary has a tone, and the table names no other state', async (t) => {
  const states = new Set<string>([...WORKER_STATES, ...APP_STATUSES, ...OPERATION_STATES, ...REVISION_OUTCOMES]);
  for (const state of states) t.ok((TONES as readonly string[]).includes(toneOf(state) ?? ''), state);
  t.same(Object.keys(STATE_TONES).sort(), [...states].sort());
  t.equal(toneOf('no-such-state'), undefined);
  t.equal(toneOf('toString'), undefined, 'not fooled by the prototype');
});

t.test('the tones people rely on', async (t) => {
  t.equal(toneOf('ready'), 'good');
  t.equal(toneOf('online'), 'good');
  t.equal(toneOf('unresponsive'), 'bad', 'a hung worker is not progress');
  t.equal(toneOf('draining'), 'leaving');
  t.equal(toneOf('failed'), 'bad');
  t.equal(toneOf('exited'), 'idle');
});

t.test('every worker state has its own place in the list', async (t) => {
  t.same(Object.keys(WORKER_STATE_RANK).sort(), [...WORKER_STATES].sort());
  t.equal(new Set(Object.values(WORKER_STATE_RANK)).size, WORKER_STATES.length);
});
