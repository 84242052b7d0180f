import t from 'tap';
import { Operation } from '../../../src/cluster/operation.js';
import type { OperationRequest } from '../../../src/cluster/op-steps.js';
import type { AppSpec, Params } from '../../../src/protocol/index.js';
import { appDefaults, HotctlError } from '../../../src/protocol/index.js';
import { OPERATION_TABLE, runOperation, SINGLE_APP_OPERATIONS, type OperationContext, type SingleAppOperation } from '../../../src/daemon/operation-table.js';

const spec = (name: string, extra: Partial<AppSpec> = {}): AppSpec => ({ ...appDefaults(), name, script: `/srv/${name}.js`, cwd: '/srv', ...extra }) as AppSpec;

interface Rig {
  c: OperationContext;
  calls: Array<{ kind: SingleAppOperation; name: string; request: OperationRequest & { wait?: boolean } }>;
  checked: AppSpec[][];
  released: AppSpec[];
  ops: Operation[];
  setStopping(v: boolean): void;
}

function rig(deployed: AppSpec = spec('api')): Rig {
  let stopping = false;
  const r: Rig = {
    calls: [],
    checked: [],
    released: [],
    ops: [],
    setStopping: (v) => (stopping = v),
    c: {
      specOf: (name) => {
        if (name !== deployed.name) throw new HotctlError('E_APP_NOT_FOUND', `No app named "${name}".`);
        return deployed;
      },
      operate: async (kind, name, request) => {
        r.calls.push({ kind, name, request });
        const op = new Operation(name, kind, 1, () => {});
        r.ops.push(op);
        return op;
      },
      checkLogFiles: (specs) => void r.checked.push(specs),
      releaseLogFiles: (s) => void r.released.push(s),
      stopping: () => stopping,
    },
  };
  return r;
}

t.test('the table has one row per single-app method, and nothing else', async (t) => {
  t.same(Object.keys(OPERATION_TABLE).sort(), [...SINGLE_APP_OPERATIONS].sort());
  t.same([...SINGLE_APP_OPERATIONS].sort(), ['delete', 'promote', 'reload', 'restart', 'rollback', 'scale', 'stop']);
});

t.test('each method starts the operation of its own kind on the named app, with the request its row builds', async (t) => {
  const cases: { [M in SingleAppOperation]: [Params<M>, OperationRequest & { wait?: boolean }] } = {
    reload: [{ name: 'api', wait: true, strategy: 'rolling', batch: 2 }, { spec: undefined, wait: true, strategy: 'rolling', batch: 2, canary: undefined }],
    promote: [{ name: 'api', wait: false }, { wait: false }],
    rollback: [{ name: 'api', to: 3, force: true }, { to: 3, force: true, wait: undefined }],
    scale: [{ name: 'api', instances: 4, wait: true }, { instances: 4, wait: true }],
    restart: [{ name: 'api' }, { wait: undefined }],
    stop: [{ name: 'api', wait: true }, { wait: true }],
    delete: [{ name: 'api' }, { wait: undefined }],
  };
  for (const method of SINGLE_APP_OPERATIONS) {
    const r = rig();
    const [params, request] = cases[method];
    const result = await runOperation(method, params as never, r.c);
    t.equal(r.calls.length, 1, `${method}: one supervisor call`);
    t.equal(r.calls[0]!.kind, method, `${method}: its own kind`);
    t.equal(r.calls[0]!.name, 'api');
    t.same(r.calls[0]!.request, request, `${method}: the request`);
    t.equal(result.operation.id, r.ops[0]!.id, `${method}: the snapshot of the operation begun`);
  }
});

t.test('while the daemon stops, every method but stop and delete is refused with E_SHUTTING_DOWN, before any call', async (t) => {
  for (const method of SINGLE_APP_OPERATIONS) {
    const r = rig();
    r.setStopping(true);
    const params = (method === 'scale' ? { name: 'api', instances: 1 } : { name: 'api' }) as never;
    if (method === 'stop' || method === 'delete') {
      await runOperation(method, params, r.c);
      t.equal(r.calls.length, 1, `${method} still runs`);
    } else {
      await t.rejects(runOperation(method, params, r.c), { code: 'E_SHUTTING_DOWN' }, `${method} refused`);
      t.equal(r.calls.length, 0, `${method}: nothing begun`);
      t.equal(r.checked.length, 0, `${method}: nothing checked`);
    }
  }
});

t.test('follow: the connection follows the operation only when asked', async (t) => {
  const followed: string[] = [];
  const r = rig();
  await runOperation('stop', { name: 'api' }, r.c, (id) => followed.push(id));
  t.same(followed, []);
  await runOperation('stop', { name: 'api', follow: true }, r.c, (id, app) => followed.push(`${id}@${app}`));
  t.same(followed, [`${r.ops[1]!.id}@api`]);
});

