/** Commands run in process against a fake daemon: exit codes, --json output, progress. */
import { spawn } from 'node:child_process';
import t from 'tap';
import { runCli } from '../../../src/cli/cli.js';
import type { OperationSnapshot, StatusSnapshot } from '../../../src/protocol/index.js';
import { daemonInfo, FakeError, NO_ANSWER, startFakeDaemon, type FakeConnection, type FakeDaemon } from './fixtures/fake-daemon.js';
import { failedReload, operation, reloadSteps, statusSnapshot, workerEvent } from './fixtures/samples.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(fake: FakeDaemon | { home: string }, args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { HOTCTL_HOME: fake.home },
    cwd: fake.home,
  });
  return { code, stdout, stderr };
}

function pushOp(conn: FakeConnection, op: OperationSnapshot): void {
  conn.push({ kind: 'operation', at: op.started_at, app: op.app, operation: op });
}

/** A reload that pushes its first event before its answer (as the daemon may), the rest after. */
function reloadHandler(final: OperationSnapshot) {
  return (params: Record<string, unknown>, conn: FakeConnection) => {
    const snaps = reloadSteps();
    const name = String(params.name);
    const mine = (op: OperationSnapshot) => ({ ...op, app: name, id: `reload-${name}` });
    pushOp(conn, mine(snaps[0]!));
    setImmediate(() => {
      conn.push(workerEvent(300, 3, 'ready', { app: name }));
      pushOp(conn, mine(snaps[1]!));
      pushOp(conn, mine(final));
    });
    return { operation: mine(operation()) };
  };
}

t.test('reload <name>: follows the operation to success, exit 0', async (t) => {
  const fake = await startFakeDaemon({ reload: reloadHandler(reloadSteps()[3]!) });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['reload', 'api']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests.map((r) => r.method), ['hello', 'reload']);
  t.same(fake.requests[1]!.params, { name: 'api', follow: true });
  const lines = ran.stdout.trim().split('\n');
  t.equal(lines.filter((l) => l.startsWith('✓')).length, 1, 'one summary');
  t.equal(lines.filter((l) => l.includes('worker 3 (pid 1003, r3) ready')).length, 1, 'the worker event is shown once');
  t.equal(ran.stderr, '');
});

t.test('reload <name> that fails: exit 1, the worker stderr on stderr', async (t) => {
  const fake = await startFakeDaemon({ reload: reloadHandler(failedReload()) });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['reload', 'api']);
  t.equal(ran.code, 1);
  t.match(ran.stderr, /E_RELOAD_FAILED/);
  for (const line of failedReload().error!.details!.stderr as string[]) t.ok(ran.stderr.includes(line), `stderr tail: ${line}`);
  t.match(ran.stdout, /^✗ /m);
});

t.test('reload while another operation runs: exit 4', async (t) => {
  const fake = await startFakeDaemon({
    reload: () => {
      throw new FakeError({ code: 'E_OPERATION_IN_PROGRESS', message: 'busy', hint: 'wait' });
    },
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['reload', 'api', '--wait']);
  t.equal(ran.code, 4);
  t.match(ran.stderr, /E_OPERATION_IN_PROGRESS/);
  t.same(fake.requests[1]!.params, { name: 'api', follow: true, wait: true });
});

t.test('reload --json: events as JSON lines, then the final snapshot', async (t) => {
  const fake = await startFakeDaemon({ reload: reloadHandler(reloadSteps()[3]!) });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['reload', 'api', '--json']);
  t.equal(ran.code, 0);
  const docs = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(
    docs.slice(0, -1).map((d) => d.event),
    ['operation', 'worker', 'operation', 'operation'],
  );
  const last = docs[docs.length - 1] as unknown as OperationSnapshot;
  t.equal(last.state, 'succeeded');
  t.equal(last.id, 'reload-api');
  t.notOk(ran.stdout.includes('\u001b['), 'no colour');
});

