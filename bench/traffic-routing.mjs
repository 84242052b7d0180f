// Benchmark: connections routed by hotctl's primary (src/traffic: raw handles, readiness-gated
// routing) vs bare node:cluster round-robin. 2 workers of test/fixtures/apps/http-app.cjs each;
// both primaries in sessions of their own (setsid, as bench/lib/common.mjs startBare explains),
// running side by side; wrk loads one then the other, alternating which goes first (ABBA), with
// keep-alive and with `Connection: close` (a new connection per request: the router is on the
// path of every request). Figure: the median of the per-round ratios.
//
//   node bench/traffic-routing.mjs [rounds=9] [seconds per run=3] [connections=32] [workers=2]
//   BENCH_PIN=0 to leave wrk and the servers unpinned (default: wrk on CPU 0, servers on CPU 1).
//   BENCH_ROUTED_FLAGS='--flag …': node flags for the routed primary only (e.g. the daemon's V8 flags).
//   BENCH_BASELINE_FLAGS='--flag …': node flags for the baseline's routed primary (default: BENCH_ROUTED_FLAGS).
//   BENCH_BASELINE=<dir>: a third side, the routed primary of another build (a checkout or a copy with
//     bench/, dist/ and test/fixtures/: e.g. main's, as the "before"), loaded in the same rounds; the
//     report adds its ratio to bare and routed / baseline.
//
// Targets: routed / bare >= 0.97 keep-alive, >= 0.95 Connection: close.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpuNs, argInt, BENCH_LIB, CPUS, FIXTURES, WRK, fx, haveWrk, header, median, pinNote, report, runBench, startBare, table, track, untrack, waitPort, freePort, childrenOf, alive, sleep } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const SECONDS = argInt(3, 3);
const CONNECTIONS = argInt(4, 32);
const WORKERS = argInt(5, 2);
const APP = join(FIXTURES, 'http-app.cjs');
const BASELINE = process.env.BENCH_BASELINE || null;

function withCpus(cpus, cmd, args) {
  return cpus === null ? [cmd, args] : ['/usr/bin/taskset', ['-c', cpus, cmd, ...args]];
}

async function startRouted(port, cpus, lib = BENCH_LIB, flagsText = process.env.BENCH_ROUTED_FLAGS) {
  const flags = (flagsText ?? '').split(' ').filter(Boolean);
  const [cmd, argv] = withCpus(cpus, process.execPath, [...flags, join(lib, 'routed-primary.mjs'), APP, String(WORKERS)]);
  const child = spawn(cmd, argv, { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  track(child.pid);
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`routed primary exited ${code}`)));
  });
  return {
    pid: child.pid,
    stop: async () => {
      const kids = childrenOf(child.pid);
      child.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (alive(child.pid) && Date.now() < deadline) await sleep(50);
      for (const pid of [child.pid, ...kids]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      untrack(child.pid);
    },
  };
}

/** One wrk run; with `pids` (the primary first), the server side's CPU time per request (µs) too (/proc schedstat): all, the primary's, the workers'. */
async function load(port, close, cpus, pids = [], seconds = SECONDS) {
  const c0 = pids.map(cpuNs);
  const r = await runWrk(port, close, cpus, seconds);
  const requests = Math.max(1, r.requests);
  const used = pids.map((p, i) => ((cpuNs(p) ?? 0) - (c0[i] ?? 0)) / 1e3 / requests);
  r.cpuUsPerReq = used.reduce((a, b) => a + b, 0);
  r.primaryUsPerReq = used[0] ?? 0;
  r.workersUsPerReq = r.cpuUsPerReq - r.primaryUsPerReq;
  return r;
}

