import t from 'tap';
import type { CodeFacts } from '../../../src/cluster/apply-plan.js';
import { codeChanges, planApply } from '../../../src/cluster/apply-plan.js';
import type { AppSpec } from '../../../src/protocol/index.js';
import { appDefaults } from '../../../src/protocol/index.js';

const spec = (name: string, extra: Partial<AppSpec> = {}): AppSpec => ({ ...appDefaults(), name, script: `/srv/${name}.js`, cwd: '/srv', ...extra }) as AppSpec;
const facts = (sha: string, version: string | null = '1.0.0', commit: string | null = 'a'.repeat(40)): CodeFacts => ({ script_sha256: sha, app_version: version, git_commit: commit });

t.test('a new app starts', async (t) => {
  t.same(planApply([], [spec('api')], {}), [{ app: 'api', action: 'start', changed: [], reasons: ['new app'] }]);
});

t.test('nothing changed: reloaded all the same (the deploy step), unless changedOnly', async (t) => {
  const f = new Map([['api', facts('s1')]]);
  const [item] = planApply([spec('api')], [spec('api')], { runningFacts: f, wantedFacts: f });
  t.equal(item!.action, 'reload');
  t.match(item!.reasons![0], /^redeploy: no change seen/);
  t.same(planApply([spec('api')], [spec('api')], { changedOnly: true, runningFacts: f, wantedFacts: f }), [{ app: 'api', action: 'unchanged', changed: [], reasons: [] }]);
});

t.test('new code on disk with an unchanged file: reload, saying what changed', async (t) => {
  const before = new Map([['api', facts('s1', '1.0.0', 'a'.repeat(40))]]);
  const after = new Map([['api', facts('s2', '1.1.0', 'b'.repeat(40))]]);
  for (const changedOnly of [false, true]) {
    const [item] = planApply([spec('api')], [spec('api')], { changedOnly, runningFacts: before, wantedFacts: after });
    t.equal(item!.action, 'reload');
    t.same(item!.reasons, ['git commit aaaaaaa → bbbbbbb', 'version 1.0.0 → 1.1.0', 'entry script changed (sha256)']);
  }
  t.same(codeChanges(facts('s1'), facts('s2')), ['entry script changed (sha256)'], 'only the entry script');
  t.same(codeChanges(facts('s1', null, null), facts('s1', '2.0.0', null)), ['version none → 2.0.0']);
  t.same(codeChanges(undefined, facts('s1')), [], 'unknown facts: no claim');
});

t.test('a spec change is named with its keys', async (t) => {
  const [item] = planApply([spec('api')], [spec('api', { env: { A: '1' }, args: ['x'] })], { changedOnly: true });
  t.same(item, { app: 'api', action: 'reload', changed: ['args', 'env'], reasons: ['spec changed: args, env'] });
});

t.test('only instances changed: scale; with new code too: reload', async (t) => {
  const same = new Map([['api', facts('s1')]]);
  const [scale] = planApply([spec('api', { instances: 2 })], [spec('api', { instances: 4 })], { runningFacts: same, wantedFacts: same });
  t.same(scale, { app: 'api', action: 'scale', changed: ['instances'], instances: { from: 2, to: 4 }, reasons: ['instances 2 → 4'] });
  const [reload] = planApply([spec('api', { instances: 2 })], [spec('api', { instances: 4 })], { runningFacts: same, wantedFacts: new Map([['api', facts('s2')]]) });
  t.equal(reload!.action, 'reload');
  t.same(reload!.reasons, ['spec changed: instances', 'entry script changed (sha256)']);
});

t.test('apps not in the file: kept, or deleted with prune', async (t) => {
  t.same(planApply([spec('old')], [], {}).map((i) => i.action), ['keep']);
  t.same(planApply([spec('old')], [], { prune: true }).map((i) => i.action), ['delete']);
});

t.test('the boolean form (prune) keeps the old behaviour: only changes', async (t) => {
  t.same(planApply([spec('api')], [spec('api')], false).map((i) => i.action), ['unchanged']);
});

t.test('instances and another key changed: reload (a scale never carries another change)', async (t) => {
  const [item] = planApply([spec('api', { instances: 2 })], [spec('api', { instances: 4, env: { A: '1' } })], { changedOnly: true });
  t.equal(item!.action, 'reload');
  t.same(item!.changed, ['env', 'instances']);
});

t.test('code facts that could not be read count as no code change; a nested spec change is seen', async (t) => {
  const before = new Map([['api', facts('s1')]]);
  const [item] = planApply([spec('api')], [spec('api')], { changedOnly: true, runningFacts: before });
  t.equal(item!.action, 'unchanged');
  const [nested] = planApply([spec('api', { env: { A: '1', B: '2' } })], [spec('api', { env: { A: '1', B: '3' } })], { changedOnly: true });
  t.same(nested!.changed, ['env']);
});

t.test('several apps: each planned on its own, in the file order, then those missing from it', async (t) => {
  const plan = planApply([spec('a'), spec('b', { instances: 1 }), spec('gone')], [spec('b', { instances: 3 }), spec('a'), spec('new')], { changedOnly: true, prune: true });
  t.same(plan.map((i) => [i.app, i.action]), [['b', 'scale'], ['a', 'unchanged'], ['new', 'start'], ['gone', 'delete']]);
});
