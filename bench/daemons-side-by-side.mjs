// Benchmark: idle daemons of different builds (or node flags) side by side, in the same spell, so
// that the machine's load weighs on all alike (issue 13; bench/RESULTS.md, section 12).
//
//   node bench/daemons-side-by-side.mjs [idle seconds=60] '<variants JSON>'
//
// variants: {"name": {"root": "<checkout with a built dist/>", "flags": ["--node-flag", …],
// "entry": "<daemon entry relative to root>", "env": {…; null removes a variable}, "nodeArgs": [the app's node_args]}, …}; entry defaults to
// dist/src/daemon/main.js (dist/bundle/daemon.cjs: the bundled daemon, scripts/bundle.mjs; its
// workers run dist/bundle/worker.cjs unless env has HOTCTL_BUNDLE=0); default: this checkout. Each variant's daemon is started by hand (detached, as the CLI
// does, with its flags), given one app of 2 workers of test/fixtures/apps/http-app.cjs (metrics
// at 1 Hz, HTTP listener off) and asked `status` once; a bare node:cluster primary runs beside
// them. After 20 s of settling: CPU of every thread (schedstat) over the idle spell, then VmRSS,
// RssAnon and RssFile once, the mean VmRSS of each primary's workers, and each primary's resident
// memory by kind of mapping (node binary text / rodata, [heap], malloc arenas, thread stacks, V8
// and other anonymous: bench/lib/smaps.mjs) with its thread count; the workers' mean CPU (schedstat
// of every thread over the idle spell) and RssAnon.
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { byKind, KINDS, threads } from './lib/smaps.mjs';
import { cpuNs, FIXTURES, freePort, fx, header, hotctl, median, newHome, report, ROOT, runBench, sleep, startBare, table, track, waitPort, waitDaemonSocket } from './lib/common.mjs';

const IDLE_S = Number(process.argv[2] ?? 60);
const VARIANTS = process.argv[3] ? JSON.parse(process.argv[3]) : { this: { root: ROOT } };

function memory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** The mean VmRSS of a primary's child processes (its workers), MB. */
/** The mean VmRSS, RssAnon and RssFile of a primary's workers, MB. */
function workersMemory(pid) {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  const all = kids.map((kid) => memory(kid)).filter((m) => Number.isFinite(m.rss));
  const mean = (key) => (all.length ? all.reduce((a, m) => a + m[key], 0) / all.length : NaN);
  return { rss: mean('rss'), anon: mean('anon'), file: mean('file') };
}

/** The pids of a primary's workers. */
function workerPids(pid) {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
}

/** CPU of every thread of each worker (schedstat, ns) by pid. */
function workersCpuNs(pid) {
  return Object.fromEntries(workerPids(pid).map((kid) => [kid, cpuNs(kid)]));
}

/** The mean CPU of the workers present at both readings, ms per second. */
function workersCpuMsPerS(before, after, spanS) {
  const both = Object.keys(before).filter((kid) => after[kid] !== null && after[kid] !== undefined && before[kid] !== null);
  return both.length ? both.reduce((a, kid) => a + (after[kid] - before[kid]), 0) / both.length / 1e6 / spanS : NaN;
}

function workersRss(pid) {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  const rss = kids.map((kid) => memory(kid).rss).filter((mb) => Number.isFinite(mb));
  return rss.length ? rss.reduce((a, b) => a + b, 0) / rss.length : NaN;
}

/** `count` GETs to 127.0.0.1:`port`, 4 at a time on kept-alive connections, bounded by 120 s. */
async function serve(port, count) {
  const { Agent, get } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const deadline = Date.now() + 120_000;
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  await Promise.all([0, 1, 2, 3].map(async () => {
    while (next < count && Date.now() < deadline) {
      next++;
      await one();
    }
  }));
  agent.destroy();
}

/** With BENCH_NODE_ARGS=--trace-opt: the first "marking … for optimization" line of each variant's app logs. */
function firstOptimizations(homes) {
  if (!/--trace-opt/.test(process.env.BENCH_NODE_ARGS ?? '') && !Object.values(VARIANTS).some((v) => v.nodeArgs?.includes('--trace-opt'))) return [];
  const lines = ['', 'First TurboFan marking in each variant\'s workers (--trace-opt, the app\'s stdout log):', ''];
  for (const [name, home] of Object.entries(homes)) {
    let first = '(none)';
    try {
      const dir = join(home, 'logs');
      for (const file of readdirSync(dir).filter((f) => f.includes('out')).map((f) => join(dir, f))) {
        const hit = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('marking') && l.includes('TURBOFAN'));
        if (hit) first = first === '(none)' || hit < first ? hit.replace(/0x[0-9a-f]+ /g, '').slice(0, 220) : first;
      }
    } catch (err) {
      first = `(unreadable: ${err.message})`;
    }
    lines.push(`- ${name}: ${first}`);
  }
  return lines;
}

