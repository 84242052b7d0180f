// Shared helpers of the benchmarks: temporary HOTCTL_HOMEs, free ports, the real CLI, wrk, /proc
// readings, statistics, and the clean-up that kills every process a benchmark started.
//
// Every process a benchmark starts is registered here (by pid, or by its HOTCTL_HOME for a
// daemon and its workers) and killed in `cleanup()`: called from the benchmark's `finally`, and
// again (synchronously, SIGKILL) from the 'exit', SIGINT and SIGTERM handlers as a backstop.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HOTCTL = join(ROOT, 'bin', 'hotctl');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'apps');
export const BENCH_LIB = dirname(fileURLToPath(import.meta.url));
export const WRK = process.env.WRK ?? '/usr/bin/wrk';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Statistics

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const min = (values) => Math.min(...values);
export const max = (values) => Math.max(...values);
export const sum = (values) => values.reduce((a, b) => a + b, 0);
export const fx = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
export const mb = (bytes, digits = 1) => fx(bytes / 1024 / 1024, digits);
/** "median (min–max)" */
export const spread = (values, digits = 1) => `${fx(median(values), digits)} (${fx(min(values), digits)}–${fx(max(values), digits)})`;

/** Integer from argv[i], or the default. */
export function argInt(i, dflt) {
  const v = process.argv[i];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`argument ${i - 1} must be a number, got ${v}`);
  return n;
}

/** The command line that ran this benchmark, for RESULTS.md. */
export function commandLine() {
  return ['node', relative(ROOT, process.argv[1]), ...process.argv.slice(2)].join(' ');
}

export function header(title) {
  const env = process.env.BENCH_PIN === '0' ? 'BENCH_PIN=0 ' : '';
  return [`### ${title}`, '', `Command: \`${env}${commandLine()}\` — Node ${process.version}, ${process.platform} ${process.arch}, ${new Date().toISOString().slice(0, 10)}`, ''];
}

/** How the load generator and the server side were placed, for the reports. */
export function pinNote() {
  return PIN
    ? 'Pinned: wrk on CPU 0, the server side (hotctl daemon or bare primary, and their workers) on CPU 1 (taskset; `BENCH_PIN=0` to not pin).'
    : 'Not pinned: wrk and the server side share both CPUs as the scheduler decides.';
}

// ---------------------------------------------------------------------------------------------
// Processes: registration and clean-up

const pids = new Set();
const homes = new Set();
const tmpDirs = new Set();

export function track(pid) {
  if (Number.isInteger(pid) && pid > 0) pids.add(pid);
  return pid;
}
export const untrack = (pid) => pids.delete(pid);

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function killPid(pid, signal = 'SIGKILL') {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** A short temporary directory (mode 0700), removed at clean-up. */
export function tempDir(prefix = 'hb-') {
  const dir = mkdtempSync(join('/tmp', prefix));
  chmodSync(dir, 0o700);
  tmpDirs.add(dir);
  return dir;
}

/** A new HOTCTL_HOME under /tmp (short: the socket path must stay < 104 bytes). */
export function newHome() {
  const home = tempDir('hb-');
  if (join(home, 'daemon.sock').length >= 100) throw new Error(`HOTCTL_HOME too long for a unix socket: ${home}`);
  homes.add(home);
  return home;
}

export function daemonPid(home) {
  try {
    const pid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pids of a process's children (its workers, for a daemon), from /proc. */
export function childrenOf(pid) {
  const out = new Set();
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/)) if (c) out.add(Number(c));
    } catch {
      // thread gone
    }
  }
  return [...out];
}

/** SIGKILLs a daemon of `home` and its workers (the backstop; `stopHome` is the graceful way). */
function killHomeNow(home) {
  const pid = daemonPid(home);
  if (pid === null) return;
  const kids = childrenOf(pid);
  killPid(pid);
  for (const c of kids) killPid(c);
}

/** `hotctl kill` (graceful, bounded), then SIGKILL whatever of that daemon is left. */
export async function stopHome(home) {
  const pid = daemonPid(home);
  if (pid !== null && alive(pid)) {
    const kids = childrenOf(pid);
    await hotctl(home, ['kill'], { timeoutMs: 30_000, allowFail: true });
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    killPid(pid);
    for (const c of kids) killPid(c);
  }
  homes.delete(home);
  rmSync(home, { recursive: true, force: true });
  tmpDirs.delete(home);
}

