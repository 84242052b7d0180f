// Benchmark 5: reload wall time and peak extra memory, surge vs rolling batch 1, 4 workers of an
// app that starts in 300 ms (test/fixtures/apps/slow-start.cjs), default min_uptime (1000 ms).
//
//   node bench/reload-memory.mjs [rounds=9] [workers=4]
//
// Memory = the sum of VmRSS (/proc/<pid>/statm) of the daemon and all its children (the app's
// workers: the daemon runs only this app), sampled every 20 ms. Steady = median of the samples
// over the 500 ms before the reload; peak extra = max during the reload (CLI spawn → exit)
// minus steady. Surge and rolling alternate round by round (the order alternates too), on the
// same app; 1 s settles between reloads. No load. Not pinned.
import { join } from 'node:path';
import { argInt, childrenOf, daemonPid, FIXTURES, fx, header, hotctl, max, median, newHome, report, rssBytes, runBench, sleep, spread, startApps, table, waitPort, freePort } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const WORKERS = argInt(3, 4);
const SAMPLE_MS = 20;
const APP = join(FIXTURES, 'slow-start.cjs');

const STRATEGIES = {
  surge: ['reload', 'b', '--strategy', 'surge'],
  rolling1: ['reload', 'b', '--strategy', 'rolling', '--batch', '1'],
};

function footprint(dpid) {
  const kids = childrenOf(dpid);
  return { bytes: rssBytes(dpid) + kids.reduce((n, p) => n + rssBytes(p), 0), processes: kids.length };
}

async function measured(home, dpid, args) {
  const before = [];
  for (let i = 0; i < 500 / SAMPLE_MS; i++) {
    before.push(footprint(dpid).bytes);
    await sleep(SAMPLE_MS);
  }
  const steady = median(before);
  let peak = 0;
  let peakProcs = 0;
  const timer = setInterval(() => {
    const f = footprint(dpid);
    peak = Math.max(peak, f.bytes);
    peakProcs = Math.max(peakProcs, f.processes);
  }, SAMPLE_MS);
  let r;
  try {
    r = await hotctl(home, args, { timeoutMs: 120_000 });
  } finally {
    clearInterval(timer);
  }
  return { wall: r.ms, steady, extra: peak - steady, peakWorkers: peakProcs };
}

await runBench(async () => {
  const home = newHome();
  const port = await freePort();
  await startApps(home, [{ name: 'b', script: APP, instances: WORKERS, env: { PORT: String(port), START_DELAY_MS: '300' } }]);
  await waitPort(port);
  const dpid = daemonPid(home);
  // Warm-up, not counted.
  for (const args of Object.values(STRATEGIES)) await hotctl(home, args, { timeoutMs: 120_000 });
  await sleep(1000);

  const res = { surge: [], rolling1: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 ? ['rolling1', 'surge'] : ['surge', 'rolling1'];
    for (const s of order) {
      res[s].push(await measured(home, dpid, STRATEGIES[s]));
      await sleep(1000);
    }
    console.error(`round ${i + 1}/${ROUNDS}: ${order.map((s) => `${s} ${fx(res[s].at(-1).wall, 0)} ms, +${fx(res[s].at(-1).extra / 1048576)} MB`).join('; ')}`);
  }

  const row = (label, s) => [label, spread(res[s].map((x) => x.wall), 0), `**${spread(res[s].map((x) => x.extra / 1048576))}**`, spread(res[s].map((x) => x.steady / 1048576)), String(max(res[s].map((x) => x.peakWorkers)))];
  const ratioWall = median(res.rolling1.map((x, i) => x.wall / res.surge[i].wall));
  const ratioMem = median(res.rolling1.map((x, i) => x.extra / res.surge[i].extra));
  report(
    [
      ...header(`5. Reload wall time and peak extra memory: surge vs rolling batch 1 (${WORKERS} workers, 300 ms start-up)`),
      `${ROUNDS} rounds, surge and rolling alternating. Memory: daemon + all its workers, VmRSS sampled every ${SAMPLE_MS} ms. No load. Not pinned.`,
      '',
      ...table(
        ['strategy', 'wall ms (CLI), median (min–max)', 'peak extra MB, median (min–max)', 'steady MB before', 'most workers at once'],
        [row('surge (`hotctl reload b --strategy surge`)', 'surge'), row('rolling, batch 1 (`hotctl reload b --strategy rolling --batch 1`)', 'rolling1')],
      ),
      '',
      `Rolling / surge, median of per-round ratios: wall ${fx(ratioWall, 2)}×, peak extra memory ${fx(ratioMem, 2)}×.`,
    ],
    { bench: 'reload-memory', rounds: ROUNDS, workers: WORKERS, res, ratioWall, ratioMem },
  );
});