t.test('reload all: every app that is not stopped, one after the other', async (t) => {
  const snapshot = statusSnapshot();
  snapshot.apps.push({ ...snapshot.apps[0]!, name: 'web', status: 'online', operation: null });
  const fake = await startFakeDaemon({ status: () => snapshot, reload: reloadHandler(reloadSteps()[3]!) });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['reload', 'all']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(
    fake.requests.filter((r) => r.method === 'reload').map((r) => r.params.name),
    ['api', 'web'],
  );
});

t.test('stop all: a failure does not stop the others; the first failure sets the exit code', async (t) => {
  const snapshot = statusSnapshot();
  snapshot.apps[1]!.status = 'online';
  const fake = await startFakeDaemon({
    status: () => snapshot,
    stop: (params) => {
      if (params.name === 'api') throw new FakeError({ code: 'E_OPERATION_IN_PROGRESS', message: 'busy', hint: 'wait' });
      return { operation: operation({ kind: 'stop', app: String(params.name), state: 'succeeded', to_revision: null, ended_at: 'x' }) };
    },
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['stop', 'all']);
  t.equal(ran.code, 4);
  t.same(
    fake.requests.filter((r) => r.method === 'stop').map((r) => r.params.name),
    ['api', 'worker-queue'],
  );
});

t.test('a connection lost while following: exit 3', async (t) => {
  let fake: FakeDaemon | undefined;
  fake = await startFakeDaemon({
    restart: () => {
      setImmediate(() => void fake!.close());
      return { operation: operation({ kind: 'restart' }) };
    },
  });
  t.teardown(() => fake!.dispose());
  const ran = await cli(fake, ['restart', 'api']);
  t.equal(ran.code, 3);
  t.match(ran.stderr, /E_DAEMON_UNREACHABLE/);
});

t.test('an operation the daemon sends no events for is polled until it ends', async (t) => {
  const done = operation({ kind: 'delete', state: 'succeeded', to_revision: null, ended_at: 'x', duration_ms: 10 });
  const fake = await startFakeDaemon({
    delete: () => ({ operation: operation({ kind: 'delete', to_revision: null }) }),
    operation: () => done,
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['delete', 'api']);
  t.equal(ran.code, 0);
  t.ok(fake.requests.some((r) => r.method === 'operation'));
});

t.test('status --json prints exactly the snapshot', async (t) => {
  const snapshot: StatusSnapshot = statusSnapshot();
  const fake = await startFakeDaemon({ status: () => snapshot });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['status', '--json']);
  t.equal(ran.code, 0);
  t.same(JSON.parse(ran.stdout), snapshot);
  t.equal(ran.stdout, `${JSON.stringify(snapshot, null, 2)}\n`);
  const table = await cli(fake, ['status']);
  t.equal(table.code, 0);
  t.match(table.stdout, /worker-queue/);
});

t.test('a daemon of another version: exit 3 with its code', async (t) => {
  const fake = await startFakeDaemon({
    hello: () => {
      throw new FakeError({ code: 'E_DAEMON_NEWER', message: 'newer', hint: 'use the newer CLI' });
    },
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['status']);
  t.equal(ran.code, 3);
  t.match(ran.stderr, /E_DAEMON_NEWER/);
});

t.test('kill waits until the daemon process is gone', async (t) => {
  const victim = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => victim.once('exit', resolve));
  t.teardown(() => void victim.kill('SIGKILL'));
  const fake = await startFakeDaemon({
    hello: () => ({ ...daemonInfo('x'), pid: victim.pid }),
    kill: () => {
      setTimeout(() => victim.kill('SIGTERM'), 100);
      return { pid: victim.pid, apps: ['api'] };
    },
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['kill', '--json']);
  t.equal(ran.code, 0, ran.stderr);
  await exited;
  t.same(JSON.parse(ran.stdout), { daemon: { pid: victim.pid, stopped: true }, apps: ['api'] });
});

t.test('kill: a daemon that does not end in time is E_SHUTTING_DOWN, exit 3', async (t) => {
  const fake = await startFakeDaemon({ kill: () => ({ pid: process.pid, apps: [] }), status: () => NO_ANSWER });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake, ['kill', '--timeout', '0.2']);
  t.equal(ran.code, 3);
  t.match(ran.stderr, /E_SHUTTING_DOWN/);
});
