// Benchmarks 2 and 6: failed requests over N reloads under keep-alive load, for every hotctl
// reload strategy and for the naive reload people hand-roll on node:cluster.
//
//   node bench/reload-under-load.mjs [reloads=20] [workers=4] [strategies=naive,surge,rolling1,rolling2,canary] [connections=32]
//
// - naive:    a bare node:cluster primary (bench/lib/bare-primary.cjs) that reloads each worker by
//             forking a new one, waiting for its 'listening', then calling old.disconnect().
// - surge:    `hotctl reload b --strategy surge`
// - rolling1: `hotctl reload b --strategy rolling --batch 1`; rolling2: `--batch 2`
// - canary:   `hotctl reload b --canary 1`, then `hotctl promote b`
//
// Load: wrk -t1 -cC, keep-alive, for the whole series, with bench/lib/wrk-count.lua. A failed
// request is anything the client saw go wrong: a connect error (refused), a read error (reset,
// or the connection closed before a whole response), a write error, a timeout (5 s), or a
// status other than 2xx. wrk honours `Connection: close` (it reconnects without counting an
// error), as any HTTP client must. Each series starts 1 s into the load and the load runs on
// 1.5 s after the last reload, so late failures of the drained workers are counted too. The app
// is test/fixtures/apps/http-app.cjs with default timings (min_uptime 1000 ms, drain_grace 1000 ms).
import { join } from 'node:path';
import { argInt, FIXTURES, fx, haveWrk, header, hotctl, median, newHome, report, runBench, sleep, spread, startApps, startBare, status, table, waitPort, freePort, wrk } from './lib/common.mjs';

const RELOADS = argInt(2, 20);
const WORKERS = argInt(3, 4);
const STRATEGIES = (process.argv[4] || 'naive,surge,rolling1,rolling2,canary').split(',');
const CONNECTIONS = argInt(5, 32);
const GAP_MS = 300;
const APP = join(FIXTURES, 'http-app.cjs');

const HOTCTL_STEPS = {
  surge: [['reload', 'b', '--strategy', 'surge']],
  rolling1: [['reload', 'b', '--strategy', 'rolling', '--batch', '1']],
  rolling2: [['reload', 'b', '--strategy', 'rolling', '--batch', '2']],
  canary: [['reload', 'b', '--canary', '1'], ['promote', 'b']],
};
const LABEL = {
  naive: 'naive node:cluster (fork new, then old.disconnect())',
  surge: 'hotctl surge',
  rolling1: 'hotctl rolling, batch 1',
  rolling2: 'hotctl rolling, batch 2',
  canary: 'hotctl canary 1, then promote',
};

/** Runs `series` (which does the reloads and returns their wall times) under wrk; returns both. */
async function underLoad(port, series) {
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const load = wrk(port, { threads: 1, connections: CONNECTIONS, durationS: RELOADS * 20 + 60, count: true, until: done });
  await sleep(1000);
  let walls;
  try {
    walls = await series();
    await sleep(1500);
  } finally {
    finish();
  }
  const r = await load;
  return { walls, load: r };
}

async function runNaive() {
  const port = await freePort();
  const bare = await startBare(APP, WORKERS, port);
  await waitPort(port);
  const before = bare.workerPids();
  const out = await underLoad(port, async () => {
    const walls = [];
    for (let i = 0; i < RELOADS; i++) {
      const r = await bare.request({ type: 'reload', mode: 'rolling' });
      if (r.error) throw new Error(`naive reload failed: ${r.error}`);
      walls.push(r.totalMs);
      await sleep(GAP_MS);
    }
    return walls;
  });
  const after = bare.workerPids();
  await bare.stop();
  out.check = `workers replaced: ${before.filter((p) => !after.includes(p)).length} of ${before.length} initial pids gone`;
  return out;
}

async function runHotctl(home, strategy) {
  const port = await freePort();
  const name = 'b';
  await startApps(home, [{ name, script: APP, instances: WORKERS, env: { PORT: String(port) } }], { file: `eco-${strategy}.json` });
  await waitPort(port);
  const rev0 = (await status(home)).apps.find((a) => a.name === name).revision;
  const out = await underLoad(port, async () => {
    const walls = [];
    for (let i = 0; i < RELOADS; i++) {
      const t0 = performance.now();
      for (const args of HOTCTL_STEPS[strategy]) await hotctl(home, args, { timeoutMs: 120_000 });
      walls.push(performance.now() - t0);
      await sleep(GAP_MS);
    }
    return walls;
  });
  const app = (await status(home)).apps.find((a) => a.name === name);
  out.check = `revision ${rev0} → ${app.revision}; ${app.workers.filter((w) => w.state === 'ready').length} workers ready`;
  if (app.revision - rev0 !== RELOADS) throw new Error(`${strategy}: expected ${RELOADS} new revisions, got ${app.revision - rev0}`);
  await hotctl(home, ['delete', name], { timeoutMs: 60_000 });
  return out;
}

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const home = newHome();
  const results = {};
  for (const strategy of STRATEGIES) {
    if (strategy !== 'naive' && !HOTCTL_STEPS[strategy]) throw new Error(`unknown strategy ${strategy}`);
    const r = strategy === 'naive' ? await runNaive() : await runHotctl(home, strategy);
    const l = r.load;
    r.failed = l.connect + l.read + l.write + l.timeout + l.non2xx;
    results[strategy] = r;
    console.error(`${strategy}: ${r.failed} failed of ${l.requests + r.failed} (connect ${l.connect}, read ${l.read}, write ${l.write}, timeout ${l.timeout}, non-2xx ${l.non2xx}); reload ${fx(median(r.walls), 0)} ms median; ${r.check}`);
  }
  const rows = STRATEGIES.map((s) => {
    const r = results[s];
    const l = r.load;
    return [LABEL[s], `**${r.failed}**`, String(l.requests + l.connect + l.read + l.write + l.timeout), String(l.requests - l.non2xx), `${l.connect} / ${l.read} / ${l.write} / ${l.timeout} / ${l.non2xx}`, spread(r.walls, 0), r.check];
  });
  report(
    [
      ...header(`2 and 6. Failed requests over ${RELOADS} reloads under keep-alive load (${WORKERS} workers, test/fixtures/apps/http-app.cjs)`),
      `Load: wrk -t1 -c${CONNECTIONS} keep-alive for the whole series (bench/lib/wrk-count.lua); ${GAP_MS} ms between reloads. Not pinned.`,
      '',
      ...table(['reload', 'failed requests', 'requests sent (responses + socket errors)', 'answered 2xx', 'connect / read / write / timeout / non-2xx', 'reload wall ms, median (min–max)', 'check'], rows),
    ],
    { bench: 'reload-under-load', reloads: RELOADS, workers: WORKERS, results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { failed: v.failed, load: { ...v.load, text: undefined }, walls: v.walls }])) },
  );
});
