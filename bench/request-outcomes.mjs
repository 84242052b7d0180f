// Benchmark 16 (issue 12 item 1): CPU per request with the runtime's request outcomes (status
// class and duration per response, resets and timeouts per connection: src/runtime/outcome-counter.ts)
// vs today's counting alone (HOTCTL_REQUEST_OUTCOMES=0 in the app's env: requests counted as
// before, outcomes not). One daemon runs the same app twice, side by side.
// wrk loads one then the other, round by round, alternating which goes first (ABBA); then both
// at once for as many rounds, comparing the CPU each app's workers spend per request.
//
//   node bench/request-outcomes.mjs [rounds=9] [seconds per run=3] [connections=32] [workers=2]
//
// Target: CPU per request outcomes / counting <= 1.01.
// BENCH_SAME=1: both apps count outcomes (an A/A run: the bias and noise floor of the method).
import { join } from 'node:path';
import { argInt, CPUS, daemonPid, workerPids, FIXTURES, haveWrk, header, newHome, pinNote, report, runBench, startApps, status, table, waitPort, freePort, compareSides, comparisonRows, fx } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const SECONDS = argInt(3, 3);
const CONNECTIONS = argInt(4, 32);
const WORKERS = argInt(5, 2);
const APP = join(FIXTURES, 'http-app.cjs');

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const home = newHome();
  const [outcomesPort, countingPort] = [await freePort(), await freePort()];
  const [loadCpus, serverCpus] = CPUS;
  await startApps(
    home,
    [
      { name: 'outcomes', script: APP, instances: WORKERS, env: { PORT: String(outcomesPort) } },
      { name: 'counting', script: APP, instances: WORKERS, env: { PORT: String(countingPort), ...(process.env.BENCH_SAME === '1' ? {} : { HOTCTL_REQUEST_OUTCOMES: '0' }) } },
    ],
    { cpus: serverCpus },
  );
  await Promise.all([waitPort(outcomesPort), waitPort(countingPort)]);

  const dpid = daemonPid(home);
  const [outcomeWorkers, countingWorkers] = [await workerPids(home, 'outcomes'), await workerPids(home, 'counting')];
  const c = await compareSides(
    [
      { port: outcomesPort, pids: [dpid, ...outcomeWorkers], concurrentPids: outcomeWorkers },
      { port: countingPort, pids: [dpid, ...countingWorkers], concurrentPids: countingWorkers },
    ],
    { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, names: ['outcomes', 'counting'] },
  );

  // The switch works: after a report, "outcomes" has per-revision outcomes and "counting" none.
  await new Promise((r) => setTimeout(r, 2500));
  const s = await status(home);
  const counted = (name) => s.apps.find((a) => a.name === name).outcomes?.reduce((n, o) => n + o.requests, 0) ?? 0;
  const served = (name) => s.apps.find((a) => a.name === name).workers.reduce((n, w) => n + (w.metrics?.requests_total ?? 0), 0);
  const figures = { outcomes: counted('outcomes'), counting: counted('counting'), served: { outcomes: served('outcomes'), counting: served('counting') } };
  const cpuRatio = c.concurrent.ratio;

  report(
    [
      ...header(`16. Issue 12: request outcomes vs today's counting (${WORKERS} workers, test/fixtures/apps/http-app.cjs, one daemon)`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, keep-alive, ${ROUNDS} rounds alternating (ABBA), then ${ROUNDS} rounds with both loaded at once. ${pinNote()}`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ...comparisonRows(c, {
            pair: 'outcomes / counting',
            rps: ['outcomes (default), req/s median (min–max)', 'counting only (HOTCTL_REQUEST_OUTCOMES=0), req/s median (min–max)'],
            target: 0.99,
            cpu: 'server-side CPU per request (daemon + workers)',
            concurrentCpu: "workers' CPU per request",
            rounds: ROUNDS,
            seconds: SECONDS,
          }),
          ['target: CPU per request, both at once, outcomes / counting', `≤ 1.01: ${cpuRatio <= 1.01 ? 'met' : '**not met**'} (${fx(cpuRatio, 3)})`],
          ['requests in status `outcomes` afterwards (outcomes / counting); requests_total', `${figures.outcomes} / ${figures.counting}; ${figures.served.outcomes} / ${figures.served.counting}`],
          ['socket errors + non-2xx, all runs', String(c.errors)],
        ],
      ),
    ],
    { bench: 'request-outcomes', figures, ...c },
  );
});
