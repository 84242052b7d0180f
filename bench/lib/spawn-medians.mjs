// Wall time from spawn to exit of several command lines, interleaved round by round (the order
// rotates each round), NODE_EXTRA_CA_CERTS removed from their environment; prints each line's
// median and minimum in ms. Used by bench/RESULTS.md section 31c:
//
//   HOTCTL_HOME=<a home whose daemon runs an app> node bench/lib/spawn-medians.mjs '[["node","-e",""],["node","bench/lib/status-floor.cjs"],["bin/hotctl","status"]]' 31
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const lines = JSON.parse(process.argv[2]);
const rounds = Number(process.argv[3] ?? 21);
const times = lines.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < lines.length; k++) {
    const i = (k + r) % lines.length;
    const [cmd, ...args] = lines[i];
    const t = process.hrtime.bigint();
    const run = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 });
    times[i].push(Number(process.hrtime.bigint() - t) / 1e6);
    if (run.status !== 0) console.error(`exit ${run.status}: ${lines[i].join(' ')}`);
  }
}
for (let i = 0; i < lines.length; i++) {
  const sorted = times[i].sort((a, b) => a - b);
  console.log(`${sorted[sorted.length >> 1].toFixed(1)} ms median, ${sorted[0].toFixed(1)} min: ${lines[i].join(' ')}`);
}
