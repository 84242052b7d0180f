/** The command lines answered without yargs print and exit exactly as through yargs. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCli } from '../../../src/cli/cli.js';
import { fastPath } from '../../../src/cli/fast-path.js';
import { FakeError, startFakeDaemon, tempHome } from './fixtures/fake-daemon.js';
import { statusSnapshot } from './fixtures/samples.js';

const BIN = fileURLToPath(new URL('../../../../bin/hotctl', import.meta.url));

async function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { ...env, HOTCTL_HOME: home }, cwd: home });
  return { code, stdout, stderr };
}

t.test('only the exact hot command lines take the fast path', async (t) => {
  for (const args of [['--version'], ['status'], ['status', '--json'], ['--json', 'status']]) t.ok(fastPath(args), `hotctl ${args.join(' ')}`);
  for (const args of [[], ['--version', '--json'], ['status', '-w'], ['status', '--watch'], ['status', '--help'], ['status', 'x'], ['status', '--json', '--json'], ['--json'], ['statu'], ['status', '--json=false'], ['reload', 'api']]) {
    t.equal(fastPath(args), null, `hotctl ${args.join(' ')}`);
  }
});

// `--no-watch` sends the same command through yargs: both ways must print the same bytes.
t.test('status, table and --json, as through yargs: with a daemon, without one, and with a refusing one', async (t) => {
  const snapshot = statusSnapshot();
  const fake = await startFakeDaemon({ status: () => snapshot });
  t.teardown(() => fake.dispose());
  const refusing = await startFakeDaemon({
    hello: () => {
      throw new FakeError({ code: 'E_DAEMON_NEWER', message: 'newer', hint: 'use the newer CLI' });
    },
  });
  t.teardown(() => refusing.dispose());
  const none = tempHome();
  t.teardown(() => rmSync(none, { recursive: true, force: true }));
  for (const home of [fake.home, refusing.home, join(none, 'state')]) {
    for (const json of [[], ['--json']]) {
      const fast = await cli(home, ['status', ...json], { NO_COLOR: '1' });
      const slow = await cli(home, ['status', ...json, '--no-watch'], { NO_COLOR: '1' });
      t.same(fast, slow, `status ${json.join(' ')} in ${home}`);
    }
  }
  t.equal((await cli(refusing.home, ['status'])).code, 3);
});

t.test('--version prints what yargs prints', async (t) => {
  const fast = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  const slow = spawnSync(process.execPath, [BIN, '--version', '--json'], { encoding: 'utf8' });
  t.equal(fast.status, 0);
  t.equal(fast.stdout, slow.stdout);
  t.equal(fast.stderr, '');
});
