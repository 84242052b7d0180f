// Benchmark (issue 13, bench/RESULTS.md section 34c): the RssAnon of quiet idle workers of two
// builds side by side, with the quiet heartbeat accelerated so that V8's new space fills and is
// scavenged many times within a minute or two (a quiet worker at the real period fills it in ~30
// minutes: one sample then says where in the saw it was, not what the build holds).
//
//   node bench/quiet-heap-saw.mjs [seconds=90] <root> <root> …
//
// Each root's runtime (dist/bundle/worker.cjs) runs as a node:cluster worker of this process with
// one idle app (test/fixtures/apps/http-app.cjs), reports every second until it goes quiet, then a
// quiet heartbeat every BENCH_QUIET_MS (default 10) ms, under `--no-opt` (no TurboFan: the
// comparison is of the heap, not of V8's compiler). Prints every 3 s each worker's RssAnon and its
// messages so far, then the mean, median and peak of the samples from 15 s on.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort } from './lib/common.mjs';

const SECONDS = Number(process.argv[2] ?? 90);
const roots = process.argv.slice(3);
if (roots.length === 0) throw new Error('usage: node bench/quiet-heap-saw.mjs [seconds] <root> <root> …');
const workers = [];
for (const root of roots) {
  cluster.setupPrimary({ exec: join(root, 'dist', 'bundle', 'worker.cjs'), execArgv: ['--no-opt'], silent: true });
  const w = cluster.fork({
    PORT: String(await freePort()),
    HOTCTL_SCRIPT: join(FIXTURES, 'http-app.cjs'),
    HOTCTL_APP: 'saw',
    HOTCTL_WORKER_ID: '1',
    HOTCTL_REVISION: '1',
    HOTCTL_EXEC_MODE: 'cluster',
    HOTCTL_HEARTBEAT_INTERVAL_MS: '1000',
    HOTCTL_REPORT_INTERVAL_MS: '1000',
    HOTCTL_QUIET_HEARTBEAT_INTERVAL_MS: process.env.BENCH_QUIET_MS ?? '10',
  });
  const entry = { root, worker: w, counts: { report: 0, heartbeat: 0 }, samples: [] };
  w.on('message', (m) => {
    if (m?.hotctl === 1 && entry.counts[m.type] !== undefined) entry.counts[m.type]++;
  });
  workers.push(entry);
}
const anonKb = (pid) => Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (let t = 3; t <= SECONDS; t += 3) {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const line = workers.map((e) => {
    const kb = anonKb(e.worker.process.pid);
    if (t >= 15) e.samples.push(kb);
    return `${e.root}: ${kb} kB (reports ${e.counts.report}, heartbeats ${e.counts.heartbeat})`;
  });
  console.log(`${t} s  ${line.join('  ')}`);
}
for (const e of workers) {
  const mb = (kb) => (kb / 1024).toFixed(2);
  console.log(`${e.root}: RssAnon from 15 s on, ${e.samples.length} samples: mean ${mb(e.samples.reduce((a, b) => a + b, 0) / e.samples.length)} MB, median ${mb(median(e.samples))}, peak ${mb(Math.max(...e.samples))}`);
  e.worker.process.kill('SIGKILL');
}
process.exit(0);
