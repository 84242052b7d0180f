import t from 'tap';
import { appendFileSync, mkdirSync, symlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployFixture, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

interface History {
  active: number;
  revisions: Array<{ number: number; outcome: string; cause: string; rollback_of: number | null; spec: { env: Record<string, string> }; script: string; app_version: string | null }>;
}

// rollback_window 0: these are rollbacks after the window (the old revision starts again from its
// files); within it the parked workers serve again (rollback-within-the-window-…test.ts).
t.test("rollback --to N restores N's env and script; history records it", async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const app = (message: string) => [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port, MESSAGE: message }, min_uptime: 100, reload_hold: 100, rollback_window: 0 }];
  t.equal((await home.run(['start', writeEcosystem(home, app('one'))])).code, 0);
  t.equal((await home.run(['reload', writeEcosystem(home, app('two'))])).code, 0);
  t.equal((await get(port)).json.message, 'two');

  t.equal((await home.run(['rollback', 'api', '--to', '1'])).code, 0);
  t.equal((await get(port)).json.message, 'one', "revision 1's env is back");
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as History;
  t.equal(history.active, 3);
  t.same(history.revisions.map((r) => [r.number, r.outcome]), [[1, 'superseded'], [2, 'rolled_back'], [3, 'active']]);
  t.equal(history.revisions[2]!.cause, 'rollback');
  t.equal(history.revisions[2]!.rollback_of, 1);

  t.equal((await home.run(['rollback', 'api', '--to', '9'])).code, EXIT_CODES.usage, 'an unknown revision is refused');
});

t.test('rollback is refused when the files changed (E_REVISION_FILES_CHANGED), and --force overrides', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const dir = join(home.dir, 'app');
  const script = deployFixture(dir, 'http-app.cjs', 'server.cjs');
  const eco = (message: string) => writeEcosystem(home, [{ name: 'api', script, env: { PORT: port, MESSAGE: message }, min_uptime: 100, reload_hold: 100, rollback_window: 0 }]);
  t.equal((await home.run(['start', eco('one')])).code, 0);
  t.equal((await home.run(['reload', eco('two')])).code, 0);
  appendFileSync(script, '\n// edited in place after revision 1 was deployed\n');
  const refused = await home.run(['rollback', 'api', '--json']);
  t.equal(refused.code, EXIT_CODES.usage);
  t.match(refused.stdout + refused.stderr, 'E_REVISION_FILES_CHANGED');
  t.equal((await home.status()).apps[0]!.revision, 2, 'nothing changed');
  const forced = await home.run(['rollback', 'api', '--force']);
  t.equal(forced.code, 0);
  t.equal((await get(port)).json.message, 'one');
});

t.test('release-directory pattern: rollback runs the truly old code although `current` points at the new release', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const base = join(home.dir, 'srv');
  for (const v of ['1.0.0', '2.0.0']) {
    const dir = join(base, 'releases', v);
    mkdirSync(dir, { recursive: true });
    deployFixture(dir, 'http-app.cjs', 'server.cjs');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'api', version: v, type: 'commonjs' }));
  }
  const flip = (v: string) => {
    const tmp = join(base, 'current.tmp');
    symlinkSync(join(base, 'releases', v), tmp);
    renameSync(tmp, join(base, 'current'));
  };
  flip('1.0.0');
  const file = writeEcosystem(home, [{ name: 'api', script: join(base, 'current', 'server.cjs'), cwd: join(base, 'current'), instances: 2, env: { PORT: port }, min_uptime: 100, reload_hold: 100, rollback_window: 0 }]);
  t.equal((await home.run(['start', file])).code, 0);
  t.equal((await get(port)).json.version, '1.0.0');
  flip('2.0.0');
  t.equal((await home.run(['reload', 'api'])).code, 0);
  t.equal((await get(port)).json.version, '2.0.0', 'the reload resolved `current` again');
  t.equal((await home.run(['rollback', 'api'])).code, 0);
  t.equal((await get(port)).json.version, '1.0.0', 'the rollback runs release 1.0.0');
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as History;
  t.match(history.revisions[0]!.script, /releases\/1\.0\.0\/server\.cjs$/, 'each revision pins its real files');
  t.same(history.revisions.map((r) => r.app_version), ['1.0.0', '2.0.0', '1.0.0']);
});
