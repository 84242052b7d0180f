// Benchmark 16 (issue 12 item 1): CPU per request with the runtime's request outcomes (status
// class and duration per response, resets and timeouts per connection: src/runtime/outcome-counter.ts)
// vs today's counting alone (HOTCTL_REQUEST_OUTCOMES=0 in the app's env: requests counted as
// before, outcomes not). One daemon runs the same app four times side by side: "outcomes" and
// "counting", and "aa-1" and "aa-2" (outcomes both: the A/A pair, the method's floor).
//
// Method (bench/lib/paired-cpu.mjs): each round loads each pair AT ONCE (one wrk, a thread and
// 32 connections per side) for a few seconds, and compares the CPU its workers spent per request
// (/proc schedstat, ns); which side gets wrk's first thread is swapped every other round; the
// figure is the median of the per-round ratios, read against the A/A pair's, measured round by
// round in the same run. Every side is an app of its own, loaded in one pair only.
//
//   node bench/request-outcomes.mjs [rounds=31] [seconds per round=2] [connections=32] [workers=1]
//
// Target: CPU per request outcomes / counting <= 1.01.
// BENCH_SAME=1: "counting" counts outcomes too (the A/B pair becomes a second A/A pair).
// BENCH_BASE=<dir>: a second daemon from another built checkout (e.g. main) runs the pair
// outcomes / counting of that code too (before / after a change, in the same run).
// BENCH_RESPAWN_EVERY=n (default 0: never): every app restarted every n rounds, so that each
// side's figure pools several processes (two processes of the same code differ for their life).
// BENCH_VARIANTS='name:KEY=value,KEY=value;name2:...': more apps in the same daemon, each with
// that env (e.g. a scratch switch in the runtime), each paired with a "counting" of its own.
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { argInt, CPUS, FIXTURES, fx, hotctl, median, haveWrk, header, newHome, pinNote, report, runBench, startApps, status, table, waitPort, freePort, workerPids } from './lib/common.mjs';
import { medianInterval, pairedRounds, ratioSpread } from './lib/paired-cpu.mjs';

