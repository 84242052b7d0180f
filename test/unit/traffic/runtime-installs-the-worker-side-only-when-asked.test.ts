import t from 'tap';
import { installTraffic } from '../../../src/runtime/traffic.js';

t.test('HOTCTL_TRAFFIC=1 installs the worker side, and the variable never reaches the app', async (t) => {
  const env: NodeJS.ProcessEnv = { HOTCTL_TRAFFIC: '1', HOTCTL_APP: 'a', HOTCTL_WORKER_ID: '3', HOTCTL_REVISION: '2' };
  t.equal(installTraffic(env), true);
  t.equal(env.HOTCTL_TRAFFIC, undefined);
});

t.test('without it, nothing is installed (node:cluster keeps deciding)', async (t) => {
  const env: NodeJS.ProcessEnv = { HOTCTL_APP: 'a' };
  t.equal(installTraffic(env), false);
  t.same(env, { HOTCTL_APP: 'a' });
});
