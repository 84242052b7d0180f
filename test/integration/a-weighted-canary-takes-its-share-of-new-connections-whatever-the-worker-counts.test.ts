import t from 'tap';
import parse from 'parse-prometheus-text-format';
import type { AppStatusInfo } from '../../src/protocol/index.js';
import { answersByRevision, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

const routedTotal = (app: AppStatusInfo): number => app.traffic?.revisions.reduce((n, r) => n + r.routed, 0) ?? 0;

const N = 200;
/** Smooth weighted round robin gives exactly 10 %; the tolerance (±3 points) allows for a connection re-routed by a worker that declined it. */
const TOLERANCE = 0.03;

t.test('reload --canary 10% beside 4 workers sends 10% of new connections to the canary; promote sends all to the new revision', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 4, env: { PORT: port }, reload_hold: 100 }])])).code, 0);

  const reload = await home.run(['reload', 'api', '--canary', '10%']);
  t.equal(reload.code, 0, reload.stderr);
  const held = (await home.status()).apps[0]!;
  t.equal(held.status, 'canary');
  t.same(held.canary && [held.canary.revision, held.canary.workers, held.canary.share], [2, 1, 10], 'one canary worker, 10% asked');
  t.same(held.workers.map((w) => w.revision).sort(), [1, 1, 1, 1, 2], 'the canary runs beside the 4 old workers (by count it would take 20%)');
  const before = routedTotal(held);

  const by = await answersByRevision(port, N);
  t.equal((by.get('1') ?? 0) + (by.get('2') ?? 0), N, `every request answered by revision 1 or 2: ${JSON.stringify([...by])}`);
  const canaryRatio = (by.get('2') ?? 0) / N;
  t.ok(Math.abs(canaryRatio - 0.1) <= TOLERANCE, `the canary answered ${by.get('2') ?? 0} of ${N} (${(canaryRatio * 100).toFixed(1)}%), within 10% ± ${TOLERANCE * 100} points`);

  // The router counts a connection once the worker acknowledged it (over IPC): wait for the last acks.
  const seen = (await home.waitForStatus((s) => routedTotal(s.apps[0]!) >= before + N, 20_000)).apps[0]!;
  const traffic = seen.traffic!;
  t.ok(traffic, 'status --json has a traffic field');
  const rev = (n: number) => traffic.revisions.find((r) => r.revision === n);
  t.same([rev(1)?.share, rev(2)?.share], [90, 10], 'the shares asked, per revision');
  t.equal(rev(2)!.routed, by.get('2') ?? 0, 'routed to the canary = answered by the canary');
  t.ok(traffic.accepted >= N, `accepted ${traffic.accepted} ≥ ${N}`);
  t.equal(traffic.queued, 0);
  t.equal(traffic.dropped, 0);

  const table = await home.run(['status']);
  t.match(table.stdout, /canary: revision 2, 1 worker, 10% of new connections/, 'the status table shows the share beside the canary revision');

  const metrics = await get(httpPort, '/metrics');
  t.equal(metrics.status, 200);
  const families = parse(metrics.body);
  const sample = (name: string, labels: Record<string, string>) =>
    families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  t.equal(Number(sample('hotctl_traffic_share', { app: 'api', revision: '2' })?.value), 0.1, 'hotctl_traffic_share of the canary');
  t.equal(Number(sample('hotctl_traffic_share', { app: 'api', revision: '1' })?.value), 0.9);
  t.ok(Number(sample('hotctl_traffic_connections_routed_total', { app: 'api', revision: '2' })?.value) >= (by.get('2') ?? 0), 'routed per revision');
  for (const name of ['hotctl_traffic_connections_accepted_total', 'hotctl_traffic_queued', 'hotctl_traffic_dropped_total', 'hotctl_traffic_queue_wait_seconds_sum', 'hotctl_traffic_queue_wait_seconds_count']) {
    t.ok(sample(name, { app: 'api' }), `${name}{app="api"}`);
  }

  t.equal((await home.run(['promote', 'api'])).code, 0);
  const done = (await home.status()).apps[0]!;
  t.equal(done.revision, 2);
  t.equal(done.canary, null);
  t.ok(done.traffic!.revisions.every((r) => r.share === null), 'weights cleared');
  const after = await answersByRevision(port, 50);
  t.same([...after], [['2', 50]], 'after promote, 100% of new connections to revision 2');
});
