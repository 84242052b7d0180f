import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('applying a file with --changed-only: instances → scale without touching the others; env → reload of that app only; --dry-run; --prune', async (t) => {
  const home = new Home(t);
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const apps = (o: { apiInstances?: number; webMessage?: string; withJobs?: boolean } = {}) => [
    { name: 'api', script: 'http-app.cjs', instances: o.apiInstances ?? 2, env: { PORT: p1 }, reload_hold: 100 },
    { name: 'web', script: 'http-app.cjs', instances: 1, env: { PORT: p2, MESSAGE: o.webMessage ?? 'a' }, reload_hold: 100 },
    ...(o.withJobs === false ? [] : [{ name: 'jobs', script: 'http-app.cjs', env: { PORT: p3 }, reload_hold: 100 }]),
  ];
  t.equal((await home.run(['start', writeEcosystem(home, apps())])).code, 0);
  const pidsOf = async () => Object.fromEntries((await home.status()).apps.map((a) => [a.name, a.workers.map((w) => w.pid).sort()]));
  const revisionsOf = async () => Object.fromEntries((await home.status()).apps.map((a) => [a.name, a.revision]));
  const before = await pidsOf();

  const dry = await home.run(['reload', writeEcosystem(home, apps({ apiInstances: 3, webMessage: 'b' })), '--dry-run', '--json', '--changed-only']);
  t.equal(dry.code, 0);
  t.same(await pidsOf(), before, '--dry-run changes nothing');

  t.equal((await home.run(['reload', writeEcosystem(home, apps({ apiInstances: 3 })), '--changed-only'])).code, 0);
  const scaled = await pidsOf();
  t.equal(scaled.api!.length, 3);
  t.ok(before.api!.every((pid) => scaled.api!.includes(pid)), 'existing api pids untouched by the scale');
  t.same(scaled.web, before.web, 'web untouched');
  t.same(await revisionsOf(), { api: 1, web: 1, jobs: 1 }, 'a scale makes no new revision');

  t.equal((await home.run(['reload', writeEcosystem(home, apps({ apiInstances: 3, webMessage: 'b' })), '--changed-only'])).code, 0);
  const reloaded = await pidsOf();
  t.same(await revisionsOf(), { api: 1, web: 2, jobs: 1 }, 'only web was reloaded');
  t.same(reloaded.api, scaled.api);
  t.same(reloaded.jobs, before.jobs);
  t.notSame(reloaded.web, before.web);

  t.equal((await home.run(['reload', writeEcosystem(home, apps({ apiInstances: 3, webMessage: 'b', withJobs: false })), '--changed-only'])).code, 0);
  t.ok((await home.status()).apps.some((a) => a.name === 'jobs'), 'an app missing from the file is left alone');
  t.equal((await home.run(['reload', writeEcosystem(home, apps({ apiInstances: 3, webMessage: 'b', withJobs: false })), '--prune', '--changed-only'])).code, 0);
  t.same((await home.status()).apps.map((a) => a.name).sort(), ['api', 'web'], '--prune removes the dropped app');
});

t.test('hotctl scale api N', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 3, env: { PORT: port } }])])).code, 0);
  const before = (await home.status()).apps[0]!.workers.map((w) => w.pid);
  t.equal((await home.run(['scale', 'api', '1'])).code, 0);
  const after = (await home.status()).apps[0]!;
  t.equal(after.workers.length, 1);
  t.equal(after.instances, 1);
  t.ok(before.includes(after.workers[0]!.pid), 'the remaining worker is one of the old ones');
});
