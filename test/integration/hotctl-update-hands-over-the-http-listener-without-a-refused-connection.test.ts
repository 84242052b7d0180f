import http from 'node:http';
import t from 'tap';
import { freePort, Home, isAlive, writeEcosystem } from '../helpers/harness.js';

// `hotctl update --force` hands the HTTP listener's socket (dashboard, /metrics) to the new daemon
// as it does the apps' sockets: the new one accepts on it before the old one closes its copy, so
// a client polling /metrics, a new connection per request, is never refused.
const getFresh = (port: number, path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });

t.test('update --force while /metrics is polled: every poll answered 200, none refused', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const file = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 1, env: { PORT: await freePort() } }]);
  t.equal((await home.run(['start', file])).code, 0);
  t.equal(await getFresh(httpPort, '/metrics'), 200, 'the HTTP listener answers');
  const oldPid = (await home.status()).daemon.pid;
  const polls = { ok: 0, failed: [] as string[] };
  let done = false;
  const poll = async () => {
    for (let i = 0; i < 20_000 && !done; i++) {
      await getFresh(httpPort, i % 2 === 0 ? '/metrics' : '/healthz').then(
        (status) => (status === 200 ? polls.ok++ : polls.failed.push(`status ${status}`)),
        (err: Error) => polls.failed.push(err.message),
      );
    }
  };
  const pollers = [poll(), poll()];
  let result;
  try {
    result = await home.run(['update', '--force'], { timeoutMs: 120_000 });
  } finally {
    done = true;
    await Promise.all(pollers);
  }
  t.equal(result.code, 0, `update succeeded: ${result.stdout}${result.stderr}`);
  t.comment(`polls: ${polls.ok} answered 200, ${polls.failed.length} failed`);
  t.ok(polls.ok > 20, 'the polls really ran');
  t.same(polls.failed, [], 'no poll refused, reset or answered otherwise');
  const after = await home.status();
  t.not(after.daemon.pid, oldPid, 'another daemon serves');
  t.notOk(isAlive(oldPid), 'the old daemon is gone');
  t.equal(await getFresh(httpPort, '/metrics'), 200, 'the new daemon answers on the same port');
});
