// Benchmark: the idle daemon's CPU and memory against a bare node:cluster primary, and where
// they go (issue 13).
//
//   node bench/daemon-idle.mjs [idle seconds=60] [rss samples=9] [settle seconds=20]
//
// The settle spell before the measure lets the start-up's garbage go: V8's memory reducer runs
// two or three full collections some 8 s after the allocation of the start stops (~70 ms in all,
// seen with --trace-gc), a one-off that is not the idle cost.
// Three primaries run side by side, each with one 2-worker app of test/fixtures/apps/http-app.cjs,
// metrics at 1 Hz (the default), HTTP listener off (HOTCTL_HTTP_PORT=0, as the other benchmarks):
// - A: a hotctl daemon as the CLI starts it — the figures: CPU time (schedstat, all threads)
//   over the idle spell, VmRSS sampled once a second after it, worker VmRSS;
// - bare: bench/lib/bare-primary.cjs, its own session — the reference, same moments;
// - B: a second daemon started with --cpu-prof (100 µs sampling) and bench/lib/mem-probe.cjs —
//   not counted in the figures (profiling costs CPU): its profile, cut to the same idle spell,
//   says where idle CPU goes; its memory probe says where memory goes (V8 heap, external,
//   modules loaded).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busySamples } from './lib/cpuprofile.mjs';
import { argInt, BENCH_LIB, childrenOf, cpuNs, daemonPid, FIXTURES, freePort, fx, header, mb, median, newHome, report, ROOT, runBench, sleep, spread, startApps, startBare, table, tempDir, track, vmRss, waitPort } from './lib/common.mjs';

const IDLE_S = argInt(2, 60);
const SAMPLES = argInt(3, 9);
const SETTLE_S = argInt(4, 20);
const APP = join(FIXTURES, 'http-app.cjs');

function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** Starts a daemon by hand (as the CLI does, detached) with extra node flags; resolves with its pid. */
async function startProfiledDaemon(home, dir) {
  const log = join(home, 'daemon.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', '--require', join(BENCH_LIB, 'mem-probe.cjs'), join(ROOT, 'dist', 'src', 'daemon', 'main.js')], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0', MEM_PROBE_OUT: join(dir, 'mem') },
  });
  track(child.pid);
  child.unref();
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(home, 'daemon.sock'))) {
    if (Date.now() > deadline) throw new Error(`profiled daemon did not listen: ${readFileSync(log, 'utf8')}`);
    await sleep(50);
  }
  return child.pid;
}

/** Self time per function (ours or a library's frame it ran under) within [fromUs, toUs] of a .cpuprofile. */
function profileBreakdown(file, fromUs, toUs) {
  const { byId, parent, samples, busyUs } = busySamples(file, fromUs, toUs);
  const label = (id) => {
    const self = byId.get(id).callFrame;
    let cur = id;
    while (cur !== undefined) {
      const f = byId.get(cur).callFrame;
      if (f.url.includes('/dist/src/') || f.url.includes('node_modules')) {
        const where = `${f.url.replace(/.*\/(dist\/src|node_modules)\//, '')} ${f.functionName || '(anonymous)'}`;
        return cur === id ? where : `${where} → ${self.functionName || self.url.split('/').at(-1) || '(native)'}`;
      }
      cur = parent.get(cur);
    }
    return `${self.functionName || '(anonymous)'} ${self.url.replace(/^node:/, 'node:')}`.trim();
  };
  const by = new Map();
  for (const { id, dtUs } of samples) {
    const k = label(id);
    by.set(k, (by.get(k) ?? 0) + dtUs);
  }
  return { busyUs, top: [...by].sort((a, b) => b[1] - a[1]) };
}

