import t from 'tap';
import { LOG_STREAMS, RELOAD_STRATEGIES } from '../../../src/protocol/index.js';
import { checkParams } from '../../../src/daemon/request-check.js';

t.test('reload takes every declared strategy and nothing else', async (t) => {
  for (const strategy of RELOAD_STRATEGIES) t.same(checkParams('reload', { name: 'api', strategy }), { name: 'api', strategy }, strategy);
  const refused = (() => {
    try {
      checkParams('reload', { name: 'api', strategy: 'canary' });
    } catch (err) {
      return err as { code: string; message: string };
    }
    return null;
  })();
  t.equal(refused?.code, 'E_PROTOCOL');
  // The refusal lists what is accepted, from the one declaration.
  for (const strategy of RELOAD_STRATEGIES) t.match(refused?.message, `"${strategy}"`, strategy);
});

t.test('logs takes every declared stream and nothing else', async (t) => {
  for (const stream of LOG_STREAMS) t.same(checkParams('logs', { stream }), { stream }, stream);
  t.throws(() => checkParams('logs', { stream: 'both' }), { code: 'E_PROTOCOL' });
});

t.test('reload auto: an object of known canary plan fields with valid values, else E_PROTOCOL', async (t) => {
  t.same(checkParams('reload', { name: 'api', auto: {} }), { name: 'api', auto: {} });
  t.same(checkParams('reload', { name: 'api', auto: { steps: [5, 50], max_error_rate: 0.02, step_interval: 1000 } }), { name: 'api', auto: { steps: [5, 50], max_error_rate: 0.02, step_interval: 1000 } });
  for (const auto of [[], 'yes', { max_error_rate: 2 }, { steps: [] }, { unknown: 1 }]) t.throws(() => checkParams('reload', { name: 'api', auto }), { code: 'E_PROTOCOL' }, JSON.stringify(auto));
});

t.test('after_hello is no method\'s parameter: the check refuses it, as daemons before the rule did (the control server strips it first)', async (t) => {
  for (const method of ['reload', 'rollback', 'promote', 'stop'] as const) {
    t.throws(() => checkParams(method, { name: 'api', after_hello: true }), { code: 'E_PROTOCOL', message: /Unknown parameter "after_hello"/ }, method);
  }
});
