import t from 'tap';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, waitGone, writeEcosystem } from '../helpers/harness.js';

t.test('a directory in place of state.json: kept aside with a notice, the daemon persists and drains on SIGTERM', async (t) => {
  const home = new Home(t);
  mkdirSync(join(home.dir, 'state.json'));
  const port = await freePort();
  const started = await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])]);
  t.equal(started.code, 0, `start succeeds: ${started.stderr}`);
  const status = await home.status();
  t.equal(status.daemon.notices.filter((n) => /state\.json\.corrupt-/.test(n)).length, 1, 'status carries one notice naming where the old one was kept');
  const kept = readdirSync(home.dir).filter((f) => f.startsWith('state.json.corrupt-'));
  t.equal(kept.length, 1, 'the unreadable one is kept aside');
  t.ok(statSync(join(home.dir, kept[0]!)).isDirectory(), 'as it was');
  await home.waitForStatus((s) => s.apps.some((a) => a.name === 'api' && a.status === 'online'));
  const saved = JSON.parse(readFileSync(join(home.dir, 'state.json'), 'utf8')) as { apps: Array<{ name: string }> };
  t.same(saved.apps.map((a) => a.name), ['api'], 'the state is persisted again');

  const daemon = home.daemonPid()!;
  const worker = status.apps[0]!.workers[0]!.pid!;
  process.kill(daemon, 'SIGTERM');
  t.ok(await waitGone([daemon, worker], 20_000), 'SIGTERM ends daemon and worker');
  const log = readFileSync(join(home.dir, 'daemon.log'), 'utf8');
  t.match(log, /stopping \(SIGTERM\): draining every app/, 'through the drain (signal handlers were installed)');
  t.notMatch(log, /cannot start/, 'and it never said it could not start');
});
