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
import { argInt, concurrentRuns, interleavedRounds, CPUS, daemonPid, workerPids, FIXTURES, fx, haveWrk, header, median, newHome, pinNote, report, runBench, spread, startApps, status, table, waitPort, freePort, wrk } from './lib/common.mjs';

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

  // The server side's CPU time during each run (daemon + that app's workers, /proc schedstat):
  // CPU per request is much less sensitive than req/s to time taken by other tenants.
  const dpid = daemonPid(home);
  const serverPids = { [onPort]: [dpid, ...(await workerPids(home, 'on'))], [offPort]: [dpid, ...(await workerPids(home, 'off'))] };
  const rounds = (
    await interleavedRounds(
      [
        { port: onPort, pids: serverPids[onPort] },
        { port: offPort, pids: serverPids[offPort] },
      ],
      { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, names: ['on', 'off'] },
    )
  ).map(({ a: onRun, b: offRun }) => ({ on: onRun.rps, off: offRun.rps, ratio: onRun.rps / offRun.rps, onCpu: onRun.cpuUsPerReq, offCpu: offRun.cpuUsPerReq, cpuRatio: onRun.cpuUsPerReq / offRun.cpuUsPerReq, errors: onRun.socket_errors + offRun.socket_errors + onRun.status + offRun.status }));

  // Both at once, the same number of rounds: CPU per request of each app's workers (the daemon,
  // shared, is left out) under the very same machine noise.
  const [conOn, conOff] = await concurrentRuns(
    [
      { port: onPort, pids: serverPids[onPort].slice(1) },
      { port: offPort, pids: serverPids[offPort].slice(1) },
    ],
    { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus },
  );
  const conRatio = conOn.map((r, i) => r.cpuUsPerReq / conOff[i].cpuUsPerReq);

  // The switch works: after a metrics tick, "on" has counted requests and "off" has not.
  await new Promise((r) => setTimeout(r, 2500));
  const s = await status(home);
  const served = (name) => s.apps.find((a) => a.name === name).workers.reduce((n, w) => n + (w.metrics?.requests_total ?? 0), 0);
  const counted = { on: served('on'), off: served('off') };

  const ratio = median(rounds.map((r) => r.ratio));
  const errors = rounds.reduce((n, r) => n + r.errors, 0);
  report(
    [
      ...header(`9. Throughput with request counting on vs off (${WORKERS} workers, test/fixtures/apps/http-app.cjs, one daemon)`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, keep-alive, ${ROUNDS} rounds alternating (ABBA). ${pinNote()}`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ['counting on (default), req/s median (min–max)', spread(rounds.map((r) => r.on), 0)],
          ['counting off (HOTCTL_REQUEST_COUNTING=0), req/s median (min–max)', spread(rounds.map((r) => r.off), 0)],
          ['**ratio on / off, median of per-round ratios** (min–max)', `**${fx(ratio, 3)}** (${fx(Math.min(...rounds.map((r) => r.ratio)), 3)}–${fx(Math.max(...rounds.map((r) => r.ratio)), 3)})`],
          ['target', `≥ 0.98: ${ratio >= 0.98 ? 'met' : '**not met**'}`],
          ['server-side CPU per request (daemon + workers), on / off', `${spread(rounds.map((r) => r.onCpu), 2)} µs / ${spread(rounds.map((r) => r.offCpu), 2)} µs`],
          ['CPU per request ratio on / off, median of per-round ratios (min–max)', `${fx(median(rounds.map((r) => r.cpuRatio)), 3)} (${fx(Math.min(...rounds.map((r) => r.cpuRatio)), 3)}–${fx(Math.max(...rounds.map((r) => r.cpuRatio)), 3)})`],
          [`both loaded at once (${ROUNDS} rounds of ${SECONDS} s): workers' CPU per request, on / off`, `${spread(conOn.map((r) => r.cpuUsPerReq), 2)} µs / ${spread(conOff.map((r) => r.cpuUsPerReq), 2)} µs`],
          ['**both at once: CPU per request ratio on / off**, median of per-round ratios (min–max); 1/ratio ≈ the throughput ratio when CPU-bound', `**${fx(median(conRatio), 3)}** (${fx(Math.min(...conRatio), 3)}–${fx(Math.max(...conRatio), 3)}) → ≈ ${fx(1 / median(conRatio), 3)}`],
          ['requests_total in status afterwards (on / off)', `${counted.on} / ${counted.off}`],
          ['socket errors + non-2xx, all runs', String(errors)],
        ],
      ),
    ],
    { bench: 'request-counting', rounds, ratio, counted, errors, concurrent: { on: conOn, off: conOff, ratio: median(conRatio) } },
  );
});
