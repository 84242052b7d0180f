// Benchmark 1: throughput through hotctl vs a bare node:cluster primary, same app, same worker
// count, same run. Both run side by side (hotctl's daemon and the bare primary, each with its
// workers, on their own free ports); wrk loads one then the other, round by round, alternating
// which goes first (ABBA), and the figure is the median of the per-round ratios. Then both are
// loaded at once for as many rounds, comparing the server-side CPU spent per request.
//
//   node bench/throughput.mjs [rounds=9] [seconds per run=3] [connections=32] [workers=2]
//
// Target: hotctl / bare >= 0.97.
import { join } from 'node:path';
import { argInt, CPUS, daemonPid, FIXTURES, pinNote, workerPids, haveWrk, header, median, newHome, report, runBench, startApps, startBare, table, waitPort, freePort, wrk, compareSides, comparisonRows } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const SECONDS = argInt(3, 3);
const CONNECTIONS = argInt(4, 32);
const WORKERS = argInt(5, 2);
const APP = join(FIXTURES, 'http-app.cjs');

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const home = newHome();
  const [hotPort, barePort] = [await freePort(), await freePort()];
  const [loadCpus, serverCpus] = CPUS;
  await startApps(home, [{ name: 'b', script: APP, instances: WORKERS, env: { PORT: String(hotPort) } }], { cpus: serverCpus });
  const bare = await startBare(APP, WORKERS, barePort, { cpus: serverCpus });
  await Promise.all([waitPort(hotPort), waitPort(barePort)]);

  // The server side's CPU time during each run (primary + workers, /proc schedstat): CPU per
  // request is much less sensitive than req/s to time taken by other tenants of the machine.
  const c = await compareSides(
    [
      { port: hotPort, pids: [daemonPid(home), ...(await workerPids(home, 'b'))] },
      { port: barePort, pids: [bare.pid, ...bare.workerPids()] },
    ],
    { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, names: ['hotctl', 'bare'] },
  );
  await bare.stop();

  report(
    [
      ...header(`1. Throughput: hotctl vs bare node:cluster (${WORKERS} workers, test/fixtures/apps/http-app.cjs)`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, keep-alive, ${ROUNDS} rounds, hotctl and bare alternating (ABBA); both running side by side. ${pinNote()}`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ...comparisonRows(c, {
            pair: 'hotctl / bare',
            rps: ['hotctl req/s, median (min–max)', 'bare node:cluster req/s, median (min–max)'],
            target: 0.97,
            cpu: 'server-side CPU per request (primary + workers)',
            concurrentCpu: 'server-side CPU per request',
            rounds: ROUNDS,
            seconds: SECONDS,
          }),
          ['socket errors + non-2xx, all runs', String(c.errors)],
        ],
      ),
    ],
    { bench: 'throughput', ...c },
  );
});