await runBench(async () => {
  const homeA = newHome();
  const homeB = newHome();
  const profDir = tempDir('hp-');
  const [pa, pb, pbare] = [await freePort(), await freePort(), await freePort()];
  await startApps(homeA, [{ name: 'b', script: APP, instances: 2, env: { PORT: String(pa) } }]);
  const profiledPid = await startProfiledDaemon(homeB, profDir);
  await startApps(homeB, [{ name: 'b', script: APP, instances: 2, env: { PORT: String(pb) } }]);
  const bare = await startBare(APP, 2, pbare);
  await Promise.all([waitPort(pa), waitPort(pb), waitPort(pbare)]);
  const dpid = daemonPid(homeA);
  const wpids = childrenOf(dpid);
  const bareWorkers = bare.workerPids();

  console.error(`settling ${SETTLE_S} s…`);
  await sleep(SETTLE_S * 1000);
  console.error(`idle for ${IDLE_S} s…`);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const cpu0 = { daemon: cpuNs(dpid), bare: cpuNs(bare.pid), workers: wpids.map(cpuNs), bareWorkers: bareWorkers.map(cpuNs) };
  await sleep(IDLE_S * 1000);
  const cpu1 = { daemon: cpuNs(dpid), bare: cpuNs(bare.pid), workers: wpids.map(cpuNs), bareWorkers: bareWorkers.map(cpuNs) };
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const spanS = (toUs - fromUs) / 1e6;
  const cpuPct = (a, b) => ((b - a) / 1e9 / spanS) * 100;

  const daemonMem = [];
  const bareMem = [];
  const workerRss = [];
  const bareWorkerRss = [];
  for (let i = 0; i < SAMPLES; i++) {
    daemonMem.push(procStatus(dpid));
    bareMem.push(procStatus(bare.pid));
    workerRss.push(...wpids.map(vmRss));
    bareWorkerRss.push(...bareWorkers.map(vmRss));
    if (i < SAMPLES - 1) await sleep(1000);
  }
  process.kill(profiledPid, 'SIGUSR2');
  await sleep(1000);
  const probe = JSON.parse(readFileSync(join(profDir, `mem.${profiledPid}.json`), 'utf8'));
  await bare.stop();
  // The profile is written when the profiled daemon exits.
  const { stopHome } = await import('./lib/common.mjs');
  await stopHome(homeB);
  const profFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${profiledPid}.`));
  const prof = profFile ? profileBreakdown(join(profDir, profFile), fromUs, toUs) : null;
  // BENCH_PROFILE_OUT=dir keeps the profile (open it in Chrome DevTools, Performance tab).
  if (profFile && process.env.BENCH_PROFILE_OUT) copyFileSync(join(profDir, profFile), join(process.env.BENCH_PROFILE_OUT, `daemon-idle-${fromUs}-${toUs}.cpuprofile`));

  const med = (list, key) => median(list.map((m) => m[key]));
  const daemonCpu = cpuPct(cpu0.daemon, cpu1.daemon);
  const bareCpu = cpuPct(cpu0.bare, cpu1.bare);
  const workerCpu = wpids.map((_, i) => cpuPct(cpu0.workers[i], cpu1.workers[i]));
  const bareWorkerCpu = bareWorkers.map((_, i) => cpuPct(cpu0.bareWorkers[i], cpu1.bareWorkers[i]));
  const mu = probe.memoryUsage;
  const libs = [...new Set(probe.modules.filter((m) => m.includes('node_modules')).map((m) => m.split('node_modules/')[1].split('/')[0]))];
  report(
    [
      ...header(`Idle daemon: CPU and memory against a bare node:cluster primary, ${IDLE_S} s idle (one app, 2 workers of http-app.cjs, 1 Hz metrics)`),
      `CPU: schedstat of every thread over the same ${fx(spanS, 1)} s idle spell, after ${SETTLE_S} s of settling. RSS: ${SAMPLES} samples 1 s apart after it. Load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      '',
      ...table(
        ['measure', 'hotctl', 'bare node:cluster', 'ratio'],
        [
          ['**primary CPU, % of a core** (target ≤ 0.1)', `**${fx(daemonCpu, 3)}** (${fx((daemonCpu * 10), 2)} ms/s)`, `${fx(bareCpu, 3)}`, ''],
          ['one worker CPU, % of a core', workerCpu.map((c) => fx(c, 3)).join(', '), bareWorkerCpu.map((c) => fx(c, 3)).join(', '), ''],
          ['**primary VmRSS, MB** (target ≤ 1.1×)', `**${fx(med(daemonMem, 'rss') / 1048576)}**`, fx(med(bareMem, 'rss') / 1048576), `**${fx(med(daemonMem, 'rss') / med(bareMem, 'rss'), 2)}**`],
          ['… RssAnon (heap, malloc), MB', fx(med(daemonMem, 'anon') / 1048576), fx(med(bareMem, 'anon') / 1048576), ''],
          ['… RssFile (the node binary\'s pages in use), MB', fx(med(daemonMem, 'file') / 1048576), fx(med(bareMem, 'file') / 1048576), ''],
          ['**worker VmRSS, MB** (target ≤ bare + 2)', `**${spread(workerRss.map((b) => b / 1048576))}**`, spread(bareWorkerRss.map((b) => b / 1048576)), `+${fx((median(workerRss) - median(bareWorkerRss)) / 1048576)} MB`],
        ],
      ),
      '',
      `Where the profiled daemon's memory is (process.memoryUsage): rss ${mb(mu.rss)} MB, V8 heap ${mb(mu.heapUsed)} of ${mb(mu.heapTotal)} MB (${probe.heapSpaces.map((s) => `${s.name.replace('_space', '')} ${mb(s.physical)}`).filter((s) => !s.endsWith(' 0.0')).join(', ')}), external ${mb(mu.external)} MB (array buffers ${mb(mu.arrayBuffers)}); npm packages loaded: ${libs.join(', ') || 'none'}.`,
      '',
      prof
        ? `Where the profiled daemon's idle CPU goes (--cpu-prof, 100 µs sampling, same spell): ${fx(prof.busyUs / 1000)} ms busy in ${fx(spanS)} s (${fx(prof.busyUs / 1000 / spanS, 2)} ms/s, profiler overhead included); the top entries (self time, under the first hotctl or library frame):`
        : 'No CPU profile was written.',
      '',
      ...(prof ? table(['ms', 'ms/s', 'where'], prof.top.slice(0, 15).map(([k, us]) => [fx(us / 1000, 2), fx(us / 1000 / spanS, 3), `\`${k}\``])) : []),
    ],
    { bench: 'daemon-idle', daemonCpu, bareCpu, workerCpu, bareWorkerCpu, daemonMem, bareMem, workerRss, bareWorkerRss, probe: { memoryUsage: mu, heapSpaces: probe.heapSpaces, modules: probe.modules.length }, profileTop: prof?.top.slice(0, 30) },
  );
});
