/** The command lines answered without yargs print and exit exactly as through yargs. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCli } from '../../../src/cli/cli.js';
import { fastOperationLine, fastPath } from '../../../src/cli/fast-path.js';
import { mkdirSync } from 'node:fs';
import type { OperationSnapshot } from '../../../src/protocol/index.js';
import { FakeError, startFakeDaemon, tempHome, type FakeConnection } from './fixtures/fake-daemon.js';
import { failedReload, reloadSteps, revision, sampleHistory, statusSnapshot, workerEvent } from './fixtures/samples.js';

const BIN = fileURLToPath(new URL('../../../../bin/hotctl', import.meta.url));

async function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { ...env, HOTCTL_HOME: home }, cwd: home });
  return { code, stdout, stderr };
}

t.test('only the exact hot command lines take the fast path', async (t) => {
  const cwd = tempHome();
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(join(cwd, 'web'));
  for (const args of [['reload', 'api'], ['reload', 'api', '--json'], ['--json', 'reload', 'api'], ['reload', '--wait', 'api', '--json'], ['rollback', 'api', '--force'], ['promote', 'api', '--wait'], ['rollback', 'web'], ['reload', 'api.v2']]) {
    t.ok(fastPath(args, cwd), `hotctl ${args.join(' ')}`);
  }
  t.same(fastOperationLine(['--json', 'rollback', 'api', '--wait', '--force'], cwd), { kind: 'rollback', name: 'api', json: true, wait: true, force: true });
  const slow = [
    ['reload'], ['reload', 'api', 'web'], ['reload', 'all'], ['reload', '123'], ['reload', 'app.js'], ['reload', './eco.json'], ['reload', 'eco.json'], ['reload', 'web'],
    ['reload', 'api', '--force'], ['reload', 'api', '--canary', '1'], ['reload', 'api', '--update-env'], ['reload', 'api', '--json', '--json'], ['reload', 'api', '--wait=true'],
    ['reload', 'api', '-h'], ['reload', 'api', '--help'], ['--wait', 'reload', 'api'], ['promote', 'api', '--force'], ['rollback', 'api', '--to', '3'], ['rollback', 'true'], ['reloads', 'api'],
  ];
  for (const args of slow) t.equal(fastPath(args, cwd), null, `hotctl ${args.join(' ')}`);
  for (const args of [['--version'], ['status'], ['status', '--json'], ['--json', 'status']]) t.ok(fastPath(args, '/'), `hotctl ${args.join(' ')}`);
  for (const args of [[], ['--version', '--json'], ['status', '-w'], ['status', '--watch'], ['status', '--help'], ['status', 'x'], ['status', '--json', '--json'], ['--json'], ['statu'], ['status', '--json=false']]) {
    t.equal(fastPath(args, '/'), null, `hotctl ${args.join(' ')}`);
  }
});

// `--no-watch` sends the same command through yargs: both ways must print the same bytes.
t.test('status, table and --json, as through yargs: with a daemon, without one, and with a refusing one', async (t) => {
  const snapshot = statusSnapshot();
  const fake = await startFakeDaemon({ status: () => snapshot });
  t.teardown(() => fake.dispose());
  const refusing = await startFakeDaemon({
    hello: () => {
      throw new FakeError({ code: 'E_DAEMON_NEWER', message: 'newer', hint: 'use the newer CLI' });
    },
  });
  t.teardown(() => refusing.dispose());
  const none = tempHome();
  t.teardown(() => rmSync(none, { recursive: true, force: true }));
  for (const home of [fake.home, refusing.home, join(none, 'state')]) {
    for (const json of [[], ['--json']]) {
      const fast = await cli(home, ['status', ...json], { NO_COLOR: '1' });
      const slow = await cli(home, ['status', ...json, '--no-watch'], { NO_COLOR: '1' });
      t.same(fast, slow, `status ${json.join(' ')} in ${home}`);
    }
  }
  t.equal((await cli(refusing.home, ['status'])).code, 3);
});

t.test('--version prints what yargs prints', async (t) => {
  const fast = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  const slow = spawnSync(process.execPath, [BIN, '--version', '--json'], { encoding: 'utf8' });
  t.equal(fast.status, 0);
  t.equal(fast.stdout, slow.stdout);
  t.equal(fast.stderr, '');
});

/** An operation handler that pushes `events` around its answer: some before it (the fast path's request is answered while its follower loads), the rest after. */
function scripted(snapshots: OperationSnapshot[], kind: OperationSnapshot['kind']) {
  return (params: Record<string, unknown>, conn: FakeConnection) => {
    const ops = snapshots.map((op) => ({ ...op, kind, id: `${kind}-${String(params.name)}`, app: String(params.name) }));
    const event = (op: OperationSnapshot) => ({ kind: 'operation' as const, at: op.started_at, app: op.app, operation: op });
    conn.push(event(ops[0]!));
    conn.push(workerEvent(20, 7, 'forking', { app: String(params.name) }));
    setImmediate(() => {
      conn.push(workerEvent(400, 7, 'ready', { app: String(params.name), from: 'starting' }));
      for (const op of ops.slice(1)) conn.push(event(op));
    });
    return { operation: ops[0] };
  };
}

