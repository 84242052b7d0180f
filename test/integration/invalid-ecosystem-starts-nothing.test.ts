import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, Home } from '../helpers/harness.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

t.test('an invalid ecosystem file: exit 2, file/app/key named with a did-you-mean, nothing started', async (t) => {
  const home = new Home(t);
  const file = join(home.dir, 'ecosystem.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'api', script: join(FIXTURES, 'http-app.cjs'), instanses: 2 },
        { name: 'web', script: join(FIXTURES, 'http-app.cjs'), instances: 'lots' },
      ],
    }),
  );
  const r = await home.run(['start', file]);
  t.equal(r.code, EXIT_CODES.usage);
  t.match(r.stderr, 'E_CONFIG_INVALID');
  t.match(r.stderr, 'ecosystem.json', 'names the file');
  t.match(r.stderr, 'apps[0].instanses', 'names the key path');
  t.match(r.stderr, '"instances"', 'suggests the right key');
  t.match(r.stderr, 'apps[1].instances', 'reports every problem, not just the first');
  t.notOk(existsSync(join(home.dir, 'daemon.pid')), 'no daemon was started');
});

t.test('an invalid file given to a running daemon changes nothing', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const good = join(home.dir, 'good.json');
  writeFileSync(good, JSON.stringify({ apps: [{ name: 'api', script: join(FIXTURES, 'http-app.cjs'), env: { PORT: port } }] }));
  t.equal((await home.run(['start', good])).code, 0);
  const before = await home.status();
  const bad = join(home.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ apps: [{ name: 'api', script: join(FIXTURES, 'http-app.cjs'), env: { PORT: port }, kill_timeout: -5 }] }));
  const r = await home.run(['reload', bad]);
  t.equal(r.code, EXIT_CODES.usage);
  const after = await home.status();
  t.equal(after.apps[0]!.revision, before.apps[0]!.revision, 'no new revision');
  t.same(after.apps[0]!.workers.map((w) => w.pid), before.apps[0]!.workers.map((w) => w.pid), 'workers untouched');
});