function runWrk(port, close, cpus, seconds = SECONDS) {
  return new Promise((resolve, reject) => {
    const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', '-s', join(BENCH_LIB, 'wrk-summary.lua'), ...(close ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${port}/`];
    const [cmd, argv] = withCpus(cpus, WRK, args);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => {
      untrack(child.pid);
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk gave no summary:\n${out}`));
      const r = JSON.parse(line.slice(8));
      resolve({ rps: r.requests / (r.duration_us / 1e6), requests: r.requests, errors: r.connect + r.read + r.write + r.timeout + r.status });
    });
  });
}

await runBench(async () => {
  if (!haveWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  const [loadCpus, serverCpus] = CPUS;
  const [routedPort, barePort] = [await freePort(), await freePort()];
  const routed = await startRouted(routedPort, serverCpus);
  const bare = await startBare(APP, WORKERS, barePort, { cpus: serverCpus });
  const baselinePort = BASELINE ? await freePort() : null;
  const baseline = BASELINE ? await startRouted(baselinePort, serverCpus, join(BASELINE, 'bench', 'lib'), process.env.BENCH_BASELINE_FLAGS ?? process.env.BENCH_ROUTED_FLAGS) : null;
  await Promise.all([waitPort(routedPort), waitPort(barePort), ...(baseline ? [waitPort(baselinePort)] : [])]);
  const sides = baseline ? ['routed', 'bare', 'baseline'] : ['routed', 'bare'];
  const portOf = { routed: routedPort, bare: barePort, baseline: baselinePort };
  const pidsOf = (side) => (side === 'bare' ? [bare.pid, ...bare.workerPids()] : [side === 'routed' ? routed.pid : baseline.pid, ...childrenOf(side === 'routed' ? routed.pid : baseline.pid)]);
  const results = {};
  for (const mode of ['keep-alive', 'close']) {
    const ratios = [];
    const rps = { routed: [], bare: [], baseline: [] };
    const vsBaseline = { ratios: [], cpuRatios: [], baselineRatios: [], baselineCpuRatios: [] };
    let errors = 0;
    // Warm-up of each side (not counted).
    for (const side of sides) await runWrk(portOf[side], mode === 'close', loadCpus, 1);
    const cpuRatios = [];
    const split = { routed: { primary: [], workers: [] }, bare: { primary: [], workers: [] }, baseline: { primary: [], workers: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const r = {};
      const cpu = {};
      for (const side of order) {
        const out = await load(portOf[side], mode === 'close', loadCpus, pidsOf(side));
        r[side] = out.rps;
        cpu[side] = out.cpuUsPerReq;
        split[side].primary.push(out.primaryUsPerReq);
        split[side].workers.push(out.workersUsPerReq);
        errors += out.errors;
        rps[side].push(out.rps);
      }
      ratios.push(r.routed / r.bare);
      cpuRatios.push(cpu.bare / cpu.routed);
      if (baseline) {
        vsBaseline.ratios.push(r.routed / r.baseline);
        vsBaseline.cpuRatios.push(cpu.baseline / cpu.routed);
        vsBaseline.baselineRatios.push(r.baseline / r.bare);
        vsBaseline.baselineCpuRatios.push(cpu.bare / cpu.baseline);
      }
      const extra = baseline ? `; baseline ${fx(r.baseline, 0)} req/s (${fx(r.baseline / r.bare, 3)} of bare), CPU/request ${fx(cpu.baseline, 1)} µs` : '';
      console.error(`${mode} round ${round + 1}/${ROUNDS}: routed ${fx(r.routed, 0)} req/s, bare ${fx(r.bare, 0)} req/s, ratio ${fx(r.routed / r.bare, 3)}; CPU/request routed ${fx(cpu.routed, 1)} µs, bare ${fx(cpu.bare, 1)} µs${extra}`);
    }
    const cpuSplit = Object.fromEntries(sides.map((side) => [side, { primaryUsPerReq: median(split[side].primary), workersUsPerReq: median(split[side].workers) }]));
    results[mode] = { ratio: median(ratios), ratios, cpuRatio: median(cpuRatios), cpuRatios, routed: median(rps.routed), bare: median(rps.bare), errors, cpuSplit };
    if (baseline) results[mode].baseline = { ...vsBaseline, rps: median(rps.baseline), ratio: median(vsBaseline.ratios), cpuRatio: median(vsBaseline.cpuRatios), baselineRatio: median(vsBaseline.baselineRatios), baselineCpuRatio: median(vsBaseline.baselineCpuRatios) };
  }
  await routed.stop();
  await bare.stop();
  await baseline?.stop();
  report(
    [
      ...header(`Traffic routing: hotctl's router vs bare node:cluster round-robin (${WORKERS} workers, test/fixtures/apps/http-app.cjs)${process.env.BENCH_ROUTED_FLAGS ? `; routed primary with node ${process.env.BENCH_ROUTED_FLAGS}` : ''}`),
      `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds per mode, routed and bare alternating (ABBA), both primaries in their own session (setsid), side by side. ${pinNote()}`,
      '',
      ...table(
        ['mode', 'routed / bare req/s (median of rounds)', 'min–max', 'bare / routed CPU per request (median)', 'routed req/s (median)', 'bare req/s (median)', 'target', 'socket errors + non-2xx'],
        ['keep-alive', 'close'].map((mode) => {
          const r = results[mode];
          return [mode === 'close' ? 'Connection: close' : 'keep-alive', fx(r.ratio, 3), `${fx(Math.min(...r.ratios), 3)}–${fx(Math.max(...r.ratios), 3)}`, fx(r.cpuRatio, 3), fx(r.routed, 0), fx(r.bare, 0), mode === 'close' ? '≥ 0.95' : '≥ 0.97', String(r.errors)];
        }),
      ),
      '',
      'Server-side CPU per request, µs (median of rounds): the primary / its workers.',
      '',
      ...table(
        ['mode', ...sides.map((side) => `${side}: primary / workers`)],
        ['keep-alive', 'close'].map((mode) => [mode === 'close' ? 'Connection: close' : 'keep-alive', ...sides.map((side) => `${fx(results[mode].cpuSplit[side].primaryUsPerReq, 1)} / ${fx(results[mode].cpuSplit[side].workersUsPerReq, 1)}`)]),
      ),
      ...(baseline
        ? [
            '',
            `Baseline: the routed primary of ${BASELINE}, loaded in the same rounds (order rotating).`,
            '',
            ...table(
              ['mode', 'baseline / bare req/s (median)', 'bare / baseline CPU per request (median)', '**routed / baseline req/s** (median; min–max)', 'baseline / routed CPU per request (median; min–max)'],
              ['keep-alive', 'close'].map((mode) => {
                const b = results[mode].baseline;
                return [mode === 'close' ? 'Connection: close' : 'keep-alive', fx(b.baselineRatio, 3), fx(b.baselineCpuRatio, 3), `**${fx(b.ratio, 3)}** (${fx(Math.min(...b.ratios), 3)}–${fx(Math.max(...b.ratios), 3)})`, `${fx(b.cpuRatio, 3)} (${fx(Math.min(...b.cpuRatios), 3)}–${fx(Math.max(...b.cpuRatios), 3)})`];
              }),
            ),
          ]
        : []),
    ],
    { bench: 'traffic-routing', ...(BASELINE ? { baselineDir: BASELINE } : {}), ...results },
  );
});
