'use strict';
// Benchmark: what an idle Node process pays per wake-up, the floor under an idle daemon's CPU
// (issue 13; bench/RESULTS.md, section 29). Four processes at once, each measuring its own main
// thread (schedstat) over 30 s after 5 s: nothing; an empty 1 Hz timer; two forked children each
// sending a hotctl-sized report (JSON over IPC) at 1 Hz to an empty listener; both, with
// TurboFan off as in the idle daemon.
//
//   env -u NODE_EXTRA_CA_CERTS node bench/idle-wakeup-floor.cjs
const { fork, spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');

const mode = process.argv[2];
if (mode === undefined) {
  const modes = ['none', 'timer', 'ipc', 'ipc+timer+noopt'];
  const kids = modes.map((m) => spawn(process.execPath, [__filename, m], { stdio: ['ignore', 'pipe', 'inherit'] }));
  Promise.all(kids.map((k) => new Promise((resolve) => { let out = ''; k.stdout.on('data', (d) => (out += d)); k.on('exit', () => resolve(out.trim())); }))).then((lines) => {
    console.log(`| process | main thread CPU ms/s |\n|---|---|\n${lines.join('\n')}\nload average: ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  });
  return;
}
if (mode === 'child') {
  const msg = JSON.parse(process.argv[3]);
  setInterval(() => process.send(msg), 1000);
  return;
}
const report = { hotctl: 'hotctl/1', type: 'report', heapUsedBytes: 5e6, heapTotalBytes: 6e6, eventLoopDelayP50Ms: 0.1, eventLoopDelayP99Ms: 1.2, requestsInFlight: 0, requestsServed: 10, connectionsOpen: 0, outcomes: { responses: { '1xx': 0, '2xx': 10, '3xx': 0, '4xx': 0, '5xx': 0 }, resets: 0, timeouts: 0, duration_buckets: new Array(19).fill(0), duration_sum_s: 0.01 } };
const children = [];
if (mode.includes('noopt')) require('node:v8').setFlagsFromString('--no-opt');
if (mode.includes('ipc')) for (let i = 0; i < 2; i++) children.push(fork(__filename, ['child', JSON.stringify(report)]).on('message', () => {}));
if (mode.includes('timer')) setInterval(() => {}, 1000);
const cpuNs = () => Number(readFileSync(`/proc/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
setTimeout(() => {
  const c0 = cpuNs();
  const t0 = Date.now();
  setTimeout(() => {
    console.log(`| ${mode} | ${((cpuNs() - c0) / 1e6 / ((Date.now() - t0) / 1000)).toFixed(3)} |`);
    for (const c of children) c.kill();
    process.exit(0);
  }, 30_000);
}, 5000);
