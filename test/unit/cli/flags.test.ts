/** Flag parsing: bad counts and combinations are usage errors (exit 2) before any daemon is asked. */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { strategyParams } from '../../../src/cli/commands/reload.js';
import { parseCount } from '../../../src/cli/flags.js';
import { tempHome } from './fixtures/fake-daemon.js';
import { cli } from './fixtures/run-cli.js';

const BIN = fileURLToPath(new URL('../../../../bin/hotctl', import.meta.url));

t.test('counts are plain whole numbers ≥ 1', async (t) => {
  t.equal(parseCount('3', '--batch', 'reload'), 3);
  t.equal(parseCount(undefined, '--batch', 'reload'), undefined);
  t.equal(parseCount('0', 'x', 'scale', 0), 0);
  for (const bad of ['0', '-1', '1.5', '1e3', 'x', '', '2x', '99999999999999999999']) {
    t.throws(() => parseCount(bad, '--canary', 'reload'), { code: 'E_USAGE' }, `"${bad}" is refused`);
  }
});

t.test('reload strategy flags', async (t) => {
  t.same(strategyParams({ canary: '2', strategy: undefined, batch: undefined }), { canary: 2 });
  t.same(strategyParams({ canary: undefined, strategy: undefined, batch: '3' }), { strategy: 'rolling', batch: 3 });
  t.same(strategyParams({ canary: undefined, strategy: 'rolling', batch: '3' }), { strategy: 'rolling', batch: 3 });
  t.same(strategyParams({ canary: undefined, strategy: 'surge', batch: undefined }), { strategy: 'surge' });
  t.same(strategyParams({ canary: undefined, strategy: undefined, batch: undefined }), {});
  t.throws(() => strategyParams({ canary: '1', strategy: 'rolling', batch: undefined }), { code: 'E_USAGE' });
  t.throws(() => strategyParams({ canary: '1', strategy: undefined, batch: '2' }), { code: 'E_USAGE' });
  t.throws(() => strategyParams({ canary: undefined, strategy: 'surge', batch: '2' }), { code: 'E_USAGE' });
  t.throws(() => strategyParams({ canary: undefined, strategy: 'fast', batch: undefined }), { code: 'E_USAGE' }, 'only a declared strategy');
  t.same(strategyParams({ canary: undefined, strategy: undefined, batch: undefined, stopFirst: true }), { strategy: 'stop-first' });
});

t.test('--canary P% is one worker with a share of new connections', async (t) => {
  t.same(strategyParams({ canary: '10%', strategy: undefined, batch: undefined }), { canary: 1, canary_share: 10 });
  t.same(strategyParams({ canary: '2.5%', strategy: undefined, batch: undefined }), { canary: 1, canary_share: 2.5 });
  for (const bad of ['0%', '100%', '150%', '-5%', 'x%', '%', '1e1%', '10 %']) {
    t.throws(() => strategyParams({ canary: bad, strategy: undefined, batch: undefined }), { code: 'E_USAGE' }, `"${bad}" is refused`);
  }
  t.throws(() => strategyParams({ canary: '10%', strategy: 'rolling', batch: undefined }), { code: 'E_USAGE' }, 'not with --strategy');
});

t.test('--rollback-window takes a duration (0: no parking); not with --canary', async (t) => {
  const none = { canary: undefined, strategy: undefined, batch: undefined };
  t.same(strategyParams({ ...none, rollbackWindow: '30s' }), { rollback_window: 30_000 });
  t.same(strategyParams({ ...none, rollbackWindow: '0' }), { rollback_window: 0 });
  t.same(strategyParams({ ...none, strategy: 'surge', rollbackWindow: '1500' }), { strategy: 'surge', rollback_window: 1500 });
  for (const bad of ['-1', 'soon', '1e3', '']) t.throws(() => strategyParams({ ...none, rollbackWindow: bad }), { code: 'E_USAGE' }, `"${bad}" is refused`);
  t.throws(() => strategyParams({ ...none, canary: '1', rollbackWindow: '30s' }), { code: 'E_USAGE' });
});

t.test('usage errors exit 2 without a daemon (none is started, none is needed)', async (t) => {
  const home = tempHome();
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'server.js'), '');
  writeFileSync(join(home, 'ecosystem.json'), JSON.stringify({ apps: [{ name: 'api', script: 'server.js' }] }));
  const state = join(home, 'state');
  const cases = [
    ['reload', 'api', '--canary', '0'],
    ['reload', 'api', '--canary', 'two'],
    ['reload', 'api', '--batch', '0'],
    ['reload', 'api', '--strategy', 'fast'],
    ['reload', 'api', '--strategy', 'surge', '--batch', '2'],
    ['reload', 'api', '--canary', '1', '--strategy', 'rolling'],
    ['reload', 'api', '--dry-run'],
    ['reload', 'api', '--prune'],
    ['reload', 'ecosystem.json', '--canary', '1'],
    ['scale', 'api', 'x'],
    ['scale', 'api', '0'],
    ['scale', 'api'],
    ['rollback', 'api', '--to', '0'],
    ['rollback', 'api', '--to', 'last'],
    ['promote'],
    ['history'],
    ['start', 'server.js', '--wait'],
  ];
  for (const args of cases) {
    const ran = await cli(state, args, {}, home);
    t.equal(ran.code, 2, `hotctl ${args.join(' ')} exits 2`);
    t.match(ran.stderr, /E_USAGE/);
  }
});

t.test('every new command has help with examples (the built launcher: yargs prints help itself)', async (t) => {
  const home = tempHome();
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const help = (cmd: string) =>
    new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, cmd, '--help'], { env: { ...process.env, HOTCTL_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
  // Independent processes: spawned at once, checked in order.
  const commands = ['promote', 'rollback', 'scale', 'history', 'start'];
  const [reload, ...results] = await Promise.all(['reload', ...commands].map(help));
  commands.forEach((cmd, i) => {
    t.equal(results[i]!.code, 0, cmd);
    t.match(results[i]!.stdout, /Examples:/, `${cmd} --help has examples`);
  });
  for (const flag of ['--canary', '--strategy', '--batch', '--wait', '--update-env', '--env', '--prune', '--dry-run']) t.match(reload!.stdout, flag);
});