function cleanupNow() {
  for (const home of homes) killHomeNow(home);
  for (const pid of pids) killPid(pid);
  pids.clear();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  tmpDirs.clear();
  homes.clear();
}

/** Graceful clean-up: every daemon stopped with `hotctl kill`, every other process SIGTERM then SIGKILL. */
export async function cleanup() {
  for (const home of [...homes]) await stopHome(home);
  for (const pid of pids) killPid(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while ([...pids].some(alive) && Date.now() < deadline) await sleep(50);
  cleanupNow();
}

process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanupNow();
    process.exit(130);
  });
}

/** Runs `main`, always cleaning up; exits 1 on error. A hard time bound kills everything. */
export async function runBench(main, { limitMs = 15 * 60_000 } = {}) {
  const bound = setTimeout(() => {
    console.error(`benchmark exceeded its time bound (${limitMs} ms): killing everything`);
    cleanupNow();
    process.exit(1);
  }, limitMs);
  bound.unref();
  try {
    await main();
  } catch (err) {
    console.error(err?.stack ?? String(err));
    process.exitCode = 1;
  } finally {
    await cleanup();
    clearTimeout(bound);
  }
}

// ---------------------------------------------------------------------------------------------
// CPU pinning (taskset). On a 2-core host shared by three busy processes (wrk and two workers),
// where the scheduler puts whom decides much of a run's throughput; pinning the load generator
// to one core and the server side to the other takes that variance out, equally for both sides.
// BENCH_PIN=0 turns it off.

export const PIN = process.env.BENCH_PIN !== '0' && existsSync('/usr/bin/taskset') && availableParallelism() >= 2;
/** [load generator cpus, server cpus] or [null, null] when not pinning. */
export const CPUS = PIN ? ['0', '1'] : [null, null];

function pinned(cpus, cmd, args) {
  return cpus === null ? [cmd, args] : ['/usr/bin/taskset', ['-c', cpus, cmd, ...args]];
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once the daemon of `home` (started by the bench itself, its output in home/daemon.log)
 * has made its socket; fails with that log after timeoutMs.
 */
export async function waitDaemonSocket(home, name, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(home, 'daemon.sock'))) {
    if (Date.now() > deadline) throw new Error(`${name}: the daemon did not listen: ${readFileSync(join(home, 'daemon.log'), 'utf8')}`);
    await sleep(50);
  }
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
export async function waitPort(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** One GET, resolving with the body (rejecting on error, non-2xx or after timeoutMs). */
export function httpGet(port, path = '/', timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error('timeout'))), timeoutMs);
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    s.on('data', (d) => (data += d));
    s.on('error', (e) => (clearTimeout(timer), reject(e)));
    s.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d+)/.exec(data);
      if (!m || m[1][0] !== '2') return reject(new Error(`bad response: ${data.slice(0, 80)}`));
      resolve(data.slice(data.indexOf('\r\n\r\n') + 4));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The real CLI

export function hotctlEnv(home, extra = {}) {
  return { ...process.env, HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0', NO_COLOR: '1', ...extra };
}

/**
 * Runs `bin/hotctl <args>` (the file itself, as a shell runs the command) against `home`; resolves { code, stdout, stderr, ms } (wall
 * time from spawn to exit). Rejects on a non-zero exit unless allowFail. Bounded by timeoutMs.
 */
export function hotctl(home, args, { env = {}, timeoutMs = 60_000, allowFail = false, cpus = null, bin = HOTCTL } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const [cmd, argv] = pinned(cpus, bin, args);
    const child = spawn(cmd, argv, { env: hotctlEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      untrack(child.pid);
      // The daemon the CLI started on demand: register it so that clean-up finds it.
      const dpid = daemonPid(home);
      if (dpid !== null) homes.add(home);
      const result = { code, signal, stdout, stderr, ms };
      if (code !== 0 && !allowFail) reject(new Error(`hotctl ${args.join(' ')} exited ${code ?? signal}:\n${stdout}\n${stderr}`));
      else resolve(result);
    });
  });
}

/**
 * Writes an ecosystem file into `home` and starts it with the real CLI. The first command starts
 * the daemon, so `cpus` (taskset) pins the daemon and, inherited, every worker it forks.
 */
