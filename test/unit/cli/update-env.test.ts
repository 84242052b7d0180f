/** --update-env: which env wins, exactly (the README states the same rules). */
import t from 'tap';
import { cliEnv, deployedSpecWithCliEnv, fileSpecWithCliEnv } from '../../../src/cli/update-env.js';
import { sampleSpec } from './fixtures/samples.js';

const shell = { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'development', HOTCTL_HOME: '/tmp/h', HOTCTL_DEBUG: '1', EMPTY: '', GONE: undefined };

t.test("the CLI's env: defined values, hotctl's own settings left out", async (t) => {
  t.same(cliEnv(shell), { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'development', EMPTY: '' });
});

t.test("a file: the shell is the base, the file's env wins", async (t) => {
  const spec = sampleSpec('api', { env: { NODE_ENV: 'production', PORT: '3000' } });
  const merged = fileSpecWithCliEnv(spec, shell);
  t.same(merged.env, { PATH: '/usr/bin', DB_URL: 'postgres://shell', NODE_ENV: 'production', EMPTY: '', PORT: '3000' });
  t.same(spec.env, { NODE_ENV: 'production', PORT: '3000' }, 'the input spec is not changed');
  t.equal(merged.script, spec.script);
});

t.test("a name: the shell wins over the deployed env; keys it does not set are kept", async (t) => {
  const spec = sampleSpec('api', { env: { NODE_ENV: 'production', DB_URL: 'postgres://old', PORT: '3000' } });
  const merged = deployedSpecWithCliEnv(spec, shell);
  t.same(merged.env, { NODE_ENV: 'development', DB_URL: 'postgres://shell', PORT: '3000', PATH: '/usr/bin', EMPTY: '' });
  // A second --update-env with a new value takes effect (it would not, were the deployed env to win).
  const again = deployedSpecWithCliEnv(merged, { DB_URL: 'postgres://newer' });
  t.equal(again.env.DB_URL, 'postgres://newer');
});
