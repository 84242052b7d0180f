/** The plan of an applied ecosystem file, and the summary after it ran. */
import t from 'tap';
import { createColours, stripColour } from '../../../src/cli/render/colour.js';
import { applySummary, describePlanItem, dryRunSummary, planChange, renderPlan } from '../../../src/cli/render/plan.js';
import type { ApplyPlanItem } from '../../../src/protocol/index.js';
import { failedReload, operation } from './fixtures/samples.js';

const plan: ApplyPlanItem[] = [
  { app: 'api', action: 'reload', changed: ['args', 'env'] },
  { app: 'web', action: 'scale', changed: ['instances'], instances: { from: 2, to: 4 } },
  { app: 'cron', action: 'start', changed: [] },
  { app: 'db', action: 'unchanged', changed: [] },
  { app: 'old', action: 'keep', changed: [] },
];

const c = createColours(false);
const cols = (line: string) => line.trim().split(/\s{2,}/);

t.test('the plan is a table: app, action, what changes', async (t) => {
  const lines = renderPlan('ecosystem.json', plan, c);
  t.equal(lines[0], 'Plan for ecosystem.json:');
  t.same(cols(lines[1]!), ['APP', 'ACTION', 'CHANGE']);
  t.same(lines.slice(2).map(cols), [
    ['api', 'reload', 'args, env'],
    ['web', 'scale', '2 → 4 workers'],
    ['cron', 'start', 'new app'],
    ['db', 'unchanged'],
    ['old', 'keep', 'not in the file (--prune deletes it)'],
  ]);
  t.same(renderPlan('x.json', plan, createColours(true)).map(stripColour), renderPlan('x.json', plan, c));
  t.same(renderPlan('x.json', [], c), ['Plan for x.json: no apps.']);
  t.equal(planChange({ app: 'old', action: 'delete', changed: [] }), 'not in the file (--prune)');
});

t.test('one-line items, for logs', async (t) => {
  t.equal(describePlanItem(plan[0]!), 'api: reload (changed: args, env)');
  t.equal(describePlanItem(plan[1]!), 'web: scale 2 → 4 workers (changed: instances)');
});

t.test('the summary counts what moved and what stayed', async (t) => {
  const finals = [
    operation({ app: 'api', state: 'succeeded' }),
    operation({ app: 'web', kind: 'scale', state: 'succeeded' }),
    operation({ app: 'cron', kind: 'start', state: 'succeeded' }),
  ];
  t.equal(applySummary('ecosystem.json', plan, finals, c), '✓ ecosystem.json: 1 reloaded, 1 scaled, 1 started; 1 unchanged, 1 kept');
});

t.test('a failed operation turns the summary into a failure that names it', async (t) => {
  const finals = [failedReload(), operation({ app: 'web', kind: 'scale', state: 'succeeded' }), operation({ app: 'cron', kind: 'start', state: 'succeeded' })];
  t.equal(applySummary('eco.json', plan, finals, c), '✗ eco.json: 1 scaled, 1 started; reload api failed (E_RELOAD_FAILED); 1 unchanged, 1 kept');
});

t.test('nothing to do', async (t) => {
  const same: ApplyPlanItem[] = [{ app: 'api', action: 'unchanged', changed: [] }];
  t.equal(applySummary('eco.json', same, [], c), '✓ eco.json: nothing to change; 1 unchanged');
  t.equal(dryRunSummary(same, c), 'Dry run: nothing was changed (nothing to change).');
  t.equal(dryRunSummary(plan, c), 'Dry run: nothing was changed (1 reload, 1 scale, 1 start planned).');
});
