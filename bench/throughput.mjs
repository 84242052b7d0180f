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
import { argInt, concurrentRuns, interleavedRounds, CPUS, daemonPid, FIXTURES, pinNote, workerPids, fx, haveWrk, header, median, newHome, report, runBench, spread, startApps, startBare, table, waitPort, freePort, wrk } from './lib/common.mjs';

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
  const serverPids = { [hotPort]: [daemonPid(home), ...(await workerPids(home, 'b'))], [barePort]: [bare.pid, ...bare.workerPids()] };
  const rounds = (
    await interleavedRounds(
      [
        { port: hotPort, pids: serverPids[hotPort] },
        { port: barePort, pids: serverPids[barePort] },
      ],
      { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, names: ['hotctl', 'bare'] },
    )
  ).map(({ a: hotRun, b: bareRun }) => ({ hot: hotRun.rps, bare: bareRun.rps, ratio: hotRun.rps / bareRun.rps, hotCpu: hotRun.cpuUsPerReq, bareCpu: bareRun.cpuUsPerReq, cpuRatio: hotRun.cpuUsPerReq / bareRun.cpuUsPerReq, errors: hotRun.socket_errors + bareRun.socket_errors + hotRun.status + bareRun.status }));
  // Both at once, the same number of rounds: server-side CPU per request under the very same noise.
  const [conHot, conBare] = await concurrentRuns(
    [
      { port: hotPort, pids: serverPids[hotPort] },
      { port: barePort, pids: serverPids[barePort] },
    ],
    { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus },
  );
  const conRatio = conHot.map((r, i) => r.cpuUsPerReq / conBare[i].cpuUsPerReq);
  await bare.stop();

  const ratio = median(rounds.map((r) => r.ratio));
  const errors = rounds.reduce((n, r) => n + r.errors, 0);
  report(
    [
      ...header(`1. Throughput: hotctl vs bare node:cluster (${WORKERS} workers, test/fixtures/apps/http-app.cjs)`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, keep-alive, ${ROUNDS} rounds, hotctl and bare alternating (ABBA); both running side by side. ${pinNote()}`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ['hotctl req/s, median (min–max)', spread(rounds.map((r) => r.hot), 0)],
          ['bare node:cluster req/s, median (min–max)', spread(rounds.map((r) => r.bare), 0)],
          ['**ratio hotctl / bare, median of per-round ratios** (min–max)', `**${fx(ratio, 3)}** (${fx(Math.min(...rounds.map((r) => r.ratio)), 3)}–${fx(Math.max(...rounds.map((r) => r.ratio)), 3)})`],
          ['target', `≥ 0.97: ${ratio >= 0.97 ? 'met' : '**not met**'}`],
          ['server-side CPU per request (primary + workers), hotctl / bare', `${spread(rounds.map((r) => r.hotCpu), 2)} µs / ${spread(rounds.map((r) => r.bareCpu), 2)} µs`],
          ['CPU per request ratio hotctl / bare, median of per-round ratios (min–max)', `${fx(median(rounds.map((r) => r.cpuRatio)), 3)} (${fx(Math.min(...rounds.map((r) => r.cpuRatio)), 3)}–${fx(Math.max(...rounds.map((r) => r.cpuRatio)), 3)})`],
          [`both loaded at once (${ROUNDS} rounds of ${SECONDS} s): server-side CPU per request, hotctl / bare`, `${spread(conHot.map((r) => r.cpuUsPerReq), 2)} µs / ${spread(conBare.map((r) => r.cpuUsPerReq), 2)} µs`],
          ['**both at once: CPU per request ratio hotctl / bare**, median of per-round ratios (min–max); 1/ratio ≈ the throughput ratio when CPU-bound', `**${fx(median(conRatio), 3)}** (${fx(Math.min(...conRatio), 3)}–${fx(Math.max(...conRatio), 3)}) → ≈ ${fx(1 / median(conRatio), 3)}`],
          ['socket errors + non-2xx, all runs', String(errors)],
        ],
      ),
    ],
    { bench: 'throughput', rounds, ratio, errors, concurrent: { hot: conHot, bare: conBare, ratio: median(conRatio) } },
  );
});
