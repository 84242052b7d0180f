import t from 'tap';
import parse from 'parse-prometheus-text-format';
import WebSocket from 'ws';
import type { MetricsEvent } from '../../src/protocol/index.js';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

const REQUESTS = 20;

/** The first metrics message on /ws that `pred` accepts; rejects after `timeoutMs`. */
function metricsWhere(port: number, pred: (e: MetricsEvent) => boolean, timeoutMs = 20_000): Promise<MetricsEvent> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    let last: MetricsEvent | null = null;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no matching metrics in ${timeoutMs} ms; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event: string; data: MetricsEvent };
      if (msg.event !== 'metrics') return;
      last = msg.data;
      if (!pred(msg.data)) return;
      clearTimeout(timer);
      ws.terminate();
      resolve(msg.data);
    });
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

t.test('/metrics parses and carries every series for every worker; /readyz is 503 while an app has no ready worker', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const appPort = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: appPort } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const pids = (await home.status()).apps[0]!.workers.map((w) => w.pid!);
  t.equal((await get(httpPort, '/readyz')).status, 200, 'ready once every worker is');

  for (let i = 0; i < REQUESTS; i++) await get(appPort);
  // Wait on the stream for the tick that has counted them all (the runtime reports each second).
  await metricsWhere(httpPort, (e) => e.workers.length === 2 && e.workers.reduce((n, w) => n + (w.requests_total ?? 0), 0) === REQUESTS);

  const metrics = await get(httpPort, '/metrics');
  t.equal(metrics.status, 200);
  const families = parse(metrics.body);
  const samples = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
  for (const name of [
    'hotctl_worker_cpu_ratio',
    'hotctl_worker_resident_memory_bytes',
    'hotctl_worker_heap_used_bytes',
    'hotctl_worker_heap_total_bytes',
    'hotctl_worker_event_loop_delay_seconds',
    'hotctl_worker_requests_in_flight',
    'hotctl_worker_requests_total',
  ]) {
    const perQuantile = name === 'hotctl_worker_event_loop_delay_seconds' ? 2 : 1;
    for (const pid of pids) {
      const mine = samples(name).filter((s) => s.labels?.app === 'api' && s.labels.pid === String(pid) && s.labels.revision === '1');
      t.equal(mine.length, perQuantile, `${name} for pid ${pid}`);
    }
  }
  t.equal(
    samples('hotctl_worker_requests_total').reduce((n, s) => n + Number(s.value), 0),
    REQUESTS,
    'requests_total counts exactly what was sent',
  );
  t.same(
    samples('hotctl_app_reloads_total').map((s) => [s.labels?.result, s.value]),
    [
      ['succeeded', '0'],
      ['failed', '0'],
    ],
  );
  t.equal(samples('hotctl_app_revision')[0]?.value, '1');
  t.equal(samples('hotctl_daemon_info').length, 1);

  // An app whose workers never turn ready (they throw at boot): its start fails, and it stays
  // known with no ready worker until deleted.
  const brokenFile = writeEcosystem(home, [{ name: 'broken', script: 'throws-at-boot.cjs', instances: 1, env: { PORT: await freePort() } }], 'broken.json');
  const failed = await home.run(['start', brokenFile]);
  t.not(failed.code, 0, 'the start fails');
  const notReady = await get(httpPort, '/readyz');
  t.equal(notReady.status, 503);
  t.same(
    (notReady.json.apps as Array<{ name: string; ready: number }>).map((a) => [a.name, a.ready]),
    [
      ['api', 2],
      ['broken', 0],
    ],
  );

  t.equal((await home.run(['delete', 'broken'])).code, 0);
  t.equal((await get(httpPort, '/readyz')).status, 200, 'ready again once the broken app is gone');

  // A supervisor that runs no app serves nothing: not ready (a container's first moments).
  t.equal((await home.run(['delete', 'api'])).code, 0);
  const empty = await get(httpPort, '/readyz');
  t.equal(empty.status, 503, 'not ready while no app runs');
  t.same(empty.json.apps, []);
});
