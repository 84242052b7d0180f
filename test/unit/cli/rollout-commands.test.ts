/** promote, rollback, scale, history and reload's rollout flags, in process against a fake daemon. */
import t from 'tap';
import type { AppSpec, ErrorCode, OperationSnapshot, StatusSnapshot } from '../../../src/protocol/index.js';
import { startFakeDaemon } from './fixtures/fake-daemon.js';
import { cli, opHandler } from './fixtures/run-cli.js';
import { revision, sampleHistory, sampleSpec, statusSnapshot } from './fixtures/samples.js';

function failure(code: ErrorCode): Partial<OperationSnapshot> {
  return { state: 'failed', error: { code, message: `${code} happened`, hint: 'a hint' } };
}

function withCanary(): StatusSnapshot {
  const snapshot = statusSnapshot();
  snapshot.apps[0] = { ...snapshot.apps[0]!, status: 'canary', operation: null, canary: { revision: 3, workers: 1, since: snapshot.apps[0]!.workers[0]!.since, share: null } };
  return snapshot;
}

t.test('promote: follows the operation; exit 0, or 2 with E_NO_CANARY', async (t) => {
  const fake = await startFakeDaemon({ promote: opHandler('promote') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['promote', 'api', '--wait']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests[1], { method: 'promote', params: { name: 'api', wait: true, follow: true } });
  t.match(ran.stdout, /^✓ promote api: revision 2 → 3 in 0\.42s$/m);

  const none = await startFakeDaemon({ promote: opHandler('promote', failure('E_NO_CANARY')) });
  t.teardown(() => none.dispose());
  const refused = await cli(none.home, ['promote', 'api']);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /E_NO_CANARY/);
});

