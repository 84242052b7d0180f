// Benchmark: where an idle daemon's CPU goes, for several builds in the same spell (issue 13;
// bench/RESULTS.md, section 29).
//
//   env -u NODE_EXTRA_CA_CERTS node bench/idle-profile.mjs [idle seconds=60] '{"name": {"root": "<checkout>"}, …}'
//
// Each side's bundled daemon (dist/bundle/daemon.cjs, as the CLI starts it) runs with
// `--cpu-prof --cpu-prof-interval=<BENCH_PROF_INTERVAL_US, 100>` and one app of 2 workers of
// test/fixtures/apps/http-app.cjs (1 Hz metrics, HTTP off), is asked `status` once, settles 20 s,
// idles, and is stopped with `hotctl kill` (the profile is written at exit). Reported per side:
// the daemon's CPU over the spell (schedstat, profiler included), the profile's busy time in the
// same spell, and the top functions by self time (function, file:line), plus the top functions by
// inclusive time among those under a timer or a message (what a tick or a report costs).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busySamples } from './lib/cpuprofile.mjs';
import { cpuNs, FIXTURES, freePort, fx, header, hotctl, newHome, report, ROOT, runBench, sleep, stopHome, table, tempDir, track, waitPort, waitDaemonSocket } from './lib/common.mjs';

const IDLE_S = Number(process.argv[2] ?? 60);
const SIDES = process.argv[3] ? JSON.parse(process.argv[3]) : { this: { root: ROOT } };
const INTERVAL_US = Number(process.env.BENCH_PROF_INTERVAL_US ?? 100);
const TOP = Number(process.env.BENCH_PROF_TOP ?? 14);

/** Self and inclusive time per function within [fromUs, toUs] of a .cpuprofile. */
function breakdown(file, fromUs, toUs) {
  const { byId, parent, samples, busyUs } = busySamples(file, fromUs, toUs);
  const name = (id) => {
    const f = byId.get(id).callFrame;
    const where = f.url ? `${f.url.split("/").at(-1)}:${f.lineNumber + 1}:${f.columnNumber + 1}` : "";
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const total = new Map();
  for (const { id, dtUs: dt } of samples) {
    self.set(name(id), (self.get(name(id)) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(cur);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyUs, self: sorted(self), total: sorted(total).filter(([k]) => !k.startsWith('(root)')) };
}

await runBench(async () => {
  const sides = [];
  for (const [name, { root, entry = join('dist', 'bundle', 'daemon.cjs'), flags = [] }] of Object.entries(SIDES)) {
    const home = newHome();
    const dir = tempDir('ip-');
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const fd = openSync(join(home, 'daemon.log'), 'a');
    const env = { ...process.env, HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0' };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${INTERVAL_US}`, ...flags, join(root, entry)], { detached: true, stdio: ['ignore', fd, fd], env });
    track(child.pid);
    child.unref();
    await waitDaemonSocket(home, name);
    const eco = join(home, 'eco.json');
    writeFileSync(eco, JSON.stringify({ apps: [{ name: 'b', script: join(FIXTURES, 'http-app.cjs'), instances: 2, env: { PORT: String(port) } }] }));
    await hotctl(home, ['start', eco], { timeoutMs: 120_000 });
    await waitPort(port);
    await hotctl(home, ['status']);
    sides.push({ name, home, dir, pid: child.pid });
  }
  console.error('settling 20 s…');
  await sleep(20_000);
  console.error(`idle for ${IDLE_S} s…`);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  for (const s of sides) s.cpu0 = cpuNs(s.pid);
  await sleep(IDLE_S * 1000);
  for (const s of sides) s.cpu1 = cpuNs(s.pid);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const spanS = (toUs - fromUs) / 1e6;
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  for (const s of sides) {
    await stopHome(s.home);
    const file = readdirSync(s.dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${s.pid}.`));
    s.prof = file ? breakdown(join(s.dir, file), fromUs, toUs) : null;
    if (file && process.env.BENCH_PROFILE_OUT) writeFileSync(join(process.env.BENCH_PROFILE_OUT, `idle-${s.name}.cpuprofile`), readFileSync(join(s.dir, file)));
  }
  const lines = [...header(`Idle daemons profiled side by side: ${sides.map((s) => s.name).join(', ')} (one app of 2 workers each, 1 Hz metrics, HTTP off, NODE_EXTRA_CA_CERTS unset)`), `Spell ${fx(spanS)} s after 20 s of settling; --cpu-prof-interval=${INTERVAL_US} µs; load average at the end: ${load}.`, ''];
  lines.push(...table(['daemon', 'CPU ms/s (schedstat, profiler included)', 'profile busy ms/s'], sides.map((s) => [s.name, fx((s.cpu1 - s.cpu0) / 1e6 / spanS, 3), s.prof ? fx(s.prof.busyUs / 1000 / spanS, 3) : '—'])));
  for (const s of sides) {
    if (!s.prof) continue;
    lines.push('', `${s.name}: self time, ms/s`, '', ...table(['ms/s', 'function'], s.prof.self.slice(0, TOP).map(([k, us]) => [fx(us / 1000 / spanS, 3), `\`${k}\``])));
    lines.push('', `${s.name}: inclusive time, ms/s`, '', ...table(['ms/s', 'function'], s.prof.total.slice(0, TOP + 10).map(([k, us]) => [fx(us / 1000 / spanS, 3), `\`${k}\``])));
  }
  report(lines, { bench: 'idle-profile', sides: sides.map((s) => ({ name: s.name, cpuMsPerS: (s.cpu1 - s.cpu0) / 1e6 / spanS, busyUs: s.prof?.busyUs, self: s.prof?.self.slice(0, 40), total: s.prof?.total.slice(0, 60) })) });
});
