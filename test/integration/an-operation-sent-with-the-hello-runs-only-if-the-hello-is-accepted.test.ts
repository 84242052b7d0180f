import t from 'tap';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { frameTexts, oneWrite, relay, sentBeforeAnyAnswer } from '../helpers/control-wire.js';
import { HOTCTL_VERSION } from '../../src/version.js';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';

async function revisionOf(home: Home, app: string): Promise<number> {
  const r = await home.run(['status', '--json']);
  return (JSON.parse(r.stdout) as { apps: Array<{ name: string; revision: number }> }).apps.find((a) => a.name === app)!.revision;
}

t.test('reload and rollback by name leave in one write: the upgrade, the hello and the request, sent after_hello', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const started = await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])]);
  t.equal(started.code, 0, started.stderr);

  for (const [args, methods] of [
    [['reload', 'api'], ['hello', 'reload']],
    [['rollback', 'api'], ['hello', 'status', 'rollback']],
  ] as const) {
    const proxy = relay(t, home);
    const r = await home.run([...args], { env: proxy.env });
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const sent = sentBeforeAnyAnswer(proxy.chunks);
    t.same(sent.map((m) => m.method), methods, `${args.join(' ')}: everything leaves before the daemon answers`);
    t.equal(sent.at(-1)!.params.after_hello, true, `${args.join(' ')}: the operation is sent after_hello`);
    const first = proxy.chunks[0]!;
    t.equal(first.from, 'cli');
    t.match(first.bytes.toString('latin1'), /^GET \/ HTTP\/1\.1\r\n/, 'the first write starts with the upgrade request');
    t.same(frameTexts(first.bytes).map((text) => (JSON.parse(text) as { method: string }).method), methods, 'and holds every message: one write');
  }
  t.equal(await revisionOf(home, 'api'), 1, 'reload made revision 2, rollback went back to 1');
});

t.test('a request sent after_hello behind a refused hello is refused with the hello\'s code, and nothing runs', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  const socket = join(home.dir, 'daemon.sock');

  const refused = await oneWrite(socket, [
    { id: 1, method: 'hello', params: { client_version: '99.0.0', protocol: PROTOCOL_VERSION } },
    { id: 2, method: 'reload', params: { name: 'api', after_hello: true } },
  ]);
  t.equal(refused.get(1)!.error?.code, 'E_DAEMON_VERSION_MISMATCH', 'the hello is refused');
  t.equal(refused.get(2)!.error?.code, 'E_DAEMON_VERSION_MISMATCH', 'the reload is refused with the hello\'s code');
  t.match(refused.get(2)!.error?.message, /not carried out/);

  const alone = await oneWrite(socket, [{ id: 1, method: 'reload', params: { name: 'api', after_hello: true } }]);
  t.equal(alone.get(1)!.error?.code, 'E_PROTOCOL', 'after_hello with no hello before it is a protocol error');
  t.equal(await revisionOf(home, 'api'), 1, 'no reload ran');

  const accepted = await oneWrite(socket, [
    { id: 1, method: 'hello', params: { client_version: HOTCTL_VERSION, protocol: PROTOCOL_VERSION } },
    { id: 2, method: 'reload', params: { name: 'api', after_hello: true, wait: true } },
  ]);
  t.equal(accepted.get(1)!.ok, true, 'an accepted hello');
  t.equal(accepted.get(2)!.ok, true, `the reload behind it runs: ${JSON.stringify(accepted.get(2)!.error)}`);
  const done = await home.run(['reload', 'api', '--wait']);
  t.equal(done.code, 0, done.stderr);
  t.equal(await revisionOf(home, 'api'), 3, 'both reloads ran: revisions 2 and 3');
});
