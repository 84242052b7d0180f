// CPU per request of two sides loaded AT ONCE, in many short rounds, with their places swapped
// every other round: the method that resolves ~1 % on this 2-core machine (bench/RESULTS.md 21).
//
// Both sides share every round's noise (other tenants, frequency, cache), so the ratio of their
// CPU per request (from /proc/<pid>/task/*/schedstat, ns) is steadier than any req/s. What is
// left is bias, and a server's CPU per request depends on the rate it is driven at (it batches
// more requests per wake-up at a higher rate): so one wrk process drives both sides, a thread
// each, scheduled as equals, and which side gets the first thread is swapped every other round.
// Each side must be loaded as often as its partner: a process loaded in more pairs than its
// partner, or idle longer before its round, was measured 10–30 % cheaper per request. An A/A
// pair (the same code on both sides), measured in the same run round by round between the A/B
// pairs, is the floor to read every other ratio against.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_LIB, cpuNs, fx, median, min, max, track, untrack, WRK } from './common.mjs';

/**
 * One wrk process loading two ports at once (bench/lib/wrk-pair.lua): thread 1 and half the
 * connections on `ports[0]`, thread 2 and the other half on `ports[1]`. Two wrk processes
 * would compete for the load generator's CPU, and the one that gets more of it drives its
 * side at a higher rate (a server batches more requests per wake-up at a higher rate, and
 * spends less CPU per request): the two threads of one process are scheduled as equals.
 * Resolves with { responses: [n0, n1], errors } (errors: socket errors and non-2xx, both sides).
 */
export function wrkPair(ports, { connections = 32, durationS = 2, cpus = null, timeoutS = 5 } = {}) {
  return new Promise((resolve, reject) => {
    const args = ['-t2', `-c${connections * 2}`, `-d${durationS}s`, '--timeout', `${timeoutS}s`, '-s', join(BENCH_LIB, 'wrk-pair.lua'), `http://127.0.0.1:${ports[0]}/`];
    const [cmd, argv] = cpus === null ? [WRK, args] : ['/usr/bin/taskset', ['-c', cpus, WRK, ...args]];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRK_PAIR_PORTS: ports.join(',') } });
    track(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const hard = setTimeout(() => child.kill('SIGKILL'), (durationS + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(hard);
      untrack(child.pid);
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk ${args.join(' ')} exited ${code ?? signal} without a summary:\n${out}`));
      const r = JSON.parse(line.slice(8));
      resolve({ responses: r.responses, durationS: r.duration_us / 1e6, errors: r.connect + r.read + r.write + r.timeout + r.non2xx[0] + r.non2xx[1] });
    });
  });
}

/**
 * Runs `rounds` rounds; in each, every pair (in an order that rotates round by round) is loaded
 * at once for `durationS` seconds by one wrk, one thread and `connections` connections per side. A pair is { name, a, b }; a side is
 * { name, port, pids } (the processes whose CPU time is charged to it). Resolves with, per pair,
 * the per-round ratios of CPU per request a / b, their median, and the sides' figures. With
 * `respawnEvery`, `respawn()` replaces every side's processes every that many rounds: two
 * processes of the same code can differ in CPU per request for their whole life (a bias no
 * swapping cancels), so a run's figure pools many processes per side.
 */
export async function pairedRounds(pairs, { rounds, durationS, connections = 32, cpus = null, warmupRounds = 3, respawnEvery = 0, respawn = null }) {
  const out = pairs.map((p) => ({ name: p.name, a: p.a.name, b: p.b.name, ratios: [], aCpu: [], bCpu: [], aRps: [], bRps: [], errors: 0 }));
  // The first rounds are a warm-up, not counted: every side's JIT settles first.
  for (let i = -warmupRounds; i < rounds; i++) {
    if (respawn && respawnEvery > 0 && i > 0 && i % respawnEvery === 0) {
      // New processes for every side (`respawn` updates the sides' pids), then one round of warm-up.
      await respawn();
      for (const { a, b } of pairs) await wrkPair([a.port, b.port], { connections, durationS, cpus });
    }
    for (let k = 0; k < pairs.length; k++) {
      const j = (i + warmupRounds + k) % pairs.length;
      const { a, b } = pairs[j];
      // Swapped every other round: which side gets wrk's first thread (connected first).
      const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
      const c0 = [first, second].map((s) => s.pids.map(cpuNs));
      const r = await wrkPair([first.port, second.port], { connections, durationS, cpus });
      const cpu = [first, second].map((s, n) => s.pids.reduce((t, p, m) => t + (cpuNs(p) - c0[n][m]), 0) / 1e3 / r.responses[n]);
      const rps = r.responses.map((n) => n / r.durationS);
      if (i < 0) continue;
      const [ra, rb, ca, cb] = i % 2 === 0 ? [rps[0], rps[1], cpu[0], cpu[1]] : [rps[1], rps[0], cpu[1], cpu[0]];
      const o = out[j];
      o.ratios.push(ca / cb);
      o.aCpu.push(ca);
      o.bCpu.push(cb);
      o.aRps.push(ra);
      o.bRps.push(rb);
      o.errors += r.errors;
    }
    if (i >= 0) console.error(`round ${i + 1}/${rounds}: ${out.map((o) => `${o.name} ${fx(o.ratios.at(-1), 3)}`).join(', ')}`);
  }
  for (const o of out) {
    o.ratio = median(o.ratios);
    o.swapped = { even: median(o.ratios.filter((_, i) => i % 2 === 0)), odd: median(o.ratios.filter((_, i) => i % 2 === 1)) };
    o.above1 = o.ratios.filter((r) => r > 1).length;
  }
  return out;
}

/** "median (min–max)" of ratios, 3 digits. */
export const ratioSpread = (values) => `${fx(median(values), 3)} (${fx(min(values), 3)}–${fx(max(values), 3)})`;

/**
 * A 95 % confidence interval of the median of `values` (distribution-free: the order statistics
 * around the median, binomial with p = 1/2, normal approximation), as [low, high].
 */
export function medianInterval(values) {
  const s = [...values].sort((x, y) => x - y);
  const n = s.length;
  const half = 1.96 * Math.sqrt(n) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [s[lo], s[hi]];
}