t.test('rollback of a canary: says the canary was retired; --to is refused while it holds', async (t) => {
  const fake = await startFakeDaemon({ status: () => withCanary(), rollback: opHandler('rollback') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['rollback', 'api']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests.map((r) => r.method), ['hello', 'status', 'rollback']);
  t.same(fake.requests[2]!.params, { name: 'api', follow: true });
  t.match(ran.stdout, /^✓ rollback api: canary of revision 3 retired; revision 2 serves alone in 0\.42s$/m);

  const withTo = await cli(fake.home, ['rollback', 'api', '--to', '1']);
  t.equal(withTo.code, 2);
  t.match(withTo.stderr, /E_USAGE/);
  t.equal(fake.requests.filter((r) => r.method === 'rollback').length, 1, 'nothing was sent');
});

t.test('rollback --to N --force: the params, then which revision it runs', async (t) => {
  const made = revision(5, { outcome: 'active', cause: 'rollback', rollback_of: 1 });
  const fake = await startFakeDaemon({
    status: () => statusSnapshot(),
    rollback: opHandler('rollback', { to_revision: 5 }),
    history: () => ({ ...sampleHistory(), active: 5, revisions: [...sampleHistory().revisions, made] }),
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['rollback', 'api', '--to', '1', '--force']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests[2]!.params, { name: 'api', to: 1, force: true, follow: true });
  t.match(ran.stdout, /^✓ rollback api: revision 2 → 5 in /m);
  t.match(ran.stdout, /revision 5 runs revision 1's spec and files \(\/srv\/api\/releases\/1\.5\.0\/server\.js\)/);
});

t.test("rollback's refusals exit 2 with their codes", async (t) => {
  for (const code of ['E_REVISION_FILES_CHANGED', 'E_REVISION_NOT_FOUND', 'E_NO_CANARY'] as const) {
    const fake = await startFakeDaemon({ status: () => statusSnapshot(), rollback: opHandler('rollback', failure(code)) });
    const ran = await cli(fake.home, ['rollback', 'api', '--to', '9']);
    await fake.dispose();
    t.equal(ran.code, 2, code);
    t.match(ran.stderr, new RegExp(code));
  }
});

t.test('scale: the count, the summary; E_CANARY_ACTIVE exits 4', async (t) => {
  const fake = await startFakeDaemon({ scale: opHandler('scale') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['scale', 'api', '4']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests[1]!.params, { name: 'api', instances: 4, follow: true });
  t.match(ran.stdout, /^✓ scale api: 4 workers of revision 3 in 0\.42s$/m);

  const busy = await startFakeDaemon({ scale: opHandler('scale', failure('E_CANARY_ACTIVE')) });
  t.teardown(() => busy.dispose());
  const refused = await cli(busy.home, ['scale', 'api', '1']);
  t.equal(refused.code, 4);
  t.match(refused.stderr, /E_CANARY_ACTIVE/);
});

t.test('history: the table, or exactly the answer with --json', async (t) => {
  const fake = await startFakeDaemon({ history: () => sampleHistory() });
  t.teardown(() => fake.dispose());
  const table = await cli(fake.home, ['history', 'api']);
  t.equal(table.code, 0, table.stderr);
  t.same(fake.requests[1], { method: 'history', params: { name: 'api' } });
  t.match(table.stdout, /^api: 4 revisions; revision 4 is active$/m);
  t.match(table.stdout, /^ {2}\* +4 /m);
  const json = await cli(fake.home, ['history', 'api', '--json']);
  t.equal(json.code, 0);
  t.same(JSON.parse(json.stdout), sampleHistory());
});

t.test('reload --canary K: sends canary, says the canary holds and what comes next', async (t) => {
  const fake = await startFakeDaemon({ reload: opHandler('reload') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'api', '--canary', '1']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests[1]!.params, { name: 'api', canary: 1, follow: true });
  t.match(ran.stdout, /^✓ reload api: canary of revision 3 serves beside revision 2 in /m);
  t.match(ran.stdout, /hotctl promote api/);
});

t.test('reload --strategy/--batch: sent as given; --batch alone means rolling', async (t) => {
  const fake = await startFakeDaemon({ reload: opHandler('reload') });
  t.teardown(() => fake.dispose());
  t.equal((await cli(fake.home, ['reload', 'api', '--batch', '2'])).code, 0);
  t.equal((await cli(fake.home, ['reload', 'api', '--strategy', 'surge'])).code, 0);
  t.same(
    fake.requests.filter((r) => r.method === 'reload').map((r) => r.params),
    [
      { name: 'api', strategy: 'rolling', batch: 2, follow: true },
      { name: 'api', strategy: 'surge', follow: true },
    ],
  );
});

t.test('reload <name> --update-env: the active spec and current instances, the shell env over its env', async (t) => {
  const history = sampleHistory();
  history.revisions[3]!.spec = sampleSpec('api', { env: { NODE_ENV: 'production', DB_URL: 'old' }, instances: 2 });
  const snapshot = statusSnapshot();
  snapshot.apps[0] = { ...snapshot.apps[0]!, instances: 6 };
  const fake = await startFakeDaemon({ history: () => history, status: () => snapshot, reload: opHandler('reload') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'api', '--update-env'], { DB_URL: 'new', HOTCTL_DEBUG: '' });
  t.equal(ran.code, 0, ran.stderr);
  const sent = fake.requests.find((r) => r.method === 'reload')!.params;
  const spec = sent.spec as AppSpec;
  t.same(spec.env, { NODE_ENV: 'production', DB_URL: 'new' }, "the shell's DB_URL wins; HOTCTL_* is not copied");
  t.equal(spec.instances, 6, 'a scale since the revision is kept');
  t.equal(spec.script, history.revisions[3]!.spec.script);
});

t.test('reload all with flags: each app gets them', async (t) => {
  const snapshot = statusSnapshot();
  snapshot.apps[1]!.status = 'online';
  const fake = await startFakeDaemon({ status: () => snapshot, reload: opHandler('reload') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'all', '--strategy', 'rolling', '--wait']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(
    fake.requests.filter((r) => r.method === 'reload').map((r) => r.params),
    ['api', 'worker-queue'].map((name) => ({ strategy: 'rolling', name, wait: true, follow: true })),
  );
});
