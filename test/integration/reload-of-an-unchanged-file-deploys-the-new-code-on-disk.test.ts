import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployFixture, freePort, get, Home } from '../helpers/harness.js';

// `git pull && pm2 reload ecosystem.config.js` is PM2's deploy step: the file did not change,
// the code on disk did.
t.test('reload <file> with the file unchanged deploys the new code on disk, and the plan says why', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'http-app.cjs', 'server.cjs');
  const file = join(home.dir, 'ecosystem.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script, env: { PORT: port }, min_uptime: 100 }] }));
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, started.stderr);
  t.equal(JSON.parse((await get(port)).body).version, '1.2.3');

  const unchanged = await home.run(['reload', file, '--changed-only']);
  t.equal(unchanged.code, 0, unchanged.stderr);
  t.match(unchanged.stdout, /api\s+unchanged/, '--changed-only: nothing changed, nothing reloaded');
  t.equal((await home.status()).apps[0]!.revision, 1);

  // New code on disk: a new version in package.json and a new entry script.
  const pkg = join(dir, 'package.json');
  writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"version": "1.2.3"', '"version": "1.3.0"'));
  writeFileSync(script, `${readFileSync(script, 'utf8')}\n// v1.3.0\n`);
  const deployed = await home.run(['reload', file]);
  t.equal(deployed.code, 0, deployed.stderr);
  t.match(deployed.stdout, /api\s+reload\s+version 1\.2\.3 → 1\.3\.0; entry script changed \(sha256\)/, 'the plan says why');
  t.equal((await home.status()).apps[0]!.revision, 2, 'a new revision');
  t.equal(JSON.parse((await get(port)).body).version, '1.3.0', 'the new code serves');

  // Nothing changed at all: the file's apps are still reloaded (files other than the entry may have), saying so.
  const again = await home.run(['reload', file]);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /api\s+reload\s+redeploy: no change seen/);
  t.equal((await home.status()).apps[0]!.revision, 3);

  // `start <file>` on the running app does the same.
  writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"version": "1.3.0"', '"version": "1.4.0"'));
  const start = await home.run(['start', file, '--changed-only']);
  t.equal(start.code, 0, start.stderr);
  t.match(start.stdout, /api\s+reload\s+version 1\.3\.0 → 1\.4\.0/);
  t.equal(JSON.parse((await get(port)).body).version, '1.4.0');
});
