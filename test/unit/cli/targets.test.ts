/** Targets of reload/restart/stop/delete: `all` with no app, a pid, a script path, restart --update-env, -i -N. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseInstances } from '../../../src/cli/commands/start.js';
import { appsForTarget, onlyNames, selectOnly } from '../../../src/cli/file-targets.js';
import type { AppSpec } from '../../../src/protocol/index.js';
import { HotctlError } from '../../../src/protocol/index.js';
import { startFakeDaemon } from './fixtures/fake-daemon.js';
import { cli, opHandler } from './fixtures/run-cli.js';
import { sampleHistory, statusSnapshot } from './fixtures/samples.js';

t.test('`all` with no app at all is E_APP_NOT_FOUND, exit 2, for every verb', async (t) => {
  const fake = await startFakeDaemon({ status: () => ({ ...statusSnapshot(), apps: [] }) });
  t.teardown(() => fake.dispose());
  for (const verb of ['restart', 'stop', 'reload', 'delete']) {
    const ran = await cli(fake.home, [verb, 'all']);
    t.equal(ran.code, 2, verb);
    t.match(ran.stderr, /E_APP_NOT_FOUND/);
  }
});

t.test('a number is the pid of a worker, naming its app; a script path names the apps running it', async (t) => {
  const status = statusSnapshot();
  const api = status.apps[0]!;
  const pid = api.workers.find((w) => w.pid !== null)!.pid!;
  t.same(appsForTarget(status.apps, String(pid), '/'), [api.name]);
  const dir = mkdtempSync(join(tmpdir(), 'hotctl-targets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'server.js'), '');
  const apps = [{ ...api, script: join(dir, 'server.js') }, ...status.apps.slice(1)];
  t.same(appsForTarget(apps, 'server.js', dir), [api.name], 'a script path, relative to the cwd');
  t.throws(() => appsForTarget(status.apps, join(dir, 'server.js'), '/'), { code: 'E_APP_NOT_FOUND' }, 'an existing script no app runs');
  t.throws(() => appsForTarget(status.apps, '999999999', '/'), HotctlError);
  t.same(appsForTarget(status.apps, 'api', '/'), ['api'], 'a name is a name');
  t.same(appsForTarget([{ ...api, name: '42' }], '42', '/'), ['42'], 'an all-digit app name matches by name first');
});

t.test('--only: commas or spaces; a name the file does not define is a usage error', async (t) => {
  t.same(onlyNames('api,worker'), ['api', 'worker']);
  t.same(onlyNames('api worker'), ['api', 'worker']);
  t.equal(onlyNames(undefined), undefined);
  const apps = [{ name: 'api' }, { name: 'web' }] as AppSpec[];
  t.same(selectOnly(apps, ['web'], 'f', 'start').map((a) => a.name), ['web']);
  t.throws(() => selectOnly(apps, ['nope'], 'f', 'start'), { code: 'E_USAGE' });
});

t.test('restart <name> --update-env sends the active spec with the shell env over it', async (t) => {
  const fake = await startFakeDaemon({ history: () => sampleHistory(), status: () => statusSnapshot(), restart: opHandler('restart') });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['restart', 'api', '--update-env'], { FROM_SHELL: 'yes' });
  t.equal(ran.code, 0, ran.stderr);
  const sent = fake.requests.find((r) => r.method === 'restart')!.params as { spec?: AppSpec };
  t.equal(sent.spec?.inherited_env?.FROM_SHELL, 'yes', 'the shell is the inherited env of the new revision');
  const plain = await cli(fake.home, ['restart', 'api']);
  t.equal(plain.code, 0);
  t.notOk('spec' in fake.requests.filter((r) => r.method === 'restart')[1]!.params, 'without --update-env: no spec');
});

t.test('-i -N is cores minus N (PM2), not a usage error', async (t) => {
  t.equal(parseInstances('-100'), -100);
  t.equal(parseInstances('max'), 'max');
  t.throws(() => parseInstances('lots'), { code: 'E_USAGE' });
});