await runBench(async () => {
  const pids = {};
  const homes = {};
  const ports = {};
  for (const [name, { root, flags = [], entry = join('dist', 'src', 'daemon', 'main.js'), env = {} }] of Object.entries(VARIANTS)) {
    const home = newHome();
    const port = await freePort();
    const fd = openSync(join(home, 'daemon.log'), 'a');
    const child = spawn(process.execPath, [...flags, join(root, entry)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      // A variable given as null is removed (e.g. NODE_EXTRA_CA_CERTS, which hotctl's CLI does not
      // pass to the daemon it starts: src/cli/daemon-launcher.ts).
      env: Object.fromEntries(Object.entries({ ...process.env, HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0', ...env }).filter(([, value]) => value !== null)),
    });
    track(child.pid);
    child.unref();
    await waitDaemonSocket(home, name);
    const eco = join(home, 'eco.json');
    // BENCH_NODE_ARGS: node_args for the app's workers (e.g. --trace-opt: when V8 first optimizes, in the app's log).
    // A variant's own "nodeArgs" (an array) wins.
    const nodeArgs = VARIANTS[name].nodeArgs ? { node_args: VARIANTS[name].nodeArgs } : process.env.BENCH_NODE_ARGS ? { node_args: process.env.BENCH_NODE_ARGS.split(' ') } : {};
    writeFileSync(eco, JSON.stringify({ apps: [{ name: 'b', script: join(FIXTURES, 'http-app.cjs'), instances: 2, env: { PORT: String(port) }, ...nodeArgs }] }));
    homes[name] = home;
    ports[name] = port;
    await hotctl(home, ['start', eco], { timeoutMs: 120_000 });
    await waitPort(port);
    await hotctl(home, ['status']);
    pids[name] = child.pid;
  }
  ports['bare node:cluster'] = await freePort();
  const bare = await startBare(join(FIXTURES, 'http-app.cjs'), 2, ports['bare node:cluster']);
  pids['bare node:cluster'] = bare.pid;
  // BENCH_REQUESTS: that many requests to every primary's app first (keep-alive, 4 at a time),
  // then the idle spell: an app that served traffic (V8 has optimized its request path on both sides).
  const requests = Number(process.env.BENCH_REQUESTS ?? 0);
  if (requests > 0) {
    for (const [name, port] of Object.entries(ports)) {
      console.error(`${name}: ${requests} requests…`);
      await serve(port, requests);
    }
  }
  console.error('settling 20 s…');
  await sleep(20_000);
  console.error(`idle for ${IDLE_S} s…`);
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuNs(pid)]));
  const workerCpu0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, workersCpuNs(pid)]));
  const t0 = performance.now();
  // BENCH_EARLY_S: one more memory sample that many seconds into the idle spell (e.g. 10: 30 s
  // after start-up, before V8 optimises the idle daemon's steady work).
  const earlyS = Number(process.env.BENCH_EARLY_S ?? NaN);
  let early = null;
  if (earlyS > 0 && earlyS < IDLE_S) {
    await sleep(earlyS * 1000);
    early = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memory(pid)]));
  }
  // VmRSS every 5 s of the idle spell: an idle daemon's RSS saws by ~1.5 MB as its V8 new space
  // fills with the reports' garbage and is scavenged (bench/RESULTS.md, section 29), so one
  // sample is luck; the median and range of these are given too.
  // BENCH_SAMPLE_EVERY_S: the long-idle mode (issue 13, a worker's RSS after a long idle): the
  // workers' memory every that many seconds of the idle spell, against the bare workers'.
  const samples = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const everyS = Number(process.env.BENCH_SAMPLE_EVERY_S ?? NaN);
  const timeline = [];
  let nextTimelineS = everyS;
  while (performance.now() - t0 < IDLE_S * 1000 - 5000) {
    for (const [name, pid] of Object.entries(pids)) samples[name].push(memory(pid).rss);
    if (everyS > 0 && performance.now() - t0 >= nextTimelineS * 1000) {
      nextTimelineS += everyS;
      const sample = { atS: Math.round((performance.now() - t0) / 1000) + 20, ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, workersMemory(pid)])) };
      timeline.push(sample);
      console.error(`${sample.atS} s: ${Object.keys(pids).map((name) => `${name} ${fx(sample[name].rss, 2)} (file ${fx(sample[name].file, 2)})`).join(', ')}`);
    }
    await sleep(5000);
  }
  await sleep(Math.max(0, IDLE_S * 1000 - (performance.now() - t0)));
  const spanS = (performance.now() - t0) / 1000;
  const rows = Object.entries(pids).map(([name, pid]) => ({ name, cpuMsPerS: (cpuNs(pid) - cpu0[name]) / 1e6 / spanS, workerCpuMsPerS: workersCpuMsPerS(workerCpu0[name], workersCpuNs(pid), spanS), workerAnon: workersMemory(pid).anon, ...memory(pid), workerRss: workersRss(pid), early: early?.[name] ?? null, rssSamples: samples[name], kinds: byKind(pid), threads: threads(pid).length }));
  await bare.stop();
  const bareRss = rows.at(-1).rss;
  const bareWorkerRss = rows.at(-1).workerRss;
  report(
    [
      ...header(`Idle daemons side by side: ${Object.keys(VARIANTS).join(', ')} (one app of 2 workers each, 1 Hz metrics, HTTP off)`),
      `CPU: schedstat of every thread over the same ${fx(spanS)} s after 20 s of settling; memory: /proc/<pid>/status once after it. Load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      '',
      ...table(
        ['primary', 'CPU ms/s (% of a core)', ...(early ? [`VmRSS / RssAnon / RssFile MB after ${earlyS + 20} s`, '/ bare'] : []), 'VmRSS MB', '/ bare', 'RssAnon MB', 'RssFile MB', 'worker VmRSS MB (mean of 2)', '− bare worker', 'worker RssAnon − bare', 'worker CPU ms/s (mean)', 'flags, build'],
        rows.map((r) => [r.name, `${fx(r.cpuMsPerS, 3)} (${fx(r.cpuMsPerS / 10, 3)} %)`, ...(early ? [`${fx(r.early.rss)} / ${fx(r.early.anon)} / ${fx(r.early.file)}`, fx(r.early.rss / rows.at(-1).early.rss, 2)] : []), fx(r.rss), fx(r.rss / bareRss, 2), fx(r.anon), fx(r.file), fx(r.workerRss), fx(r.workerRss - bareWorkerRss, 2), fx(r.workerAnon - rows.at(-1).workerAnon, 2), fx(r.workerCpuMsPerS, 3), VARIANTS[r.name] ? `${(VARIANTS[r.name].flags ?? []).join(' ') || '—'}, ${VARIANTS[r.name].root}${VARIANTS[r.name].entry ? `/${VARIANTS[r.name].entry}` : ''}` : '']),
      ),
      '',
      `VmRSS sampled every 5 s of the idle spell (${rows[0].rssSamples.length} samples each), median (min–max) MB, and the median over the bare primary's:`,
      '',
      ...table(['primary', 'VmRSS MB', '/ bare'], rows.map((r) => [r.name, `${fx(median(r.rssSamples), 2)} (${fx(Math.min(...r.rssSamples), 2)}–${fx(Math.max(...r.rssSamples), 2)})`, fx(median(r.rssSamples) / median(rows.at(-1).rssSamples), 3)])),
      '',
      'Resident memory by kind of mapping (bench/lib/smaps.mjs, /proc/<pid>/smaps), MB, and threads (/proc/<pid>/task):',
      '',
      ...table(
        ['primary', ...KINDS, 'threads'],
        rows.map((r) => [r.name, ...KINDS.map((k) => `${fx(r.kinds[k] / 1024, 2)}${r === rows.at(-1) ? '' : ` (${r.kinds[k] >= rows.at(-1).kinds[k] ? '+' : ''}${fx((r.kinds[k] - rows.at(-1).kinds[k]) / 1024, 2)})`}`), String(r.threads)]),
      ),
      '',
      'In brackets: the difference with the bare primary, sampled at the same moment.',
      ...(timeline.length
        ? [
            '',
            `Workers over the idle spell (BENCH_SAMPLE_EVERY_S=${everyS}): mean VmRSS of each primary's 2 workers, MB, and − the bare workers' (RssAnon − bare's, RssFile − bare's in brackets); time since the apps started:`,
            '',
            ...table(
              ['since start', ...Object.keys(pids).slice(0, -1).map((name) => `${name} − bare`), 'bare worker VmRSS'],
              timeline.map((t) => [`${fx(t.atS / 60, 1)} min`, ...Object.keys(pids).slice(0, -1).map((name) => `${fx(t[name].rss - t['bare node:cluster'].rss, 2)} (${fx(t[name].anon - t['bare node:cluster'].anon, 2)}, ${fx(t[name].file - t['bare node:cluster'].file, 2)})`), fx(t['bare node:cluster'].rss, 2)]),
            ),
          ]
        : []),
      ...firstOptimizations(homes),
    ],
    { bench: 'daemons-side-by-side', variants: VARIANTS, rows, timeline },
  );
}, { limitMs: (IDLE_S + 600) * 1000 });
