/** reload/start with an ecosystem file: the daemon's apply, --dry-run, --prune, --update-env. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { AppSpec } from '../../../src/protocol/index.js';
import { startFakeDaemon, type FakeDaemon } from './fixtures/fake-daemon.js';
import { cli, opHandler } from './fixtures/run-cli.js';
import { operation, statusSnapshot } from './fixtures/samples.js';

/** A fake daemon whose home holds ecosystem.json with api (env + env_production) and web. */
async function withFile(handlers: Parameters<typeof startFakeDaemon>[0]): Promise<FakeDaemon> {
  const fake = await startFakeDaemon(handlers);
  writeFileSync(join(fake.home, 'server.js'), 'require("http").createServer().listen(0)\n');
  const apps = [
    { name: 'api', script: 'server.js', env: { NODE_ENV: 'development', PORT: 3000 }, env_production: { NODE_ENV: 'production' } },
    { name: 'web', script: 'server.js', instances: 2 },
  ];
  writeFileSync(join(fake.home, 'ecosystem.json'), JSON.stringify({ apps }));
  return fake;
}

function applyAnswer(params: Record<string, unknown>) {
  const plan = [
    { app: 'api', action: 'reload', changed: ['env'] },
    { app: 'web', action: 'scale', changed: ['instances'], instances: { from: 1, to: 2 } },
    { app: 'old', action: params.prune ? 'delete' : 'keep', changed: [] },
  ];
  if (params.dry_run) return { plan, operations: [] };
  const done = (kind: 'reload' | 'scale' | 'delete', app: string) => operation({ id: `${kind}-${app}`, kind, app, state: 'succeeded', ended_at: 'x', duration_ms: 10 });
  return { plan, operations: [done('reload', 'api'), done('scale', 'web'), ...(params.prune ? [done('delete', 'old')] : [])] };
}

const sentApps = (fake: FakeDaemon) => fake.requests.find((r) => r.method === 'apply')!.params.apps as AppSpec[];

t.test('reload <file> --dry-run: the plan, and nothing else asked for', async (t) => {
  const fake = await withFile({ apply: applyAnswer });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'ecosystem.json', '--dry-run', '--env', 'production']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests.map((r) => r.method), ['hello', 'apply']);
  t.equal(fake.requests[1]!.params.dry_run, true);
  t.equal(sentApps(fake)[0]!.env.NODE_ENV, 'production', '--env picks the env_production block');
  t.match(ran.stdout, /^Plan for ecosystem\.json:$/m);
  t.match(ran.stdout, /^ {2}web +scale +1 → 2 workers$/m);
  t.match(ran.stdout, /^ {2}old +keep +not in the file/m);
  t.match(ran.stdout, /^Dry run: nothing was changed \(1 reload, 1 scale planned\)\.$/m);

  const json = await cli(fake.home, ['reload', 'ecosystem.json', '--dry-run', '--json']);
  t.equal(json.code, 0);
  t.same(JSON.parse(json.stdout), { plan: applyAnswer({ dry_run: true }).plan });
});

t.test('reload <file> --prune: the plan, each operation, a summary', async (t) => {
  const fake = await withFile({ apply: applyAnswer });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'ecosystem.json', '--prune', '--wait']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(Object.keys(fake.requests[1]!.params).sort(), ['apps', 'follow', 'prune', 'wait']);
  t.match(ran.stdout, /^ {2}old +delete +not in the file \(--prune\)$/m);
  t.equal(ran.stdout.split('\n').filter((l) => l.startsWith('✓')).length, 4, 'three operations and the file');
  t.match(ran.stdout, /^✓ ecosystem\.json: 1 reloaded, 1 scaled, 1 deleted$/m);
});

t.test("reload <file> sends the file's env and this shell's apart; --update-env asks the daemon to apply the shell's to running apps", async (t) => {
  const fake = await withFile({ apply: applyAnswer });
  t.teardown(() => fake.dispose());
  const shell = { NODE_ENV: 'test', SHELL_ONLY: 'yes', HOTCTL_DEBUG: '1' };
  t.equal((await cli(fake.home, ['reload', 'ecosystem.json'], shell)).code, 0);
  t.same(sentApps(fake)[0]!.env, { NODE_ENV: 'development', PORT: '3000' });
  t.match(sentApps(fake)[0]!.inherited_env, { NODE_ENV: 'test', SHELL_ONLY: 'yes' }, 'new apps of the file start with this shell');
  t.equal(sentApps(fake)[0]!.inherited_env!.HOTCTL_DEBUG, undefined, 'never a hotctl setting');
  t.equal(fake.requests[1]!.params.update_env, undefined, 'running apps keep theirs');
  fake.requests.length = 0;
  t.equal((await cli(fake.home, ['reload', 'ecosystem.json', '--update-env'], shell)).code, 0);
  t.same(sentApps(fake)[0]!.env, { NODE_ENV: 'development', PORT: '3000' });
  t.equal(fake.requests[1]!.params.update_env, true);
});

t.test('start <file> applies it, then starts the apps of the file that are stopped', async (t) => {
  const snapshot = statusSnapshot();
  snapshot.apps[1] = { ...snapshot.apps[1]!, name: 'web', status: 'stopped' };
  const fake = await withFile({
    apply: () => ({ plan: [{ app: 'api', action: 'unchanged', changed: [] }, { app: 'web', action: 'unchanged', changed: [] }], operations: [] }),
    status: () => snapshot,
    restart: opHandler('restart'),
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['start', 'ecosystem.json']);
  t.equal(ran.code, 0, ran.stderr);
  t.same(fake.requests.map((r) => r.method), ['hello', 'apply', 'status', 'restart']);
  t.equal(fake.requests[3]!.params.name, 'web');
  t.match(ran.stdout, /^✓ ecosystem\.json: nothing to change; 2 unchanged$/m);
});

t.test('a failed apply operation: its exit code, and a summary that names it', async (t) => {
  const fake = await withFile({
    apply: () => ({
      plan: [{ app: 'api', action: 'reload', changed: ['env'] }],
      operations: [operation({ state: 'failed', ended_at: 'x', error: { code: 'E_RELOAD_FAILED', message: 'no', hint: 'h' } })],
    }),
  });
  t.teardown(() => fake.dispose());
  const ran = await cli(fake.home, ['reload', 'ecosystem.json']);
  t.equal(ran.code, 1);
  t.match(ran.stdout, /^✗ ecosystem\.json: reload api failed \(E_RELOAD_FAILED\)$/m);
});
