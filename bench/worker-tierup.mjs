// Benchmark (issue 13, worker RSS after a long idle): how many of its periodic messages an idle
// worker's runtime sends before V8 marks its first function for TurboFan, accelerated.
//
//   node bench/worker-tierup.mjs [max seconds=120] '<variants JSON>'
//
// variants: {"name": {"root": "<checkout with dist/bundle/worker.cjs>", "env": {"HOTCTL_…": "…"}}}.
// Each variant's runtime (dist/bundle/worker.cjs) runs as a node:cluster worker of this process
// with `--trace-opt`, one app (test/fixtures/apps/http-app.cjs, no traffic), and the env given
// (e.g. HOTCTL_REPORT_INTERVAL_MS=10: a report every 10 ms). V8's tiering budget is spent per
// bytecode executed, not per second, so N messages at 10 ms spend what N messages at 1 s do: the
// count at the first "marking … for optimization" is the idle worker's time to its first TurboFan
// compilation, in periods. Prints, per variant, the messages by type until then, the marked
// functions, and the equivalent time at the runtime's real period (BENCH_PERIOD_MS, default 1000).
//
// BENCH_CPU_PROF_S=60: instead, each variant runs that long (no --trace-opt) under `--cpu-prof
// --cpu-prof-interval 100` and the JavaScript it ran is summed from the profile: samples outside
// (idle), (program) and (garbage collector), by function, from 5 s after start to 1 s before the end.
import cluster from 'node:cluster';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './lib/common.mjs';

const PROF_S = Number(process.env.BENCH_CPU_PROF_S ?? 0);

const MAX_S = Number(process.argv[2] ?? 120);
const VARIANTS = process.argv[3] ? JSON.parse(process.argv[3]) : { this: { root: ROOT, env: { HOTCTL_REPORT_INTERVAL_MS: '10' } } };
const PERIOD_MS = Number(process.env.BENCH_PERIOD_MS ?? 1000);

function run(name, { root = ROOT, env = {}, flags = [] }) {
  return new Promise((resolve) => {
    const profDir = PROF_S > 0 ? mkdtempSync(join(tmpdir(), 'tierup-prof-')) : null;
    const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profDir, ...flags] : ['--trace-opt', ...flags];
    cluster.setupPrimary({ exec: join(root, 'dist', 'bundle', 'worker.cjs'), execArgv, silent: true });
    const worker = cluster.fork({
      PORT: '0',
      HOTCTL_SCRIPT: join(FIXTURES, 'http-app.cjs'),
      HOTCTL_APP: 'tierup',
      HOTCTL_WORKER_ID: '1',
      HOTCTL_REVISION: '1',
      HOTCTL_EXEC_MODE: 'cluster',
      HOTCTL_HEARTBEAT_INTERVAL_MS: '1000',
      ...env,
    });
    const counts = {};
    let readyAt = null;
    const marked = [];
    const started = Date.now();
    let out = '';
    const finish = (why) => {
      clearTimeout(timer);
      worker.process.kill('SIGKILL');
      resolve({ name, why, counts, marked, seconds: (Date.now() - started) / 1000, readyAt });
    };
    // Profiling: SIGTERM (the runtime drains and exits; the profile is written at exit).
    const timer = profDir
      ? setTimeout(() => {
          const seconds = (Date.now() - started) / 1000;
          worker.process.once('exit', () => resolve({ name, why: 'profiled', counts, marked, seconds, profile: profile(profDir, seconds) }));
          worker.process.kill('SIGTERM');
        }, PROF_S * 1000)
      : setTimeout(() => finish('timeout'), MAX_S * 1000);
    worker.on('message', (m) => {
      if (m?.hotctl !== 1) return;
      if (m.type === 'ready') readyAt = { ...counts };
      counts[m.type] = (counts[m.type] ?? 0) + 1;
    });
    worker.process.stdout.on('data', (chunk) => {
      out += chunk;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (readyAt === null) continue; // the app's own start-up
        const m = /marking (.*?) for optimization to TURBOFAN.*reason: (.*)\]/.exec(line);
        if (m) {
          marked.push({ fn: m[1].replace(/0x[0-9a-f]+ /g, ''), reason: m[2], at: { ...counts } });
          if (marked.length === 1) setTimeout(() => finish('marked'), 200);
        }
      }
    });
    worker.process.stderr.resume();
  });
}

/** JavaScript in a .cpuprofile: µs of samples by function, outside idle, program and GC. */
function profile(dir, seconds) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return null;
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const us = new Map();
  // The steady idle state only: from 5 s after start (start-up done) to 1 s before the SIGTERM (the drain).
  const fromUs = 5e6;
  const toUs = (seconds - 1) * 1e6;
  let t = 0;
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) return;
    const node = byId.get(id);
    const fn = node.callFrame.functionName || '(anonymous)';
    if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return;
    const key = `${fn} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    us.set(key, (us.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const total = [...us.values()].reduce((a, b) => a + b, 0);
  return { jsUsPerS: total / (seconds - 6), top: [...us].sort((a, b) => b[1] - a[1]).slice(0, 12) };
}

const results = [];
for (const [name, variant] of Object.entries(VARIANTS)) results.push(await run(name, variant));
for (const r of results) {
  if (r.profile !== undefined) {
    console.log(`${r.name}: ${r.seconds.toFixed(1)} s profiled; messages ${JSON.stringify(r.counts)}; JavaScript ${r.profile ? `${r.profile.jsUsPerS.toFixed(1)} µs per second from 5 s after start to 1 s before the end (samples of 100 µs)` : '(no profile)'}`);
    for (const [fn, us] of r.profile?.top ?? []) console.log(`   ${(us / 1000).toFixed(2)} ms  ${fn}`);
    continue;
  }
  const periodic = (r.marked[0]?.at ?? r.counts);
  const n = (periodic.report ?? 0) + (periodic.heartbeat ?? 0);
  console.log(`${r.name}: ${r.why} after ${r.seconds.toFixed(1)} s; messages until then ${JSON.stringify(periodic)} (≈ ${(n * PERIOD_MS / 60000).toFixed(1)} min at one per ${PERIOD_MS} ms)`);
  for (const m of r.marked) console.log(`   marked ${m.fn} (${m.reason}) at ${JSON.stringify(m.at)}`);
}
process.exit(0);
