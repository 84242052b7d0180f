import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { cliBytesBeforeAnyAnswer, relay, sentBeforeAnyAnswer } from '../helpers/control-wire.js';

t.test('status asks in one plain request with the hello headers; history and logs send their request with the hello, before any answer', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const started = await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])]);
  t.equal(started.code, 0, started.stderr);

  for (const args of [['status'], ['status', '--json']]) {
    const proxy = relay(t, home);
    const r = await home.run(args, { env: proxy.env });
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const sent = cliBytesBeforeAnyAnswer(proxy.chunks).toString('utf8');
    t.match(sent, /^GET \/api\/status HTTP\/1\.1\r\n[^]*\r\nhotctl-client-version: [^\r]+\r\nhotctl-protocol: 1\r\n[^]*\r\n\r\n$/, `${args.join(' ')}: one plain request, the hello's facts as headers`);
    t.equal(proxy.chunks.filter((c) => c.from === 'cli').length, 1, `${args.join(' ')}: in one write, and nothing after`);
  }

  for (const [args, method] of [
    [['history', 'api'], 'history'],
    [['logs', 'api', '--lines', '5'], 'logs'],
    [['logs', '--json'], 'logs'],
  ] as const) {
    const proxy = relay(t, home);
    const r = await home.run([...args], { env: proxy.env });
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.same(sentBeforeAnyAnswer(proxy.chunks).map((m) => m.method), ['hello', method], `${args.join(' ')}: hello and ${method} leave before the daemon answers`);
  }

  const status = await home.run(['status'], { env: relay(t, home).env });
  t.match(status.stdout, /api/, 'the answer is the one the command prints');
  const history = await home.run(['history', 'api', '--json'], { env: relay(t, home).env });
  t.equal((JSON.parse(history.stdout) as { revisions: unknown[] }).revisions.length, 1);
});

t.test('an unknown app still fails history and logs with the daemon\'s error', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  for (const args of [['history', 'nope'], ['logs', 'nope']]) {
    const r = await home.run(args);
    t.not(r.code, 0, args.join(' '));
    t.match(r.stderr, /E_APP_NOT_FOUND/, args.join(' '));
  }
});
