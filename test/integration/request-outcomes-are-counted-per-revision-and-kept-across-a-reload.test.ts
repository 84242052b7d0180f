/**
 * Issue 12 item 1 end to end: the runtime counts each response by status class, the daemon sums
 * them per revision in `status --json` and `/metrics`; after a reload the new revision counts
 * from 0 and the old revision keeps its totals (its workers' final counts included).
 */
import t from 'tap';
import type { RevisionOutcomesInfo, StatusSnapshot } from '../../src/protocol/index.js';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

const OK = 30;
const FAILED = 10;
const AFTER = 6;

const outcomesOf = (s: StatusSnapshot, revision: number): RevisionOutcomesInfo | undefined => s.apps.find((a) => a.name === 'api')?.outcomes?.find((o) => o.revision === revision);

/** The value of one sample line of the /metrics text (exact label set), or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

t.test('request outcomes are counted per revision, in status --json and /metrics, and kept across a reload', async (t) => {
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const appPort = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'fails-on-a-path.cjs', instances: 2, env: { PORT: appPort }, rollback_window: 0 }]);
  t.equal((await home.run(['start', file])).code, 0);

  const statuses: number[] = [];
  for (let i = 0; i < OK + FAILED; i++) statuses.push((await get(appPort, i % 4 === 3 ? '/fail' : '/')).status);
  t.same([statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 500).length], [OK, FAILED]);

  // The workers report each second: wait for the report that counted them all.
  const first = outcomesOf(await home.waitForStatus((s) => outcomesOf(s, 1)?.requests === OK + FAILED, 20_000), 1)!;
  t.match(first, { revision: 1, requests: 40, responses: { '1xx': 0, '2xx': OK, '3xx': 0, '4xx': 0, '5xx': FAILED }, resets: 0, timeouts: 0, error_rate: 0.25 });
  t.ok(first.p50_ms !== null && first.p99_ms !== null && first.p50_ms <= first.p99_ms, `p50 ${first.p50_ms} ms ≤ p99 ${first.p99_ms} ms`);

  const metrics = (await get(httpPort, '/metrics')).body;
  t.equal(sample(metrics, 'hotctl_revision_requests_total', 'app="api",revision="1",code_class="2xx"'), OK);
  t.equal(sample(metrics, 'hotctl_revision_requests_total', 'app="api",revision="1",code_class="5xx"'), FAILED);
  t.equal(sample(metrics, 'hotctl_revision_requests_total', 'app="api",revision="1",code_class="reset"'), 0);
  t.equal(sample(metrics, 'hotctl_revision_request_duration_seconds_count', 'app="api",revision="1"'), OK + FAILED);
  t.equal(sample(metrics, 'hotctl_revision_request_duration_seconds_bucket', 'app="api",revision="1",le="+Inf"'), OK + FAILED);

  // A reload: revision 2 starts from 0; revision 1's workers drain and exit (rollback_window 0:
  // not parked), its totals stay, their final counts included.
  t.equal((await home.run(['reload', 'api'])).code, 0);
  const reloaded = await home.waitForStatus((s) => s.apps[0]!.workers.length === 2 && s.apps[0]!.workers.every((w) => w.revision === 2 && w.state === 'ready'), 30_000);
  t.equal(reloaded.apps[0]!.revision, 2);
  for (let i = 0; i < AFTER; i++) t.equal((await get(appPort, '/')).status, 200);
  const after = await home.waitForStatus((s) => outcomesOf(s, 2)?.requests === AFTER, 20_000);
  t.match(outcomesOf(after, 2), { requests: AFTER, responses: { '2xx': AFTER, '5xx': 0 }, error_rate: 0 });
  t.match(outcomesOf(after, 1), { requests: OK + FAILED, responses: { '2xx': OK, '5xx': FAILED } }, 'the old revision keeps its totals');

  const metricsAfter = (await get(httpPort, '/metrics')).body;
  t.equal(sample(metricsAfter, 'hotctl_revision_requests_total', 'app="api",revision="1",code_class="5xx"'), FAILED);
  t.equal(sample(metricsAfter, 'hotctl_revision_requests_total', 'app="api",revision="2",code_class="2xx"'), AFTER);
  t.equal(sample(metricsAfter, 'hotctl_revision_request_duration_seconds_count', 'app="api",revision="2"'), AFTER);
});