t.test('reload checks the log files of the spec given, else of the deployed one', async (t) => {
  const deployed = spec('api');
  const given = spec('api', { out_file: '/tmp/elsewhere.log' });
  const r = rig(deployed);
  await runOperation('reload', { name: 'api' }, r.c);
  await runOperation('reload', { name: 'api', spec: given }, r.c);
  t.equal(r.checked[0]![0], deployed);
  t.equal(r.checked[1]![0], given);
  t.equal(r.calls[1]!.request.spec, given);
});

t.test('reload of an unknown app fails with E_APP_NOT_FOUND and begins nothing', async (t) => {
  const r = rig();
  await t.rejects(runOperation('reload', { name: 'nope' }, r.c), { code: 'E_APP_NOT_FOUND' });
  t.equal(r.calls.length, 0);
});

t.test('restart with a spec without inherited_env keeps the deployed inherited_env', async (t) => {
  const deployed = spec('api', { inherited_env: { A: '1' } });
  const r = rig(deployed);
  await runOperation('restart', { name: 'api', spec: spec('api', { args: ['x'] }) }, r.c);
  t.same(r.calls[0]!.request.spec?.inherited_env, { A: '1' });
  t.same(r.calls[0]!.request.spec?.args, ['x']);
  await runOperation('restart', { name: 'api', spec: spec('api', { inherited_env: { B: '2' } }) }, r.c);
  t.same(r.calls[1]!.request.spec?.inherited_env, { B: '2' }, 'a given inherited_env wins (--update-env)');
  await runOperation('restart', { name: 'api' }, r.c);
  t.notOk('spec' in r.calls[2]!.request, 'no spec: none passed');
  t.equal(r.checked[2]![0], deployed, 'the deployed files are checked');
});

t.test('delete releases the log files of the deleted spec once it succeeded, not when it failed', async (t) => {
  const deployed = spec('api');
  const ok = rig(deployed);
  await runOperation('delete', { name: 'api' }, ok.c);
  t.same(ok.released, [], 'not before it ends');
  ok.ops[0]!.transition('draining_old');
  ok.ops[0]!.transition('succeeded');
  await ok.ops[0]!.finished;
  await new Promise(setImmediate);
  t.same(ok.released, [deployed]);

  const failed = rig(deployed);
  await runOperation('delete', { name: 'api' }, failed.c);
  failed.ops[0]!.abort({ code: 'E_INTERNAL', message: 'x', hint: '' } as never, 'failed');
  await failed.ops[0]!.finished;
  await new Promise(setImmediate);
  t.same(failed.released, []);
});

t.test('a canary share: passed on with its canary; refused alone, and for a fork-mode app (no router)', async (t) => {
  const r = rig(spec('api', { exec_mode: 'cluster' }));
  await runOperation('reload', { name: 'api', canary: 1, canary_share: 10 }, r.c);
  t.same(r.calls[0]!.request, { spec: undefined, wait: undefined, strategy: undefined, batch: undefined, canary: 1, canaryShare: 10 });
  await t.rejects(runOperation('reload', { name: 'api', canary_share: 10 }, r.c), { code: 'E_USAGE' });
  const fork = rig(spec('api', { exec_mode: 'fork' }));
  await t.rejects(runOperation('reload', { name: 'api', canary: 1, canary_share: 10 }, fork.c), { code: 'E_USAGE' });
  t.equal(fork.calls.length, 0, 'nothing started');
});

t.test('reload auto: the app\'s canary plan (or the defaults) with the request\'s fields over it, checked', async (t) => {
  const plan = { steps: [5, 25, 50], step_interval: 30_000, max_error_rate: 0.01, max_p99_ratio: 1.5, min_requests: 100, max_step_interval: 120_000, max_event_loop_delay_ms: null };
  const r = rig(spec('api', { canary: plan }));
  await runOperation('reload', { name: 'api', auto: { max_error_rate: 0.05, step_interval: 1000 } }, r.c);
  t.same(r.calls[0]!.request.auto, { ...plan, max_error_rate: 0.05, step_interval: 1000, max_step_interval: 4000 });
  const bare = rig(spec('api'));
  await runOperation('reload', { name: 'api', auto: {} }, bare.c);
  t.same(bare.calls[0]!.request.auto?.steps, [5, 25, 50], 'no canary key: the defaults');
});

t.test('reload auto: refused (E_USAGE, nothing begun) with canary/strategy, for a fork-mode app, or with a plan that cannot run', async (t) => {
  for (const [deployed, params] of [
    [spec('api'), { name: 'api', auto: {}, canary: 1 }],
    [spec('api'), { name: 'api', auto: {}, strategy: 'rolling' as const }],
    [spec('api', { exec_mode: 'fork' }), { name: 'api', auto: {} }],
    [spec('api'), { name: 'api', auto: { steps: [50, 25] } }],
    [spec('api'), { name: 'api', auto: { step_interval: 10_000, max_step_interval: 5000 } }],
  ] as const) {
    const r = rig(deployed);
    await t.rejects(runOperation('reload', params as Params<'reload'>, r.c), { code: 'E_USAGE' }, JSON.stringify(params));
    t.equal(r.calls.length, 0);
  }
});
