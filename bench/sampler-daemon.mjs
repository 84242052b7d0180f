// Benchmark 8: the daemon's CPU and RSS with 40 workers (4 apps × 10 workers of test/fixtures/
// apps/http-app.cjs), metrics sampled at 1 Hz (the default) vs the same set-up with sampling off
// (HOTCTL_METRICS_INTERVAL_MS=0 in the daemon's env). Both daemons run side by side, idle, and
// are read over the same windows: CPU time from /proc/<pid>/task/*/schedstat (every thread, ns),
// VmRSS at each window's end. Everything else is the same in both (the workers' own 1 s reports
// reach both daemons), so the difference is the sampler's cost.
//
//   node bench/sampler-daemon.mjs [windows=9] [window seconds=5] [apps=4] [workers per app=10]
import { join } from 'node:path';
import { argInt, cpuNs, daemonPid, FIXTURES, fx, header, median, newHome, report, runBench, sleep, spread, startApps, status, table, vmRss, waitPort, freePort } from './lib/common.mjs';

const WINDOWS = argInt(2, 9);
const WINDOW_S = argInt(3, 5);
const APPS = argInt(4, 4);
const PER_APP = argInt(5, 10);
const WORKERS = APPS * PER_APP;
const APP = join(FIXTURES, 'http-app.cjs');

async function setUp(env) {
  const home = newHome();
  const apps = [];
  for (let i = 0; i < APPS; i++) apps.push({ name: `a${i}`, script: APP, instances: PER_APP, listen_timeout: 60_000, env: { PORT: String(await freePort()) } });
  await startApps(home, apps, { env });
  await Promise.all(apps.map((a) => waitPort(Number(a.env.PORT))));
  return { home, pid: daemonPid(home) };
}

await runBench(async () => {
  const on = await setUp({});
  const off = await setUp({ HOTCTL_METRICS_INTERVAL_MS: '0' });
  await sleep(5000); // let start-up settle; the first ticks run

  const cpu = { on: [], off: [] };
  const rss = { on: [], off: [] };
  for (let i = 0; i < WINDOWS; i++) {
    const [a0, b0] = [cpuNs(on.pid), cpuNs(off.pid)];
    await sleep(WINDOW_S * 1000);
    const [a1, b1] = [cpuNs(on.pid), cpuNs(off.pid)];
    cpu.on.push((a1 - a0) / 1e6);
    cpu.off.push((b1 - b0) / 1e6);
    rss.on.push(vmRss(on.pid));
    rss.off.push(vmRss(off.pid));
    console.error(`window ${i + 1}/${WINDOWS}: on ${fx(cpu.on.at(-1), 1)} ms, off ${fx(cpu.off.at(-1), 1)} ms CPU; RSS on ${fx(rss.on.at(-1) / 1048576)} MB, off ${fx(rss.off.at(-1) / 1048576)} MB`);
  }
  // The switch does what it says: sampled figures in status with sampling on, none with it off.
  const withMetrics = async (home) => (await status(home)).apps.flatMap((a) => a.workers).filter((w) => w.metrics !== null).length;
  const sampled = { on: await withMetrics(on.home), off: await withMetrics(off.home) };

  const diff = cpu.on.map((v, i) => v - cpu.off[i]);
  const perTickMs = median(diff) / WINDOW_S; // 1 tick per second
  const pct = (ms) => fx((ms / (WINDOW_S * 1000)) * 100, 3);
  const rssDiff = rss.on.map((v, i) => v - rss.off[i]);
  report(
    [
      ...header(`8. Daemon CPU and RSS with ${WORKERS} workers (${APPS} apps × ${PER_APP}), sampling at 1 Hz vs off`),
      `${WINDOWS} windows of ${WINDOW_S} s, both daemons idle side by side. Not pinned.`,
      '',
      ...table(
        ['measure', 'sampling on (1 Hz)', 'sampling off (HOTCTL_METRICS_INTERVAL_MS=0)'],
        [
          [`daemon CPU per ${WINDOW_S} s, median (min–max)`, `${spread(cpu.on, 1)} ms (${pct(median(cpu.on))} % of a core)`, `${spread(cpu.off, 1)} ms (${pct(median(cpu.off))} % of a core)`],
          ['daemon VmRSS, median (min–max)', `${spread(rss.on.map((b) => b / 1048576))} MB`, `${spread(rss.off.map((b) => b / 1048576))} MB`],
          ['workers with sampled metrics in `hotctl status`', `${sampled.on} of ${WORKERS}`, `${sampled.off} of ${WORKERS}`],
        ],
      ),
      '',
      ...table(
        ['the sampler\'s cost (on − off, median of per-window differences)', 'value'],
        [
          ['CPU per second', `**${fx(perTickMs, 2)} ms** (${fx(perTickMs / 10, 3)} % of a core)`],
          ['CPU per worker per tick', `**${fx((perTickMs * 1000) / WORKERS, 1)} µs**`],
          ['RSS', `${fx(median(rssDiff) / 1048576)} MB`],
        ],
      ),
    ],
    { bench: 'sampler-daemon', workers: WORKERS, cpu, rss, sampled, perTickMs },
  );
}, { limitMs: 10 * 60_000 });
