import { lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Home, isAlive, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

// An app listening on a unix path outside HOTCTL_HOME: `hotctl update --force` under load hands
// that socket over too (libuv unlinks a pipe's path when the handle that bound it closes; the old
// daemon bound it through a symlink of its own and removes the symlink first). The path is never
// gone, no request fails, and the new daemon removes the path when the app stops.
const isSocket = (path: string): boolean => {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
};

const getOver = (socketPath: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });

t.test('update --force with an app on a unix path: 0 failed, the path stays bound and served', async (t) => {
  const home = new Home(t);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hc-sock-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'web.sock');
  const file = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { SOCK: sock } }]);
  t.equal((await home.run(['start', file])).code, 0);
  t.ok(isSocket(sock), 'the app listens on its path');
  const oldPid = (await home.status()).daemon.pid;
  let missing = 0;
  // Keep-alive load (autocannon counts every `Connection: close` request over a unix path as an
  // error), and beside it one new connection after another, each a request of its own.
  const fresh = { ok: 0, failed: [] as string[] };
  const { value: result, load } = await underLoad({ port: 0, socketPath: sock, connections: 8 }, async () => {
    const watch = setInterval(() => !isSocket(sock) && missing++, 2);
    let done = false;
    const probe = (async () => {
      for (let i = 0; i < 20_000 && !done; i++) {
        await getOver(sock).then(
          (status) => (status === 200 ? fresh.ok++ : fresh.failed.push(`status ${status}`)),
          (err: Error) => fresh.failed.push(err.message),
        );
      }
    })();
    try {
      return await home.run(['update', '--force'], { timeoutMs: 120_000 });
    } finally {
      done = true;
      clearInterval(watch);
      await probe;
    }
  });
  t.equal(result.code, 0, `update succeeded: ${result.stdout}${result.stderr}`);
  t.match(result.stdout, /without downtime: 1 listening socket/);
  // autocannon counts as an error every connection the server ends over a unix path, answered
  // or not (a draining worker ends its keep-alive connections): the strict count is the probe's.
  t.comment(`keep-alive load: ${load.requests} requests, ${load.ok} 2xx, ${load.non2xx} non-2xx, ${load.timeouts} timeouts, ${load.errors} connection ends`);
  t.ok(load.requests > 100, 'the load really ran');
  t.equal(load.non2xx + load.timeouts, 0, 'every request of the load answered 2xx');
  t.comment(`new connections: ${fresh.ok} answered, ${fresh.failed.length} failed`);
  t.ok(fresh.ok > 20, 'the new connections really ran');
  t.same(fresh.failed, [], 'no new connection refused or failed');
  t.equal(missing, 0, 'the path was never missing');
  const after = await home.status();
  t.not(after.daemon.pid, oldPid, 'another daemon serves');
  t.notOk(isAlive(oldPid), 'the old daemon is gone');
  t.ok(isSocket(sock), 'the path is still there');
  t.equal(await getOver(sock), 200, 'and served by the new daemon');
  // The new daemon adopted the socket (its handle has no bind path): it hands it over again.
  const again = await home.run(['update', '--force'], { timeoutMs: 120_000 });
  t.equal(again.code, 0, `a second update succeeded: ${again.stdout}${again.stderr}`);
  t.match(again.stdout, /without downtime: 1 listening socket/);
  t.ok(isSocket(sock), 'the path is still there after the second update');
  t.equal(await getOver(sock), 200, 'and served by the third daemon');
  t.equal((await home.run(['stop', 'web'])).code, 0);
  t.notOk(isSocket(sock), 'stopping the app removes its path (the new daemon did not bind it)');
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, `${started.stdout}${started.stderr}`);
  t.equal(await getOver(sock), 200, 'and it listens there again after a start');
});
