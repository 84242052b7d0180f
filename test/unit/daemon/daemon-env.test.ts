import t from 'tap';
import { daemonSettings, DEFAULT_METRICS_INTERVAL_MS } from '../../../src/daemon/daemon-env.js';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../../../src/daemon/http-options.js';

t.test('no HOTCTL_* variable: the defaults, no warning', async (t) => {
  t.same(daemonSettings({}), {
    settings: { httpPort: DEFAULT_HTTP_PORT, httpHost: DEFAULT_HTTP_HOST, httpAllowRemote: false, httpToken: null, metricsIntervalMs: DEFAULT_METRICS_INTERVAL_MS },
    warnings: [],
  });
  t.same(daemonSettings({ HOTCTL_HTTP_PORT: '', HOTCTL_HTTP_HOST: '', HOTCTL_HTTP_TOKEN: '', HOTCTL_METRICS_INTERVAL_MS: '' }), daemonSettings({}), 'empty is unset');
});

t.test('every variable read', async (t) => {
  const { settings, warnings } = daemonSettings({ HOTCTL_HTTP_PORT: '0', HOTCTL_HTTP_HOST: '::1', HOTCTL_HTTP_ALLOW_REMOTE: '1', HOTCTL_HTTP_TOKEN: 's3cret', HOTCTL_METRICS_INTERVAL_MS: '0' });
  t.same(settings, { httpPort: 0, httpHost: '::1', httpAllowRemote: true, httpToken: 's3cret', metricsIntervalMs: 0 });
  t.same(warnings, []);
  t.equal(daemonSettings({ HOTCTL_HTTP_PORT: '65535' }).settings.httpPort, 65535);
  t.equal(daemonSettings({ HOTCTL_HTTP_ALLOW_REMOTE: 'yes' }).settings.httpAllowRemote, false, 'only 1 allows');
  t.equal(daemonSettings({ HOTCTL_METRICS_INTERVAL_MS: '250' }).settings.metricsIntervalMs, 250);
});

t.test('a port that is not one: the default, and a warning naming the value', async (t) => {
  for (const value of ['x', '-1', '65536', '80.5', '1e9']) {
    const { settings, warnings } = daemonSettings({ HOTCTL_HTTP_PORT: value });
    t.equal(settings.httpPort, DEFAULT_HTTP_PORT, value);
    t.equal(warnings.length, 1);
    t.match(warnings[0], `HOTCTL_HTTP_PORT=${JSON.stringify(value)} is not a port`);
  }
});

t.test('an interval that is not a whole number of ms: 1000, and a warning', async (t) => {
  for (const value of ['fast', '-5', '0.5']) {
    const { settings, warnings } = daemonSettings({ HOTCTL_METRICS_INTERVAL_MS: value });
    t.equal(settings.metricsIntervalMs, DEFAULT_METRICS_INTERVAL_MS, value);
    t.match(warnings, [/^HOTCTL_METRICS_INTERVAL_MS=.* is not a whole number of ms/]);
  }
});

t.test("the caller's options win over the environment, and a bad variable they override is not read", async (t) => {
  const env = { HOTCTL_HTTP_PORT: 'bad', HOTCTL_HTTP_HOST: '127.0.0.2', HOTCTL_HTTP_ALLOW_REMOTE: '1', HOTCTL_HTTP_TOKEN: 'env' };
  const { settings, warnings } = daemonSettings(env, { httpPort: 0, httpHost: '127.0.0.1', httpAllowRemote: false, httpToken: 'given' });
  t.same(settings, { httpPort: 0, httpHost: '127.0.0.1', httpAllowRemote: false, httpToken: 'given', metricsIntervalMs: DEFAULT_METRICS_INTERVAL_MS });
  t.same(warnings, []);
});
