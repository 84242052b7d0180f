/** A worker's env: inherited < filter_env < env < instance_var / increment_var < runtime; no HOTCTL_* setting. */
import t from 'tap';
import { filterInherited, workerEnv } from '../../../src/cluster/worker-env.js';
import { sampleSpec } from '../cli/fixtures/samples.js';

const inherited = { PATH: '/bin', AWS_SECRET: 's', AWS_REGION: 'eu', SECRET_TOKEN: 'x', HOME: '/root' };

t.test('filter_env as PM2: true drops all, a string drops that name, a list drops names containing a part', async (t) => {
  t.same(filterInherited(inherited, undefined), inherited);
  t.same(filterInherited(inherited, false), inherited);
  t.same(filterInherited(inherited, true), {});
  t.same(filterInherited(inherited, 'AWS_SECRET'), { PATH: '/bin', AWS_REGION: 'eu', SECRET_TOKEN: 'x', HOME: '/root' });
  t.same(filterInherited(inherited, 'AWS'), inherited, 'a string is one exact name');
  t.same(filterInherited(inherited, ['AWS', 'SECRET']), { PATH: '/bin', HOME: '/root' });
  t.same(filterInherited(inherited, []), inherited);
});

t.test('filter_env applies to the inherited env only, never to the spec env', async (t) => {
  const spec = sampleSpec('api', { env: { AWS_REGION: 'us' }, inherited_env: inherited, filter_env: true });
  t.same(workerEnv(spec, 2, {}), { AWS_REGION: 'us', NODE_APP_INSTANCE: '2' });
});

t.test('no HOTCTL_* setting reaches a worker from the shell or the file; the runtime variables, HOTCTL_REQUEST_COUNTING and HOTCTL_REQUEST_OUTCOMES do', async (t) => {
  const spec = sampleSpec('api', {
    env: { HOTCTL_HTTP_TOKEN: 'file', HOTCTL_REQUEST_COUNTING: '0', HOTCTL_REQUEST_OUTCOMES: '0', A: '1' },
    inherited_env: { HOTCTL_HOME: '/h', HOTCTL_HTTP_TOKEN: 'shell', B: '2' },
  });
  const env = workerEnv(spec, 0, { HOTCTL_APP: 'api', HOTCTL_REVISION: '3' });
  t.same(env, { B: '2', A: '1', HOTCTL_REQUEST_COUNTING: '0', HOTCTL_REQUEST_OUTCOMES: '0', NODE_APP_INSTANCE: '0', HOTCTL_APP: 'api', HOTCTL_REVISION: '3' });
});

t.test('instance_var renames NODE_APP_INSTANCE; increment_var adds the instance to its value (0 when unset)', async (t) => {
  const spec = sampleSpec('api', { env: { PORT: '3000' }, instance_var: 'INSTANCE_ID', increment_var: 'PORT' });
  t.same([0, 1, 2].map((i) => workerEnv(spec, i, {})), [
    { PORT: '3000', INSTANCE_ID: '0' },
    { PORT: '3001', INSTANCE_ID: '1' },
    { PORT: '3002', INSTANCE_ID: '2' },
  ]);
  const fromShell = sampleSpec('api', { env: {}, inherited_env: { WORKER_PORT: '9000' }, increment_var: 'WORKER_PORT' });
  t.equal(workerEnv(fromShell, 3, {}).WORKER_PORT, '9003', 'the base may come from the inherited env');
  t.equal(workerEnv(sampleSpec('api', { increment_var: 'N' }), 4, {}).N, '4');
});