const ROUNDS = argInt(2, 31);
const SECONDS = argInt(3, 2);
const CONNECTIONS = argInt(4, 32);
// One worker per app by default: with two, how an app's connections split between its workers
// changes from round to round, and moves its CPU per request more than the budget.
const WORKERS = argInt(5, 1);
const APP = join(FIXTURES, 'http-app.cjs');
const BASE = process.env.BENCH_BASE || null;
// Every app's workers replaced every that many rounds (0: never): see pairedRounds.
const RESPAWN = Number(process.env.BENCH_RESPAWN_EVERY ?? 0);
// Node flags of every app's workers (none by default). Two workers of the same code can differ in
// CPU per request for a whole run (the A/A pair, bench/RESULTS.md 21); e.g.
// BENCH_NODE_ARGS='--min-semi-space-size=16 --max-semi-space-size=16' fixes the young generation
// V8 otherwise sizes from each process's own history (tried once, on a machine too loaded to tell).
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const VARIANTS = (process.env.BENCH_VARIANTS || '')
  .split(';')
  .filter(Boolean)
  .map((v) => {
    const [name, env = ''] = v.split(':');
    return { name, env: Object.fromEntries(env.split(',').filter(Boolean).map((kv) => kv.split('='))) };
  });

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const [loadCpus, serverCpus] = CPUS;
  const load0 = loadavg().map((x) => +x.toFixed(2));
  const countingEnv = process.env.BENCH_SAME === '1' ? {} : { HOTCTL_REQUEST_OUTCOMES: '0' };
  // Every side is an app of its own, loaded in exactly one pair: a side loaded more often than
  // its partner (or idle longer before its round) spends measurably less CPU per request.
  const apps = [
    { name: 'outcomes', env: {} },
    { name: 'counting', env: countingEnv },
    { name: 'aa-1', env: {} },
    { name: 'aa-2', env: {} },
    ...VARIANTS.flatMap((v) => [
      { name: v.name, env: v.env },
      { name: `counting-${v.name}`, env: countingEnv },
    ]),
  ];
  const ports = {};
  for (const a of apps) ports[a.name] = await freePort();
  const home = newHome();
  await startApps(home, apps.map(({ name, env }) => ({ name, script: APP, instances: WORKERS, node_args: NODE_ARGS, env: { PORT: String(ports[name]), ...env } })), { cpus: serverCpus });
  const side = async (name, h = home, bin) => ({ name, port: ports[name], home: h, bin, pids: await workerPids(h, name, null, bin ? { bin } : {}) });
  let baseHome = null;
  const baseBin = BASE && join(BASE, 'bin', 'hotctl');
  if (BASE) {
    baseHome = newHome();
    for (const name of ['base-outcomes', 'base-counting']) ports[name] = await freePort();
    await startApps(
      baseHome,
      ['base-outcomes', 'base-counting'].map((name) => ({ name, script: APP, instances: WORKERS, node_args: NODE_ARGS, env: { PORT: String(ports[name]), ...(name === 'base-counting' ? countingEnv : {}) } })),
      { cpus: serverCpus, bin: baseBin },
    );
  }
  await Promise.all(Object.values(ports).map((p) => waitPort(p)));
  const pairs = [
    { name: 'outcomes / counting', a: await side('outcomes'), b: await side('counting') },
    { name: 'A/A: outcomes / outcomes', a: await side('aa-1'), b: await side('aa-2') },
  ];
  for (const v of VARIANTS) pairs.push({ name: `${v.name} / counting`, a: await side(v.name), b: await side(`counting-${v.name}`) });
  if (BASE) pairs.push({ name: 'BENCH_BASE: outcomes / counting', a: await side('base-outcomes', baseHome, baseBin), b: await side('base-counting', baseHome, baseBin) });
  // Every RESPAWN rounds, every app restarted: new worker processes, the pairs unchanged.
  const respawn = async () => {
    await hotctl(home, ['restart', 'all']);
    if (baseHome) await hotctl(baseHome, ['restart', 'all'], { bin: baseBin });
    await Promise.all(Object.values(ports).map((p) => waitPort(p)));
    for (const x of pairs.flatMap((p) => [p.a, p.b])) x.pids = await workerPids(x.home, x.name, null, x.bin ? { bin: x.bin } : {});
  };
  const results = await pairedRounds(pairs, { rounds: ROUNDS, durationS: SECONDS, connections: CONNECTIONS, cpus: loadCpus, respawnEvery: RESPAWN, respawn });

  // The switch works: after a report, "outcomes" has per-revision outcomes and "counting" none.
  await new Promise((r) => setTimeout(r, 2500));
  const s = await status(home);
  const counted = (name) => s.apps.find((a) => a.name === name).outcomes?.reduce((n, o) => n + o.requests, 0) ?? 0;
  const served = (name) => s.apps.find((a) => a.name === name).workers.reduce((n, w) => n + (w.metrics?.requests_total ?? 0), 0);
  const figures = { outcomes: counted('outcomes'), counting: counted('counting'), served: { outcomes: served('outcomes'), counting: served('counting') } };
  const load1 = loadavg().map((x) => +x.toFixed(2));
  const [ab, aa] = results;
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const ci = (r) => medianInterval(r.ratios).map((x) => fx(x, 3)).join('–');

  report(
    [
      ...header(`16. Issue 12: request outcomes vs today's counting (${WORKERS} workers per app, test/fixtures/apps/http-app.cjs, one daemon${BASE ? ' + one of BENCH_BASE' : ''})`),
      `${ROUNDS} rounds; in each, every pair loaded at once for ${SECONDS} s (one wrk -t2 -c${2 * CONNECTIONS}: a thread and ${CONNECTIONS} keep-alive connections per side), the pairs' order rotating; which side gets wrk's first thread swapped every other round; 3 rounds of warm-up first${RESPAWN > 0 ? `; every app restarted (new worker processes) every ${RESPAWN} rounds, then a round of warm-up` : ''}. Workers' CPU per request from /proc schedstat. ${pinNote()}${BASE ? ` BENCH_BASE: ${BASE}.` : ''} Load average (1/5/15 min) at the start ${load0.join(' / ')}, at the end ${load1.join(' / ')}.`,
      '',
      ...table(
        ['pair (a / b)', 'CPU per request a / b, median of per-round ratios (min–max)', '95 % interval of the median', 'rounds with a > b', 'medians, rounds with a on thread 1 / on thread 2', 'a / b µs per request (median)'],
        results.map((r) => [
          r === ab || r === aa ? `**${r.name}**` : r.name,
          r === ab || r === aa ? `**${ratioSpread(r.ratios)}**` : ratioSpread(r.ratios),
          ci(r),
          `${r.above1} of ${r.ratios.length}`,
          `${fx(r.swapped.even, 3)} / ${fx(r.swapped.odd, 3)}`,
          `${fx(median(r.aCpu), 2)} / ${fx(median(r.bCpu), 2)}`,
        ]),
      ),
      '',
      ...table(
        ['measure', 'value'],
        [
          ['target: CPU per request, outcomes / counting', `≤ 1.01: ${ab.ratio <= 1.01 ? 'met' : '**not met**'} (${fx(ab.ratio, 3)}; A/A floor ${fx(aa.ratio, 3)})`],
          ['requests in status `outcomes` afterwards (outcomes / counting); requests_total', `${figures.outcomes} / ${figures.counting}; ${figures.served.outcomes} / ${figures.served.counting}`],
          ['socket errors + non-2xx, all runs', String(errors)],
        ],
      ),
    ],
    { bench: 'request-outcomes', loadavg: { start: load0, end: load1 }, figures, rounds: ROUNDS, seconds: SECONDS, base: BASE, pairs: results, errors },
  );
});

