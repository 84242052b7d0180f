// Benchmark 9: throughput with the runtime's request counting on vs off. One daemon runs the
// same app twice, side by side: "on" (default) and "off" (HOTCTL_REQUEST_COUNTING=0 in its env).
// With counting on, each request costs the runtime a counter increment, and each connection a
// Set insert and a 'close' listener (what is in flight is read from the connections once a
// second; src/runtime/servers.ts); off, the runtime's prepended 'request' listener only checks
// whether the worker is draining.
// wrk loads one then the other, round by round, alternating which goes first (ABBA); then both
// at once for as many rounds, comparing the CPU each app's workers spend per request.
//
//   node bench/request-counting.mjs [rounds=9] [seconds per run=3] [connections=32] [workers=2]
//
// Target: on / off >= 0.98.
import { join } from 'node:path';
import { argInt, CPUS, daemonPid, workerPids, FIXTURES, haveWrk, header, median, newHome, pinNote, report, runBench, startApps, status, table, waitPort, freePort, wrk, compareSides, comparisonRows } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const SECONDS = argInt(3, 3);
const CONNECTIONS = argInt(4, 32);
const WORKERS = argInt(5, 2);
const APP = join(FIXTURES, 'http-app.cjs');

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const home = newHome();
  const [onPort, offPort] = [await freePort(), await freePort()];
  const [loadCpus, serverCpus] = CPUS;
  await startApps(
    home,
    [
      { name: 'on', script: APP, instances: WORKERS, env: { PORT: String(onPort) } },
      { name: 'off', script: APP, instances: WORKERS, env: { PORT: String(offPort), HOTCTL_REQUEST_COUNTING: '0' } },
    ],
    { cpus: serverCpus },
  );
  await Promise.all([waitPort(onPort), waitPort(offPort)]);

  // CPU is charged to the daemon and that app's workers; when both are loaded at once, to the
  // app's workers only (the daemon, shared, is left out).
  const dpid = daemonPid(home);
  const [onWorkers, offWorkers] = [await workerPids(home, 'on'), await workerPids(home, 'off')];
  const c = await compareSides(
    [
      { port: onPort, pids: [dpid, ...onWorkers], concurrentPids: onWorkers },
      { port: offPort, pids: [dpid, ...offWorkers], concurrentPids: offWorkers },
    ],
    { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, names: ['on', 'off'] },
  );

  // The switch works: after a metrics tick, "on" has counted requests and "off" has not.
  await new Promise((r) => setTimeout(r, 2500));
  const s = await status(home);
  const served = (name) => s.apps.find((a) => a.name === name).workers.reduce((n, w) => n + (w.metrics?.requests_total ?? 0), 0);
  const counted = { on: served('on'), off: served('off') };

  report(
    [
      ...header(`9. Throughput with request counting on vs off (${WORKERS} workers, test/fixtures/apps/http-app.cjs, one daemon)`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, keep-alive, ${ROUNDS} rounds alternating (ABBA). ${pinNote()}`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ...comparisonRows(c, {
            pair: 'on / off',
            rps: ['counting on (default), req/s median (min–max)', 'counting off (HOTCTL_REQUEST_COUNTING=0), req/s median (min–max)'],
            target: 0.98,
            cpu: 'server-side CPU per request (daemon + workers)',
            concurrentCpu: "workers' CPU per request",
            rounds: ROUNDS,
            seconds: SECONDS,
          }),
          ['requests_total in status afterwards (on / off)', `${counted.on} / ${counted.off}`],
          ['socket errors + non-2xx, all runs', String(c.errors)],
        ],
      ),
    ],
    { bench: 'request-counting', counted, ...c },
  );
});
