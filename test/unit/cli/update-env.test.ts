/** The CLI's environment captured for an app, and which env wins (the README states the same rules). */
import t from 'tap';
import { cliEnv, deployedSpecWithCliEnv, specWithCliEnv } from '../../../src/cli/update-env.js';
import { workerEnv } from '../../../src/cluster/worker-env.js';
import { sampleSpec } from './fixtures/samples.js';

const shell = { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'development', HOTCTL_HOME: '/tmp/h', HOTCTL_HTTP_TOKEN: 't', EMPTY: '', GONE: undefined };

t.test("the CLI's env: defined values, hotctl's own settings left out", async (t) => {
  t.same(cliEnv(shell), { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'development', EMPTY: '' });
});

t.test("a started app: the shell is captured apart; the file's env wins over it in the worker", async (t) => {
  const spec = sampleSpec('api', { env: { NODE_ENV: 'production', PORT: '3000' } });
  const captured = specWithCliEnv(spec, shell);
  t.same(captured.env, { NODE_ENV: 'production', PORT: '3000' }, "the spec's env stays the file's");
  t.same(captured.inherited_env, { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'development', EMPTY: '' });
  t.same(spec.inherited_env, undefined, 'the input spec is not changed');
  const env = workerEnv(captured, 0, {});
  t.same(env, { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'production', EMPTY: '', PORT: '3000', NODE_APP_INSTANCE: '0' });
});

t.test('a name with --update-env: the shell wins over the deployed env; keys it does not set are kept', async (t) => {
  const spec = sampleSpec('api', { env: { NODE_ENV: 'production', DB_URL: 'postgres://old', PORT: '3000' } });
  const merged = deployedSpecWithCliEnv(spec, shell);
  t.same(workerEnv(merged, 0, {}), { NODE_ENV: 'development', DB_URL: 'postgres://shell', PORT: '3000', PATH: '/usr/bin', EMPTY: '', NODE_APP_INSTANCE: '0' });
  // A second --update-env with a new value takes effect (it would not, were the deployed env to win).
  const again = deployedSpecWithCliEnv(merged, { DB_URL: 'postgres://newer' });
  t.equal(workerEnv(again, 0, {}).DB_URL, 'postgres://newer');
  t.same(again.inherited_env, { DB_URL: 'postgres://newer' }, 'the previous shell is replaced, not merged');
});