export async function startApps(home, apps, { env = {}, file = 'eco.json', cpus = null, bin = HOTCTL } = {}) {
  const path = join(home, file);
  writeFileSync(path, JSON.stringify({ apps }, null, 2));
  await hotctl(home, ['start', path], { env, timeoutMs: 120_000, cpus, bin });
  return path;
}

export async function status(home, { bin = HOTCTL } = {}) {
  const r = await hotctl(home, ['status', '--json'], { bin });
  return JSON.parse(r.stdout);
}

/** Pids of the app's workers in the given states (default: all with a pid). */
export async function workerPids(home, app, states = null, { bin = HOTCTL } = {}) {
  const s = await status(home, { bin });
  const a = s.apps.find((x) => x.name === app);
  if (!a) throw new Error(`no app ${app}`);
  return a.workers.filter((w) => w.pid !== null && (states === null || states.includes(w.state))).map((w) => w.pid);
}

// ---------------------------------------------------------------------------------------------
// The bare node:cluster reference (bench/lib/bare-primary.cjs)

/**
 * Starts a bare cluster primary forking `script` `instances` times with env PORT=port; resolves
 * once every worker listens, with { child, pid, request(msg) } (request: send over IPC, resolve
 * with the answer of the same `type`).
 */
export async function startBare(script, instances, port, { env = {}, cpus = null } = {}) {
  const [cmd, argv] = pinned(cpus, process.execPath, [join(BENCH_LIB, 'bare-primary.cjs'), script, String(instances)]);
  // detached: its own session, as hotctl's daemon has. With Linux autogroup scheduling
  // (/proc/sys/kernel/sched_autogroup_enabled) each session shares the CPU as one group; measured
  // here, a primary left in this script's session got ~60 000 req/s while one in its own session,
  // loaded at the same moment on the same CPU, got under 100 (whether bare or hotctl), and two
  // primaries in sessions of their own split the CPU evenly. Like for like, then.
  const child = spawn(cmd, argv, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  track(child.pid);
  const waiters = [];
  child.on('message', (msg) => {
    const i = waiters.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
  });
  child.on('exit', (code, signal) => {
    untrack(child.pid);
    for (const w of waiters.splice(0)) w.reject(new Error(`bare primary exited ${code ?? signal}`));
  });
  const request = (msg, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bare primary: no answer to ${msg.type} in ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ type: msg.type, resolve: (m) => (clearTimeout(timer), resolve(m)), reject: (e) => (clearTimeout(timer), reject(e)) });
      if (msg.send !== false) child.send(msg);
    });
  await request({ type: 'started', send: false });
  return {
    child,
    pid: child.pid,
    request,
    workerPids: () => childrenOf(child.pid),
    stop: async () => {
      const kids = childrenOf(child.pid);
      child.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (alive(child.pid) && Date.now() < deadline) await sleep(50);
      killPid(child.pid);
      for (const k of kids) killPid(k);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// wrk

export function haveWrk() {
  return existsSync(WRK) && spawnSync(WRK, ['--version']).error === undefined;
}

/**
 * Runs wrk against 127.0.0.1:port with a Lua script that prints its summary as JSON
 * (bench/lib/wrk-summary.lua; with count: true, bench/lib/wrk-count.lua, which also counts every
 * response whose status is not 2xx). With `until` (a promise), wrk gets SIGINT once it settles
 * (wrk then stops and reports); `durationS` is the hard bound either way.
 */
export function wrk(port, { threads = 1, connections = 32, durationS = 5, count = false, until = null, timeoutS = 5, cpus = null } = {}) {
  return new Promise((resolve, reject) => {
    const script = join(BENCH_LIB, count ? 'wrk-count.lua' : 'wrk-summary.lua');
    const args = [`-t${threads}`, `-c${connections}`, `-d${durationS}s`, `--timeout`, `${timeoutS}s`, '-s', script, `http://127.0.0.1:${port}/`];
    const [cmd, argv] = pinned(cpus, WRK, args);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const hard = setTimeout(() => child.kill('SIGKILL'), (durationS + 30) * 1000);
    if (until) {
      Promise.resolve(until)
        .catch(() => {})
        .finally(() => child.kill('SIGINT'));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(hard);
      untrack(child.pid);
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk ${args.join(' ')} exited ${code ?? signal} without a summary:\n${out}\n${err}`));
      const r = JSON.parse(line.slice(8));
      r.rps = r.requests / (r.duration_us / 1e6);
      r.socket_errors = r.connect + r.read + r.write + r.timeout;
      r.text = out;
      resolve(r);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// /proc

const PAGE = 4096;
const HZ = 100; // USER_HZ on Linux

/** VmRSS in bytes, or 0 if the process is gone. */
export function rssBytes(pid) {
  try {
    // statm's second field: resident pages. Cheaper than parsing status.
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return 0;
  }
}

/** VmRSS from /proc/<pid>/status, in bytes (null if gone). */
export function vmRss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process, in ms (null if gone). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ;
  } catch {
    return null;
  }
}

/**
 * CPU time of a process in ns, summed over its threads from /proc/<pid>/task/<tid>/schedstat
 * (ns resolution, unlike utime/stime's 10 ms ticks). Threads that already exited are not counted
 * (Node's threads live as long as the process). Null if the process is gone.
 */
export function cpuNs(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tasks) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread gone
    }
  }
  return total;
}

/** Markdown table from a header row and rows. */
export function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Prints the result block: markdown for people, then one JSON line for machines. */
export function report(lines, json) {
  console.log([...lines, '', `<!-- json: ${JSON.stringify(json)} -->`, ''].join('\n'));
}

/**
 * Loads two sides one after the other, round by round, alternating which goes first (ABBA),
 * after a 1 s warm-up of each. Each side is { port, pids }: the server-side processes whose CPU
 * time (/proc schedstat) is charged to it. Resolves with one { a, b } per round, each a wrk
 * result with `cpuUsPerReq` added: CPU per request is much less sensitive than req/s to time
 * taken by other tenants of the machine.
 */
async function interleavedRounds([a, b], { rounds, durationS, connections = 32, cpus = null, names = ['a', 'b'] }) {
  const load = async (side, seconds = durationS) => {
    const c0 = side.pids.map(cpuNs);
    const r = await wrk(side.port, { threads: 1, connections, durationS: seconds, cpus });
    r.cpuUsPerReq = side.pids.reduce((n, p, i) => n + (cpuNs(p) - c0[i]), 0) / 1e3 / r.requests;
    return r;
  };
  await load(a, 1);
  await load(b, 1);
  const out = [];
  for (let i = 0; i < rounds; i++) {
    const aFirst = i % 2 === 0;
    const first = await load(aFirst ? a : b);
    const second = await load(aFirst ? b : a);
    const [ra, rb] = aFirst ? [first, second] : [second, first];
    out.push({ a: ra, b: rb });
    console.error(`round ${i + 1}/${rounds}: ${names[0]} ${fx(ra.rps, 0)} req/s, ${names[1]} ${fx(rb.rps, 0)} req/s, ratio ${fx(ra.rps / rb.rps, 3)}`);
  }
  return out;
}

/**
 * Loads every side at the same time (one wrk each, same settings), `rounds` times, and returns
 * per side and round the server-side CPU per request (µs; pids: the processes serving that
 * side) and req/s. Both sides share the machine's noise in every round, so the ratio of their
 * CPU per request is a steadier figure of their relative cost than req/s measured one after the
 * other. (Their req/s here are not comparable: two load generators share one core.)
 */
async function concurrentRuns(sides, { rounds, durationS, connections = 32, cpus = null }) {
  const out = sides.map(() => []);
  for (let i = 0; i < rounds; i++) {
    const c0 = sides.map((s) => s.pids.map(cpuNs));
    const results = await Promise.all(sides.map((s) => wrk(s.port, { threads: 1, connections, durationS, cpus })));
    sides.forEach((s, k) => {
      const cpu = s.pids.reduce((n, p, j) => n + (cpuNs(p) - c0[k][j]), 0);
      out[k].push({ cpuUsPerReq: cpu / 1e3 / results[k].requests, rps: results[k].rps, errors: results[k].socket_errors + results[k].status });
    });
  }
  return out;
}

/**
 * A throughput comparison of two sides on the same machine: `rounds` interleaved rounds (req/s
 * and CPU per request), then as many rounds with both loaded at once (CPU per request only).
 * Each side is { port, pids, concurrentPids? }: the processes charged to it, and optionally
 * others for the concurrent rounds. Resolves with per-round figures, the median req/s ratio
 * a / b, the error count, and the concurrent figures with their median CPU ratio.
 */
export async function compareSides(sides, { rounds, durationS, connections, cpus, names }) {
  const runs = await interleavedRounds(sides, { rounds, durationS, connections, cpus, names });
  const perRound = runs.map(({ a, b }) => ({
    a: a.rps,
    b: b.rps,
    ratio: a.rps / b.rps,
    aCpu: a.cpuUsPerReq,
    bCpu: b.cpuUsPerReq,
    cpuRatio: a.cpuUsPerReq / b.cpuUsPerReq,
    errors: a.socket_errors + b.socket_errors + a.status + b.status,
  }));
  const [conA, conB] = await concurrentRuns(
    sides.map((s) => ({ port: s.port, pids: s.concurrentPids ?? s.pids })),
    { rounds, durationS, connections, cpus },
  );
  const conRatios = conA.map((r, i) => r.cpuUsPerReq / conB[i].cpuUsPerReq);
  return {
    rounds: perRound,
    ratio: median(perRound.map((r) => r.ratio)),
    errors: perRound.reduce((n, r) => n + r.errors, 0),
    concurrent: { a: conA, b: conB, ratios: conRatios, ratio: median(conRatios) },
  };
}

/** "median (min–max)" of ratios, 3 digits. */
const ratioSpread = (values) => `${fx(median(values), 3)} (${fx(min(values), 3)}–${fx(max(values), 3)})`;

/**
 * The table rows of a compareSides result. `pair` names the ratio ("hotctl / bare"); `rps` the
 * two req/s rows; `cpu` and `concurrentCpu` what the CPU per request covers on each side.
 */
export function comparisonRows(c, { pair, rps: [rpsA, rpsB], target, cpu, concurrentCpu, rounds, seconds }) {
  const r = c.rounds;
  return [
    [rpsA, spread(r.map((x) => x.a), 0)],
    [rpsB, spread(r.map((x) => x.b), 0)],
    [`**ratio ${pair}, median of per-round ratios** (min–max)`, `**${fx(c.ratio, 3)}** (${fx(min(r.map((x) => x.ratio)), 3)}–${fx(max(r.map((x) => x.ratio)), 3)})`],
    ['target', `≥ ${target}: ${c.ratio >= target ? 'met' : '**not met**'}`],
    [`${cpu}, ${pair}`, `${spread(r.map((x) => x.aCpu), 2)} µs / ${spread(r.map((x) => x.bCpu), 2)} µs`],
    [`CPU per request ratio ${pair}, median of per-round ratios (min–max)`, ratioSpread(r.map((x) => x.cpuRatio))],
    [`both loaded at once (${rounds} rounds of ${seconds} s): ${concurrentCpu}, ${pair}`, `${spread(c.concurrent.a.map((x) => x.cpuUsPerReq), 2)} µs / ${spread(c.concurrent.b.map((x) => x.cpuUsPerReq), 2)} µs`],
    [
      `**both at once: CPU per request ratio ${pair}**, median of per-round ratios (min–max); 1/ratio ≈ the throughput ratio when CPU-bound`,
      `**${fx(c.concurrent.ratio, 3)}** (${fx(min(c.concurrent.ratios), 3)}–${fx(max(c.concurrent.ratios), 3)}) → ≈ ${fx(1 / c.concurrent.ratio, 3)}`,
    ],
  ];
}

/**
 * Runs `node <args>` with `env` (60 s bound); resolves with when it was spawned (`t0`, Date.now()),
 * its wall time spawn → exit (`ms`), its stdout (`out`) and stderr (`err`); rejects on a non-zero exit.
 */
export function timedNode(args, env) {
  return timedRun(process.execPath, args, env);
}

/**
 * The same for `command <args>`: `bin/hotctl` itself, as a shell runs it (its sh lines start Node
 * without NODE_EXTRA_CA_CERTS, bin/hotctl says why), not `node bin/hotctl`.
 */
export function timedRun(command, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const p0 = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - p0;
      clearTimeout(timer);
      untrack(child.pid);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${out}${err}`));
      else resolve({ t0, ms, out, err });
    });
  });
}
