import t from 'tap';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

t.test('hotctl signal SIGUSR2 <app> reaches every worker\'s own handler; an unknown signal name is exit 2 (E_UNKNOWN_SIGNAL)', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'counts-signals.cjs', instances: 2, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const pids = (await home.status()).apps[0]!.workers.map((w) => w.pid).sort();

  const sent = await home.run(['signal', 'SIGUSR2', 'api', '--json']);
  t.equal(sent.code, 0, sent.stderr);
  const result = JSON.parse(sent.stdout) as { app: string; signal: string; workers: Array<{ pid: number }> };
  t.equal(result.signal, 'SIGUSR2');
  t.same(result.workers.map((w) => w.pid).sort(), pids, 'sent to both workers');

  // Every worker counted exactly one SIGUSR2 (asked until each pid answered, bounded).
  const seen = new Map<number, number>();
  for (let i = 0; i < 200 && seen.size < 2; i++) {
    const answer = JSON.parse((await get(port, '/')).body) as { pid: number; usr2: number };
    seen.set(answer.pid, answer.usr2);
  }
  t.same([...seen.keys()].sort(), pids);
  t.same([...seen.values()], [1, 1], 'each handler ran once');
  t.same((await home.status()).apps[0]!.workers.map((w) => w.state), ['ready', 'ready'], 'the workers keep serving');

  const short = await home.run(['signal', 'usr2', 'api']);
  t.equal(short.code, 0, 'USR2 in any case is SIGUSR2');
  t.match(short.stdout, /SIGUSR2 sent to 2 workers of api/);

  const unknown = await home.run(['signal', 'SIGFOO', 'api', '--json']);
  t.equal(unknown.code, 2, 'an unknown signal is a usage error');
  t.match(unknown.stdout + unknown.stderr, /E_UNKNOWN_SIGNAL/);
  const noApp = await home.run(['signal', 'SIGUSR2', 'nope']);
  t.not(noApp.code, 0, 'an unknown app is refused');
});
