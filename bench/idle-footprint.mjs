// Benchmark 4: the idle daemon's resident memory with one 2-worker app, and the wall time of
// `hotctl status` against a bare `node -e ""` start-up.
//
//   node bench/idle-footprint.mjs [idle seconds=10] [rss samples=5] [status runs=21]
//
// RSS: VmRSS of /proc/<daemon pid>/status after the idle spell, sampled once a second; for
// scale, a bare node:cluster primary running the same app with the same worker count, sampled
// at the same moments. Status: `bin/hotctl status` (table), `bin/hotctl --version`
// (the CLI's start-up without talking to the daemon) and `node -e ""`, interleaved run by run
// (the order rotates), each spawned from here and timed from spawn to exit.
import { join } from 'node:path';
import { argInt, timedRun, daemonPid, FIXTURES, fx, header, HOTCTL, hotctlEnv, mb, median, newHome, report, runBench, sleep, spread, startApps, startBare, table, vmRss, waitPort, workerPids, freePort } from './lib/common.mjs';

const IDLE_S = argInt(2, 10);
const SAMPLES = argInt(3, 5);
const RUNS = argInt(4, 21);
const APP = join(FIXTURES, 'http-app.cjs');

await runBench(async () => {
  const home = newHome();
  const [port, barePort] = [await freePort(), await freePort()];
  await startApps(home, [{ name: 'b', script: APP, instances: 2, env: { PORT: String(port) } }]);
  const bare = await startBare(APP, 2, barePort);
  await Promise.all([waitPort(port), waitPort(barePort)]);
  const dpid = daemonPid(home);
  const wpids = await workerPids(home, 'b');

  console.error(`idle for ${IDLE_S} s…`);
  await sleep(IDLE_S * 1000);
  const daemonRss = [];
  const bareRss = [];
  const workerRss = [];
  for (let i = 0; i < SAMPLES; i++) {
    daemonRss.push(vmRss(dpid));
    bareRss.push(vmRss(bare.pid));
    workerRss.push(...wpids.map(vmRss));
    if (i < SAMPLES - 1) await sleep(1000);
  }

  const env = hotctlEnv(home);
  const kinds = {
    status: async () => (await timedRun(HOTCTL, ['status'], env)).ms,
    version: async () => (await timedRun(HOTCTL, ['--version'], env)).ms,
    node: async () => (await timedRun(process.execPath, ['-e', ''], env)).ms,
  };
  for (const k of Object.keys(kinds)) await kinds[k](); // warm the page cache
  const times = { status: [], version: [], node: [] };
  const order = Object.keys(kinds);
  for (let i = 0; i < RUNS; i++) {
    const o = [...order.slice(i % 3), ...order.slice(0, i % 3)];
    for (const k of o) times[k].push(await kinds[k]());
  }
  await bare.stop();
  const ratio = times.status.map((v, i) => v / times.node[i]);
  const vratio = times.version.map((v, i) => v / times.node[i]);

  report(
    [
      ...header('4. Idle footprint and `hotctl status` wall time (one app, 2 workers of test/fixtures/apps/http-app.cjs)'),
      `RSS: VmRSS after ${IDLE_S} s idle, ${SAMPLES} samples 1 s apart. Status: ${RUNS} runs of each command, interleaved. Not pinned.`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ['**hotctl daemon VmRSS**, median (min–max)', `**${spread(daemonRss.map((b) => b / 1048576))} MB**`],
          ['bare node:cluster primary VmRSS (same app and workers), for scale', `${spread(bareRss.map((b) => b / 1048576))} MB`],
          ['one hotctl worker VmRSS (runtime + app), median (min–max)', `${spread(workerRss.map((b) => b / 1048576))} MB`],
          ['`hotctl status` wall, median (min–max)', `${spread(times.status)} ms`],
          ['`hotctl --version` wall (CLI start-up alone)', `${spread(times.version)} ms`],
          ['`node -e ""` wall', `${spread(times.node)} ms`],
          ['**`hotctl status` / `node -e ""`**, median of per-run ratios', `**${fx(median(ratio), 2)}** (${fx(Math.min(...ratio), 2)}–${fx(Math.max(...ratio), 2)})`],
          ['`hotctl --version` / `node -e ""`', fx(median(vratio), 2)],
        ],
      ),
    ],
    { bench: 'idle-footprint', daemonRss, bareRss, workerRss, times, statusRatio: median(ratio) },
  );
});
