import t from 'tap';
import { autoParams } from '../../../src/cli/commands/reload-auto.js';

t.test('--auto alone: the app\'s plan as it is', async (t) => {
  t.same(await autoParams({ auto: true }), { auto: {} });
  t.same(await autoParams({}), {});
});

t.test('each override flag sets its plan field, normalised (shares in percent, durations in ms)', async (t) => {
  const params = await autoParams({ auto: true, steps: '5%,25%,50%', stepInterval: '2s', maxErrorRate: '0.02', maxP99Ratio: '1.8', minRequests: '20', maxStepInterval: '10s', maxEventLoopDelayMs: '150' });
  t.same(params, { auto: { steps: [5, 25, 50], step_interval: 2000, max_error_rate: 0.02, max_p99_ratio: 1.8, min_requests: 20, max_step_interval: 10_000, max_event_loop_delay_ms: 150 } });
});

t.test('a bad value or a flag without --auto is a usage error naming the flag', async (t) => {
  await t.rejects(autoParams({ auto: true, steps: '50%,25%' }), { code: 'E_USAGE', message: /--steps takes .*ascending/ });
  await t.rejects(autoParams({ auto: true, maxErrorRate: '5%' }), { code: 'E_USAGE', message: /--max-error-rate takes a number from 0 to 1/ });
  await t.rejects(autoParams({ auto: true, stepInterval: 'soon' }), { code: 'E_USAGE', message: /--step-interval/ });
  await t.rejects(autoParams({ maxP99Ratio: '2' }), { code: 'E_USAGE', message: /--max-p99-ratio goes with --auto/ });
});
