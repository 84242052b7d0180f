import t from 'tap';
import { fileURLToPath } from 'node:url';
import { validateEcosystem } from '../../../src/config/validate.js';
import { defaultCanaryPlan, planProblems, withOverrides } from '../../../src/protocol/index.js';
import { HotctlError } from '../../../src/protocol/index.js';

const self = fileURLToPath(import.meta.url);
const app = (canary: unknown) => ({ apps: [{ name: 'api', script: self, canary }] });
function problems(canary: unknown): Array<{ path: string; expected: string }> {
  try {
    validateEcosystem(app(canary), { file: 'eco.json', baseDir: '/' });
    return [];
  } catch (err) {
    t.ok(err instanceof HotctlError);
    return ((err as HotctlError).details as { problems: Array<{ path: string; expected: string }> }).problems;
  }
}

t.test('a canary block is normalised: shares in percent, durations in ms, defaults filled in', async (t) => {
  const spec = validateEcosystem(app({ steps: ['5%', '25%', '50%'], step_interval: '2s', max_error_rate: 0.02, min_requests: 20 }), { file: null, baseDir: '/' }).apps[0]!;
  t.same(spec.canary, { steps: [5, 25, 50], step_interval: 2000, max_error_rate: 0.02, max_p99_ratio: 1.5, min_requests: 20, max_step_interval: 8000, max_event_loop_delay_ms: null });
});

t.test('an app without a canary block has none (reload --auto uses the defaults)', async (t) => {
  const spec = validateEcosystem({ apps: [{ name: 'api', script: self }] }, { file: null, baseDir: '/' }).apps[0]!;
  t.equal(spec.canary, undefined);
  t.same(defaultCanaryPlan().steps, [5, 25, 50]);
});

t.test('every bad field is named, with what it expects', async (t) => {
  const found = problems({ steps: ['50%', '25%'], step_interval: 'soon', max_error_rate: 2, max_p99_ratio: 0, min_requests: -1, max_event_loop_delay_ms: 'x', steps_: 1 });
  t.same(found.map((p) => p.path).sort(), ['apps[0].canary.max_error_rate', 'apps[0].canary.max_event_loop_delay_ms', 'apps[0].canary.max_p99_ratio', 'apps[0].canary.min_requests', 'apps[0].canary.step_interval', 'apps[0].canary.steps', 'apps[0].canary.steps_']);
  t.match(found.find((p) => p.path.endsWith('.steps'))?.expected, /ascending/);
});

t.test('not an object; a share of 100% or more; max_step_interval below step_interval', async (t) => {
  t.same(problems('auto').map((p) => p.path), ['apps[0].canary']);
  t.same(problems({ steps: ['100%'] }).map((p) => p.path), ['apps[0].canary.steps']);
  t.same(problems({ step_interval: '10s', max_step_interval: '5s' }).map((p) => p.path), ['apps[0].canary.max_step_interval']);
});

t.test('overrides: a step_interval without max_step_interval moves the bound to 4 ×; planProblems names what cannot run', async (t) => {
  const plan = withOverrides(defaultCanaryPlan(), { step_interval: 1000, max_error_rate: 0.05 });
  t.same([plan.step_interval, plan.max_step_interval, plan.max_error_rate], [1000, 4000, 0.05]);
  t.same(planProblems(plan), []);
  t.match(planProblems({ ...plan, steps: [50, 25] }).join(), /steps/);
  t.match(planProblems({ ...plan, max_step_interval: 500 }).join(), /max_step_interval/);
});
