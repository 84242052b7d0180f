// Issue 11 item 4: `hotctl update` under load. Failed requests and the longest gap without a
// 2xx answer while `hotctl update --force` (same version: a patched build) hands the listening
// socket to a new daemon, against a steady server (a plain node:http server in this process's
// child, never touched) loaded the same way at the same time.
//
//   node bench/update-handoff.mjs [rounds=5] [connections=8] [mode=update|restart]
//
// Load per target: `connections` keep-alive clients and as many `Connection: close` clients, each
// a bounded loop of GETs to 127.0.0.1 (5 s timeout per request). A failed request is an error
// (refused, reset, timeout) or a non-2xx. The gap is the longest time between two consecutive 2xx
// answers (of any client of that target) from 0.5 s before the update to 1 s after it returned.
// `mode=restart` measures `hotctl update --force --restart` (the outage way) for comparison.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'hotctl');
const ROUNDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 8);
const MODE = process.argv[4] ?? 'update';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function get(port, agent) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent, timeout: 5000, headers: agent ? {} : { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode >= 200 && res.statusCode < 300));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Bounded client loops against one port until stop(); returns counts and 2xx times. */
function load(port) {
  const stats = { requests: 0, failed: 0, okTimes: [] };
  let running = true;
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const loop = async (agent) => {
    for (let i = 0; running && i < 1_000_000; i++) {
      const ok = await get(port, agent);
      stats.requests++;
      if (ok) stats.okTimes.push(performance.now());
      else stats.failed++;
    }
  };
  const loops = [...Array.from({ length: CONNECTIONS }, () => loop(keepAlive)), ...Array.from({ length: CONNECTIONS }, () => loop(false))];
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(loops);
      keepAlive.destroy();
    },
  };
}

function maxGap(times, from, to) {
  const inside = times.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let gap = inside.length > 0 ? inside[0] - from : to - from;
  for (let i = 1; i < inside.length; i++) gap = Math.max(gap, inside[i] - inside[i - 1]);
  if (inside.length > 0) gap = Math.max(gap, to - inside[inside.length - 1]);
  return gap;
}

const home = realpathSync(mkdtempSync(join(tmpdir(), 'hc-bench-')));
const env = { ...process.env, HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0', NO_COLOR: '1' };
const hotctl = (args) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
const hotctlAsync = (args) => new Promise((resolve) => spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore' }).on('exit', resolve));

const appPort = await freePort();
const steadyPort = await freePort();
const steady = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${steadyPort},'127.0.0.1')`], { stdio: 'ignore' });
const eco = join(home, 'eco.json');
writeFileSync(eco, JSON.stringify({ apps: [{ name: 'web', script: join(ROOT, 'test/fixtures/apps/http-app.cjs'), instances: 2, env: { PORT: appPort } }] }));
const started = hotctl(['start', eco]);
if (started.status !== 0) throw new Error(started.stderr);
await new Promise((r) => setTimeout(r, 500));

const rows = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const a = load(appPort);
    const s = load(steadyPort);
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now() - 500;
    const wall = performance.now();
    const code = await hotctlAsync(MODE === 'restart' ? ['update', '--force', '--restart'] : ['update', '--force']);
    const took = performance.now() - wall;
    await new Promise((r) => setTimeout(r, 1000));
    const t1 = performance.now();
    await Promise.all([a.stop(), s.stop()]);
    const row = {
      round,
      code,
      update_ms: Math.round(took),
      hotctl: { requests: a.stats.requests, failed: a.stats.failed, max_gap_ms: Math.round(maxGap(a.stats.okTimes, t0, t1)) },
      steady: { requests: s.stats.requests, failed: s.stats.failed, max_gap_ms: Math.round(maxGap(s.stats.okTimes, t0, t1)) },
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  hotctl(['kill']);
  steady.kill();
  rmSync(home, { recursive: true, force: true });
}
const sum = (f) => rows.reduce((n, r) => n + f(r), 0);
console.log(
  `${MODE}: ${rows.length} rounds; hotctl: ${sum((r) => r.hotctl.failed)} failed of ${sum((r) => r.hotctl.requests)}, longest gap ${Math.max(...rows.map((r) => r.hotctl.max_gap_ms))} ms; ` +
    `steady: ${sum((r) => r.steady.failed)} failed of ${sum((r) => r.steady.requests)}, longest gap ${Math.max(...rows.map((r) => r.steady.max_gap_ms))} ms; every update exit 0: ${rows.every((r) => r.code === 0)}`,
);
