import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConnectError, ControlClient } from '../../../src/cli/client.js';
import type { DaemonEvent } from '../../../src/protocol/index.js';
import { HotctlError, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { HOTCTL_VERSION } from '../../../src/version.js';
import { daemonInfo, FakeError, NO_ANSWER, startFakeDaemon, tempHome } from './fixtures/fake-daemon.js';
import { operation, workerEvent } from './fixtures/samples.js';

t.test('hello sends the versions and resolves with the daemon info', async (t) => {
  const fake = await startFakeDaemon({});
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const info = await client.hello();
  t.same(info, daemonInfo(fake.home));
  t.same(fake.requests[0], { method: 'hello', params: { client_version: HOTCTL_VERSION, protocol: PROTOCOL_VERSION } });
});

t.test('a daemon refusing hello rejects with its code', async (t) => {
  const fake = await startFakeDaemon({
    hello: () => {
      throw new FakeError({ code: 'E_DAEMON_VERSION_MISMATCH', message: 'old', hint: 'update' });
    },
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const err = await client.hello().catch((e: unknown) => e);
  t.ok(err instanceof HotctlError);
  t.equal((err as HotctlError).code, 'E_DAEMON_VERSION_MISMATCH');
  t.equal((err as HotctlError).exitCode, 3);
});

t.test('a daemon speaking a newer protocol is refused by the client too', async (t) => {
  const fake = await startFakeDaemon({ hello: () => ({ ...daemonInfo('x'), protocol: PROTOCOL_VERSION + 1 }) });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const err = (await client.hello().catch((e: unknown) => e)) as HotctlError;
  t.equal(err.code, 'E_DAEMON_NEWER');
});

t.test('requests are matched to responses by id, errors become HotctlErrors', async (t) => {
  const fake = await startFakeDaemon({
    status: async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { daemon: daemonInfo('slow'), apps: [] };
    },
    operation: (params) => operation({ id: String(params.id) }),
    stop: () => {
      throw new FakeError({ code: 'E_APP_NOT_FOUND', message: 'no such app', hint: 'status', details: { name: 'x' } });
    },
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const [status, op] = await Promise.all([client.request('status', {}), client.request('operation', { id: 'op-7' })]);
  t.equal(status.daemon.home, 'slow');
  t.equal(op.id, 'op-7');
  const err = (await client.request('stop', { name: 'x' }).catch((e: unknown) => e)) as HotctlError;
  t.ok(err instanceof HotctlError);
  t.equal(err.code, 'E_APP_NOT_FOUND');
  t.same(err.details, { name: 'x' });
  t.equal(err.exitCode, 2);
});

t.test('events reach every listener until it unsubscribes', async (t) => {
  const events: DaemonEvent[] = [];
  const fake = await startFakeDaemon({
    subscribe: (_params, conn) => {
      setImmediate(() => {
        conn.push(workerEvent(1, 1, 'ready'));
        conn.push({ kind: 'operation', at: 'now', app: 'api', operation: operation() });
      });
      return { topics: ['events'] };
    },
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const two = new Promise<void>((resolve) => {
    const stop = client.onEvent((e) => {
      events.push(e);
      if (events.length === 2) {
        stop();
        resolve();
      }
    });
  });
  await client.request('subscribe', { topics: ['events'] });
  await two;
  t.same(
    events.map((e) => e.kind),
    ['worker', 'operation'],
  );
});

t.test('pending requests are rejected when the daemon goes away', async (t) => {
  const fake = await startFakeDaemon({ kill: () => NO_ANSWER, status: () => NO_ANSWER });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  const closed = new Promise<HotctlError>((resolve) => client.onClose(resolve));
  const pending = [client.request('kill', {}), client.request('status', {})].map((p) => p.catch((e: unknown) => e));
  await new Promise<void>((resolve) => {
    const check = () => (fake.requests.length === 2 ? resolve() : setImmediate(check));
    check();
  });
  await fake.close();
  for (const err of await Promise.all(pending)) {
    t.ok(err instanceof HotctlError);
    t.equal((err as HotctlError).code, 'E_DAEMON_UNREACHABLE');
  }
  t.equal((await closed).code, 'E_DAEMON_UNREACHABLE');
  t.equal(client.closed, true);
  const after = (await client.request('status', {}).catch((e: unknown) => e)) as HotctlError;
  t.equal(after.code, 'E_DAEMON_UNREACHABLE', 'a request after close is rejected at once');
});

t.test('close() rejects pending requests at once', async (t) => {
  const fake = await startFakeDaemon({ status: () => NO_ANSWER });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  const pending = client.request('status', {}).catch((e: unknown) => e);
  client.close();
  t.equal(((await pending) as HotctlError).code, 'E_DAEMON_UNREACHABLE');
});

t.test('a request timeout rejects with E_DAEMON_UNREACHABLE', async (t) => {
  const fake = await startFakeDaemon({ status: () => NO_ANSWER });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  t.teardown(() => client.close());
  const err = (await client.request('status', {}, { timeoutMs: 30 }).catch((e: unknown) => e)) as HotctlError;
  t.equal(err.code, 'E_DAEMON_UNREACHABLE');
});

t.test('connecting where nothing listens fails with the socket error code', async (t) => {
  const home = tempHome();
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const err = (await ControlClient.connect(join(home, 'daemon.sock')).catch((e: unknown) => e)) as ConnectError;
  t.ok(err instanceof ConnectError);
  t.equal(err.code, 'ENOENT');
});

t.test('a malformed message from the daemon closes the connection with E_PROTOCOL', async (t) => {
  const fake = await startFakeDaemon({
    status: (_p, conn) => {
      conn.socket.send('not json');
      return NO_ANSWER;
    },
  });
  t.teardown(() => fake.dispose());
  const client = await ControlClient.connect(fake.socket);
  const err = (await client.request('status', {}).catch((e: unknown) => e)) as HotctlError;
  t.equal(err.code, 'E_PROTOCOL');
});
