import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

t.test('save keeps the previous dump as a backup; with a corrupt dump, resurrect brings the backup back and says so', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  t.equal((await home.run(['save'])).code, 0, 'first save');
  const dump = join(home.dir, 'dump.json');
  t.notOk(existsSync(`${dump}.bak`), 'no backup after the first save: there was nothing before it');
  t.equal((await home.run(['save'])).code, 0, 'second save');
  t.same((JSON.parse(readFileSync(`${dump}.bak`, 'utf8')) as { apps: Array<{ name: string }> }).apps.map((a) => a.name), ['api'], 'the first dump is the backup');

  // The dump is corrupted (a crash of the disk, an editor), and the app is gone.
  writeFileSync(dump, '{"apps": [ trunc');
  t.equal((await home.run(['stop', 'api'])).code, 0);
  t.equal((await home.run(['delete', 'api'])).code, 0);
  const resurrect = await home.run(['resurrect']);
  t.equal(resurrect.code, 0, `resurrect succeeds: ${resurrect.stderr}`);
  t.match(resurrect.stderr, /dump\.json was unreadable.*backup/s, 'and says it used the backup');
  const status = await home.waitForStatus((s) => s.apps.some((a) => a.name === 'api' && a.status === 'online'));
  t.equal(status.apps.length, 1, 'api is back');
  t.equal((await get(port)).status, 200, 'and serves');
  t.ok(
    (await home.run(['resurrect', '--json'])).code === 0,
    'a second resurrect (dump now kept aside, backup still whole) still works',
  );
});
