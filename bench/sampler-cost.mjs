// The sampler's own cost: CPU time per tick for N live worker processes, with the real pidusage
// read (one call for all pids). Run after a build:
//
//   node bench/sampler-cost.mjs [workers=40] [ticks=300] [paced seconds=10]
//
// Two figures. Warm: ticks back to back (caches hot, the thread pool awake) — a lower bound.
// Paced: one tick per second as the daemon does, over `paced seconds`, minus this process's CPU
// over as long a spell without ticks; each tick then starts cold, which costs more per tick.
// The daemon-level comparison (40 workers, sampling on vs off, daemon CPU and RSS) is
// bench/sampler-daemon.mjs.
import { spawn } from 'node:child_process';
import { MetricsSampler } from '../dist/src/metrics/sampler.js';

const WORKERS = Number(process.argv[2] ?? 40);
const TICKS = Number(process.argv[3] ?? 300);
const PACED_S = Number(process.argv[4] ?? 10);
const WARMUP = 20;

const children = [];
for (let i = 0; i < WORKERS; i++) children.push(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }));
const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
// A hard bound: whatever happens, nothing outlives two minutes.
setTimeout(() => {
  console.error('sampler-cost: time bound reached');
  process.exit(1);
}, 120_000).unref();
await Promise.all(children.map((c) => new Promise((resolve) => c.once('spawn', resolve))));

const report = { heapUsedBytes: 1, heapTotalBytes: 2, eventLoopDelayP50Ms: 0, eventLoopDelayP99Ms: 0, requestsInFlight: 0, requestsServed: 0 };
const targets = children.map((c, i) => ({ app: `app${i % 4}`, workerId: i + 1, pid: c.pid, revision: 1, report }));
const apps = [0, 1, 2, 3].map((i) => ({ app: `app${i}`, revision: 1, restarts: 0, uptime_ms: 0, reloads: { succeeded: 0, failed: 0 } }));
const sampler = new MetricsSampler({ intervalMs: 1000, targets: () => targets, apps: () => apps });

for (let i = 0; i < WARMUP; i++) await sampler.tick();
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let sampled = 0;
for (let i = 0; i < TICKS; i++) sampled += (await sampler.tick()).workers.length;
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
const cpuMsPerTick = (cpu.user + cpu.system) / 1000 / TICKS;

// Paced: first a spell without ticks (this process's own idle CPU), then one tick per second.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = (u) => (u.user + u.system) / 1000;
const idle0 = process.cpuUsage();
await sleep(PACED_S * 1000);
const idleMs = cpuMs(process.cpuUsage(idle0));
const paced0 = process.cpuUsage();
const tp = performance.now();
for (let i = 0; i < PACED_S; i++) {
  await sampler.tick();
  await sleep(Math.max(0, tp + (i + 1) * 1000 - performance.now()));
}
const pacedMsPerTick = (cpuMs(process.cpuUsage(paced0)) - idleMs) / PACED_S;
sampler.stop();
killAll();

const result = {
  workers: WORKERS,
  ticks: TICKS,
  sampled_per_tick: sampled / TICKS,
  wall_ms_per_tick: +(wallMs / TICKS).toFixed(3),
  cpu_ms_per_tick: +cpuMsPerTick.toFixed(3),
  cpu_us_per_worker_per_tick: +((cpuMsPerTick * 1000) / WORKERS).toFixed(1),
  cpu_percent_at_1hz: +((cpuMsPerTick / 1000) * 100).toFixed(3),
  rss_growth_bytes: process.memoryUsage().rss - rssBefore,
  paced_ticks: PACED_S,
  paced_cpu_ms_per_tick: +pacedMsPerTick.toFixed(3),
  paced_cpu_us_per_worker_per_tick: +((pacedMsPerTick * 1000) / WORKERS).toFixed(1),
  paced_cpu_percent_at_1hz: +((pacedMsPerTick / 1000) * 100).toFixed(3),
};
console.log(
  [
    '### 8. The sampler alone: CPU per tick (one pidusage call for all pids)',
    '',
    `Command: \`node bench/sampler-cost.mjs ${WORKERS} ${TICKS} ${PACED_S}\` — Node ${process.version}, ${process.platform} ${process.arch}, ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| measure | warm: ticks back to back | paced: 1 tick per second (as in the daemon) |',
    '|---|---|---|',
    `| ticks measured | ${TICKS} (after ${WARMUP} warm-up) | ${PACED_S} (minus ${PACED_S} s without ticks) |`,
    `| live processes sampled per tick | ${result.sampled_per_tick} | ${WORKERS} |`,
    `| CPU per tick | ${result.cpu_ms_per_tick} ms | **${result.paced_cpu_ms_per_tick} ms** |`,
    `| CPU per worker per tick | ${result.cpu_us_per_worker_per_tick} µs | **${result.paced_cpu_us_per_worker_per_tick} µs** |`,
    `| at 1 Hz: share of one core | ${result.cpu_percent_at_1hz} % | ${result.paced_cpu_percent_at_1hz} % |`,
    `| wall per tick | ${result.wall_ms_per_tick} ms | |`,
    `| RSS growth over the warm ticks | ${(result.rss_growth_bytes / 1048576).toFixed(1)} MB | |`,
    '',
    `<!-- json: ${JSON.stringify(result)} -->`,
    '',
  ].join('\n'),
);
console.error(
  `sampler, ${WORKERS} workers: warm ${result.cpu_ms_per_tick} ms CPU per tick (${result.cpu_us_per_worker_per_tick} µs per worker), paced ${result.paced_cpu_ms_per_tick} ms, ` +
    `${result.cpu_percent_at_1hz}% of one core at 1 Hz; ${result.wall_ms_per_tick} ms wall per tick`,
);
