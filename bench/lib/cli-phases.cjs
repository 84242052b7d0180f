// Preloaded into the CLI by bench/reload-cli-overhead.mjs (`node --require this bin/hotctl …`):
// writes, at exit, when the process started and when it reached each phase, as one JSON object
// to the file named by BENCH_PHASES_FILE. Epoch milliseconds, comparable with the daemon's
// `started_at` / `ended_at`. Costs the CLI one small CommonJS module.
'use strict';
const { performance } = require('node:perf_hooks');
const net = require('node:net');
const fs = require('node:fs');

const start = Date.now() - performance.now(); // when the process started (perf_hooks' time origin)
const at = () => start + performance.now();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const phases = { start, js: at(), connect: null, writes: [], exit: null, cpu: { js: cpu(), connect: null, exit: null } };
const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (event, ...args) {
  if (event === 'connect' && phases.connect === null) {
    phases.connect = at();
    phases.cpu.connect = cpu();
  }
  return emit.call(this, event, ...args);
};
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (chunk, ...args) {
  if (phases.connect !== null && this !== process.stdout && this !== process.stderr) {
    phases.writes.push({ at: at(), bytes: chunk.length });
  }
  return write.call(this, chunk, ...args);
};
process.on('exit', () => {
  phases.exit = at();
  phases.cpu.exit = cpu();
  if (process.env.BENCH_PHASES_FILE) fs.writeFileSync(process.env.BENCH_PHASES_FILE, JSON.stringify(phases));
});