// The slow way of the same line: a flag that changes nothing (`--no-wait`, `--no-update-env`) sends it through yargs.
t.test('reload, rollback and promote by name print and exit as through yargs', async (t) => {
  const fake = await startFakeDaemon({
    status: () => statusSnapshot(),
    history: () => ({ ...sampleHistory(), revisions: [...sampleHistory().revisions, revision(5, { outcome: 'active', cause: 'rollback', rollback_of: 1 })] }),
    reload: (params, conn) => (params.name === 'nope' ? Promise.reject(new FakeError({ code: 'E_APP_NOT_FOUND', message: 'No app named "nope".', hint: 'Known apps: api.' })) : scripted(params.name === 'bad' ? [reloadSteps()[0]!, failedReload()] : reloadSteps(), 'reload')(params, conn)),
    rollback: (params, conn) => scripted(reloadSteps().map((op) => ({ ...op, to_revision: 5 })), 'rollback')(params, conn),
    promote: () => Promise.reject(new FakeError({ code: 'E_NO_CANARY', message: '"api" has no canary to promote.', hint: 'Start one with `hotctl reload <name> --canary K`.' })),
  });
  t.teardown(() => fake.dispose());
  const none = tempHome();
  t.teardown(() => rmSync(none, { recursive: true, force: true }));
  // Each fast line, and the same line spelt so that yargs parses it.
  const lines: [string[], string[]][] = [
    [['reload', 'api'], ['reload', 'api', '--no-update-env']],
    [['reload', 'api', '--json'], ['reload', 'api', '--json', '--no-update-env']],
    [['reload', 'api', '--wait'], ['reload', 'api', '--wait=true']],
    [['reload', 'bad'], ['reload', 'bad', '--no-update-env']],
    [['reload', 'bad', '--json'], ['reload', 'bad', '--json', '--no-update-env']],
    [['reload', 'nope'], ['reload', 'nope', '--no-update-env']],
    [['--json', 'reload', 'nope'], ['--json', 'reload', 'nope', '--no-update-env']],
    [['rollback', 'api'], ['rollback', 'api', '--no-wait']],
    [['rollback', 'api', '--force', '--json'], ['rollback', 'api', '--force', '--json', '--no-wait']],
    [['promote', 'api'], ['promote', 'api', '--no-wait']],
    [['promote', 'api', '--json', '--wait'], ['promote', 'api', '--json', '--wait=true']],
  ];
  for (const home of [fake.home, join(none, 'state')]) {
    for (const [args, spelt] of lines) {
      t.ok(fastPath(args, home), `fast: ${args.join(' ')}`);
      t.equal(fastPath(spelt, home), null, `through yargs: ${spelt.join(' ')}`);
      const before = fake.requests.length;
      const gatedBefore = fake.afterHello.length;
      const fast = await cli(home, args, { NO_COLOR: '1' });
      const fastRequests = fake.requests.slice(before);
      const fastGated = fake.afterHello.slice(gatedBefore);
      const slow = await cli(home, spelt, { NO_COLOR: '1' });
      t.same(fast, slow, `${args.join(' ')} in ${home === fake.home ? 'a daemon' : 'no daemon'}`);
      t.same(fastRequests, fake.requests.slice(before + fastRequests.length), `${args.join(' ')}: the same requests`);
      // The fast line sends its operation with the hello, after_hello (one round trip).
      const kind = args.find((arg) => !arg.startsWith('-'))!;
      t.same(fastGated, home === fake.home ? [kind] : [], `${args.join(' ')}: the operation is sent after_hello`);
    }
  }
  t.equal((await cli(fake.home, ['reload', 'bad'])).code, 1);
  t.equal((await cli(fake.home, ['promote', 'api'])).code, 2);
  t.equal((await cli(none, ['reload', 'api'])).code, 3);
});
