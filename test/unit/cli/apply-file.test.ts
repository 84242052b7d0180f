/** `hotctl reload <file>`: through the daemon's `apply`, or app by app with an older daemon. */
import t from 'tap';
import { applyFile, describePlanItem } from '../../../src/cli/apply-file.js';
import { ControlClient } from '../../../src/cli/client.js';
import { createOutput } from '../../../src/cli/output.js';
import type { AppSpec, OperationSnapshot } from '../../../src/protocol/index.js';
import { appDefaults } from '../../../src/protocol/index.js';
import { FakeError, startFakeDaemon } from './fixtures/fake-daemon.js';
import { operation, statusSnapshot } from './fixtures/samples.js';

function spec(name: string): AppSpec {
  return { ...appDefaults(), name, script: `/srv/${name}.js`, cwd: '/srv' } as AppSpec;
}

function done(kind: OperationSnapshot['kind'], app: string): OperationSnapshot {
  return operation({ id: `${kind}-${app}`, kind, app, state: 'succeeded', ended_at: 'x' });
}

function capture() {
  const lines: string[] = [];
  const out = createOutput({ stdout: { write: (s: string) => lines.push(...s.trimEnd().split('\n')) }, stderr: { write: () => true }, env: {} }, false);
  return { out, lines };
}

t.test('plan items read as one line each', async (t) => {
  t.equal(describePlanItem({ app: 'api', action: 'reload', changed: ['env', 'args'] }), 'api: reload (changed: env, args)');
});

t.test('with apply: one request, the plan printed, every operation followed, one summary', async (t) => {
  const fake = await startFakeDaemon({
    apply: () => ({
      plan: [
        { app: 'api', action: 'reload', changed: ['env'] },
        { app: 'web', action: 'start', changed: [] },
        { app: 'db', action: 'unchanged', changed: [] },
      ],
      operations: [done('reload', 'api'), done('start', 'web')],
    }),
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const { out, lines } = capture();
  const code = await applyFile(client, out, {}, [spec('api'), spec('web'), spec('db')], { wait: false, dryRun: false, source: 'eco.json' });
  t.equal(code, 0);
  t.same(fake.requests.map((r) => r.method), ['apply']);
  t.same(fake.requests[0]!.params.follow, true);
  t.notOk('prune' in fake.requests[0]!.params, 'no prune unless asked');
  t.equal(lines[0], 'Plan for eco.json:');
  t.ok(lines.some((l) => /^ {2}db +unchanged$/.test(l)), 'the plan names the unchanged app');
  t.equal(lines.filter((l) => l.startsWith('✓')).length, 3, 'one summary per operation, then one for the file');
  t.equal(lines[lines.length - 1], '✓ eco.json: 1 reloaded, 1 started; 1 unchanged');
});

t.test('--dry-run asks for the plan only, and says nothing changed', async (t) => {
  const fake = await startFakeDaemon({ apply: (params) => ({ plan: [{ app: 'api', action: params.dry_run ? 'reload' : 'start', changed: [] }], operations: [] }) });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const { out, lines } = capture();
  t.equal(await applyFile(client, out, {}, [spec('api')], { wait: false, dryRun: true, prune: true }), 0);
  t.same(fake.requests[0]!.params, { apps: [spec('api')], dry_run: true, prune: true });
  t.same(lines, ['Plan for the file:', '  APP  ACTION  CHANGE', '  api  reload', 'Dry run: nothing was changed (1 reload planned).']);
});

t.test('--prune with a daemon that predates apply is refused, not silently skipped', async (t) => {
  const fake = await startFakeDaemon({
    apply: () => {
      throw new FakeError({ code: 'E_UNKNOWN_METHOD', message: 'no apply', hint: 'h' });
    },
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const { out } = capture();
  await t.rejects(applyFile(client, out, {}, [spec('api')], { wait: false, dryRun: false, prune: true }), { code: 'E_UNKNOWN_METHOD' });
  t.same(fake.requests.map((r) => r.method), ['apply']);
});

t.test('without apply: running apps reload with the file\'s spec, new ones start', async (t) => {
  const fake = await startFakeDaemon({
    apply: () => {
      throw new FakeError({ code: 'E_UNKNOWN_METHOD', message: 'no apply', hint: 'h' });
    },
    status: () => statusSnapshot(),
    reload: (params) => ({ operation: done('reload', String(params.name)) }),
    start: (params) => ({ operations: (params.apps as AppSpec[]).map((a) => done('start', a.name)) }),
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const { out } = capture();
  const code = await applyFile(client, out, {}, [spec('api'), spec('web')], { wait: true, dryRun: false });
  t.equal(code, 0);
  t.same(
    fake.requests.map((r) => `${r.method}${r.params.name ? ` ${String(r.params.name)}` : ''}`),
    ['apply', 'status', 'reload api', 'start'],
  );
  t.same((fake.requests[2]!.params.spec as AppSpec).name, 'api');
  t.equal(fake.requests[2]!.params.wait, true);
});
