import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test("stop, restart and delete <file> act on the file's apps only; targets by script path and pid; `all` with no app is exit 2", async (t) => {
  const home = new Home(t);
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const file = writeEcosystem(home, [
    { name: 'a', script: 'http-app.cjs', env: { PORT: p1 }, min_uptime: 100, reload_hold: 100 },
    { name: 'b', script: 'http-app.cjs', env: { PORT: p2 }, min_uptime: 100, reload_hold: 100 },
  ]);
  const other = writeEcosystem(home, [{ name: 'other', script: 'wait-ready.cjs', env: { PORT: p3 }, wait_ready: true, min_uptime: 100, reload_hold: 100 }], 'other.json');
  t.equal((await home.run(['start', file])).code, 0);
  t.equal((await home.run(['start', other])).code, 0);
  const states = async () => Object.fromEntries((await home.status()).apps.map((x) => [x.name, `${x.status}@${x.revision}`]));

  const stop = await home.run(['stop', file]);
  t.equal(stop.code, 0, stop.stderr);
  t.same(await states(), { a: 'stopped@1', b: 'stopped@1', other: 'online@1' });

  const restart = await home.run(['restart', file, '--only', 'a']);
  t.equal(restart.code, 0, restart.stderr);
  t.same(await states(), { a: 'online@2', b: 'stopped@1', other: 'online@1' });

  // A script path names the apps running it; a pid names its worker's app.
  const otherApp = (await home.status()).apps.find((x) => x.name === 'other')!;
  const byScript = await home.run(['restart', otherApp.script]);
  t.equal(byScript.code, 0, byScript.stderr);
  t.equal((await states()).other, 'online@2');
  const pid = (await home.status()).apps.find((x) => x.name === 'other')!.workers[0]!.pid!;
  const byPid = await home.run(['restart', String(pid)]);
  t.equal(byPid.code, 0, byPid.stderr);
  t.equal((await states()).other, 'online@3');
  const noPid = await home.run(['restart', '999999999']);
  t.equal(noPid.code, 2);
  t.match(noPid.stderr, /E_APP_NOT_FOUND/);

  const del = await home.run(['delete', file]);
  t.equal(del.code, 0, del.stderr);
  t.same(Object.keys(await states()), ['other'], 'only the file\'s apps are gone');

  t.equal((await home.run(['delete', 'all'])).code, 0);
  for (const verb of ['restart', 'stop', 'reload', 'delete']) {
    const none = await home.run([verb, 'all']);
    t.equal(none.code, 2, `${verb} all with no app: exit 2`);
    t.match(none.stderr, /E_APP_NOT_FOUND/);
  }
  const gone = await home.run(['stop', file]);
  t.equal(gone.code, 2, 'stop <file> when none of its apps runs: exit 2');
});
