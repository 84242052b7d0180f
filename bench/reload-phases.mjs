// Issue 11 item 3: where a reload's time goes, per worker and in the primary, hotctl against a
// bare node:cluster surge reload (bench/lib/bare-primary.cjs) in the same rounds.
//
//   node bench/reload-phases.mjs [rounds=9] [workers=2]
//
// Every primary and worker runs with bench/lib/reload-probe.cjs preloaded (NODE_OPTIONS=-r, on
// both sides alike) and the app is bench/lib/stamped-slow-start.cjs (slow-start.cjs with stamps:
// its first line, listen() 300 ms later, 'listening'). Per reload the probe's stamps give, per new
// worker: fork() → process start → Node's boot done → the app's first line → listen() →
// 'listening' → the primary knows it (bare: node:cluster's 'listening' message; hotctl: the
// runtime's 'ready'); and for hotctl the request's arrival, the first fork, the operation's
// 'succeeded' event written to the CLI, and the fsyncs/renames the daemon did meanwhile.
// BENCH_BASELINE=<checkout with a built dist/> adds that checkout's daemon to the same rounds.
// As in reload-park, each reload is followed by a rollback within the window (BENCH_NO_ROLLBACK=1:
// consecutive reloads instead, each draining the generation the one before parked).
// The probe costs each process a little: compare sides, not these figures with reload-park's.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { argInt, BENCH_LIB, fx, header, HOTCTL, hotctl, median, newHome, report, runBench, sleep, startApps, startBare, table, tempDir, waitPort, freePort } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const WORKERS = argInt(3, 2);
const START_MS = 300;
const APP = join(BENCH_LIB, 'stamped-slow-start.cjs');
const PROBE = join(BENCH_LIB, 'reload-probe.cjs');
const BASELINE = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'bin', 'hotctl') : null;

/** The probe's lines written since `from` (a byte offset); returns them and the new offset. */
function readProbe(path, from) {
  if (!existsSync(path)) return { stamps: [], offset: from };
  const buf = readFileSync(path);
  const stamps = buf.subarray(from).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { stamps, offset: buf.length };
}

/** One reload's phases from its stamps; `hotctl`: the daemon's side (else bare's). */
function phases(stamps, isHotctl) {
  const forks = stamps.filter((s) => s.role === 'primary' && s.what === 'fork');
  const of = (pid, what, pred = () => true) => stamps.find((s) => s.pid === pid && s.what === what && pred(s));
  const workers = forks.map((f) => {
    const pid = f.worker;
    const known = isHotctl
      ? stamps.find((s) => s.role === 'primary' && s.what === 'recv' && s.worker === pid && s.msg.startsWith('ready'))
      : stamps.find((s) => s.role === 'primary' && s.what === 'recv' && s.worker === pid && s.msg === 'NODE_CLUSTER:listening');
    const w = {
      fork: f.t,
      forkCallMs: f.ms,
      start: of(pid, 'process-start')?.t,
      preload: of(pid, 'preload')?.t,
      first: of(pid, 'app-first-line')?.t,
      listen: of(pid, 'app-listen')?.t,
      listening: of(pid, 'app-listening')?.t,
      readySent: isHotctl ? of(pid, 'send', (s) => s.msg.startsWith('ready'))?.t : of(pid, 'send', (s) => s.msg === 'NODE_CLUSTER:listening')?.t,
      known: known?.t,
      cpuFirst: of(pid, 'app-first-line')?.cpu,
      cpuListening: of(pid, 'app-listening')?.cpu,
    };
    return w;
  });
  const firstFork = Math.min(...forks.map((f) => f.t));
  const lastKnown = Math.max(...workers.map((w) => w.known));
  const out = { workers, firstFork, lastKnown };
  if (isHotctl) {
    const inBefore = stamps.filter((s) => s.what === 'control-in' && s.t <= firstFork);
    out.requestIn = inBefore.at(-1)?.t;
    const succeeded = stamps.find((s) => s.what === 'control-out' && s.state === 'succeeded');
    out.succeeded = succeeded?.t;
    out.daemonCpu = succeeded && inBefore.length > 0 ? succeeded.cpu - inBefore.at(-1).cpu : undefined;
    out.fsync = stamps.filter((s) => s.what === 'fsyncSync' && s.t >= (out.requestIn ?? firstFork) && s.t <= (out.succeeded ?? lastKnown));
    out.rename = stamps.filter((s) => s.what === 'renameSync' && s.t >= (out.requestIn ?? firstFork) && s.t <= (out.succeeded ?? lastKnown));
  }
  return out;
}

await runBench(async () => {
  const probeDir = tempDir('rph-');
  const sides = [{ name: 'this', bin: HOTCTL }, ...(BASELINE ? [{ name: 'baseline', bin: BASELINE }] : [])];
  for (const side of sides) {
    side.home = newHome();
    side.port = await freePort();
    side.out = join(probeDir, `${side.name}.jsonl`);
    side.offset = 0;
    side.samples = [];
    writeFileSync(side.out, '');
    const env = { NODE_OPTIONS: `-r ${PROBE}`, RELOAD_PROBE_OUT: side.out };
    await startApps(side.home, [{ name: 'api', script: APP, instances: WORKERS, env: { PORT: String(side.port), START_DELAY_MS: String(START_MS) } }], { bin: side.bin, env });
  }
  const bare = { name: 'bare', out: join(probeDir, 'bare.jsonl'), offset: 0, samples: [] };
  writeFileSync(bare.out, '');
  const barePort = await freePort();
  const bareProc = await startBare(APP, WORKERS, barePort, { env: { START_DELAY_MS: String(START_MS), NODE_OPTIONS: `-r ${PROBE}`, RELOAD_PROBE_OUT: bare.out } });
  await Promise.all([...sides.map((side) => waitPort(side.port)), waitPort(barePort)]);
  const load0 = loadavg();
  const reloadSide = async (side, warm = false) => {
    side.offset = readProbe(side.out, side.offset).offset;
    if (side === bare) {
      const b = await bareProc.request({ type: 'reload', mode: 'surge' });
      if (b.error) throw new Error(b.error);
    } else {
      const r = await hotctl(side.home, ['reload', 'api', '--json'], { bin: side.bin });
      const op = JSON.parse(r.stdout.trim().split('\n').at(-1));
      if (op.state !== 'succeeded') throw new Error(`reload: ${op.state}`);
      side.lastOp = op.duration_ms;
    }
    await sleep(1500);
    const { stamps, offset } = readProbe(side.out, side.offset);
    side.offset = offset;
    // As bench/reload-park.mjs does: a rollback within the window after each reload (so the next
    // reload finds no parked generation); BENCH_NO_ROLLBACK=1: consecutive reloads, each ending
    // the window of the one before.
    if (side !== bare && process.env.BENCH_NO_ROLLBACK !== '1') {
      await hotctl(side.home, ['rollback', 'api', '--json'], { bin: side.bin });
      await sleep(1500);
    }
    if (!warm) side.samples.push({ ...phases(stamps, side !== bare), op: side.lastOp });
    // BENCH_TIMELINE=1: every stamp of the reload, relative to the first fork, on stderr.
    if (!warm && process.env.BENCH_TIMELINE === '1') {
      const t0 = side.samples.at(-1).firstFork;
      console.error(`--- ${side.name}`);
      for (const s of stamps.filter((x) => x.t >= t0 - 100).sort((a, b) => a.t - b.t)) console.error(`${fx(s.t - t0, 1).padStart(8)} ${s.role.padEnd(7)} ${s.pid} ${s.what} ${s.msg ?? s.state ?? ''}${s.ms !== undefined ? ` (${fx(s.ms, 2)} ms)` : ''}`);
    }
  };
  // Warm-up, not counted.
  for (const side of [...sides, bare]) await reloadSide(side, true);
  const all = [...sides, bare];
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < all.length; k++) await reloadSide(all[(k + i) % all.length]);
    console.error(`round ${i + 1}/${ROUNDS}`);
  }
  await bareProc.stop();
  const load1 = loadavg();

  const perWorker = (side, f) => fx(median(side.samples.flatMap((s) => s.workers.map(f)).filter(Number.isFinite)), 1);
  const perReload = (side, f) => fx(median(side.samples.map(f).filter(Number.isFinite)), 1);
  const cols = [...sides, bare];
  const rows = [
    ['per worker: `cluster.fork()` call (synchronous, in the primary)', ...cols.map((s) => perWorker(s, (w) => w.forkCallMs))],
    ['per worker: fork() → process start (timeOrigin)', ...cols.map((s) => perWorker(s, (w) => w.start - w.fork))],
    ['per worker: process start → preloaded probe (Node\'s boot)', ...cols.map((s) => perWorker(s, (w) => w.preload - w.start))],
    ['per worker: probe → the app\'s first line (the runtime\'s start)', ...cols.map((s) => perWorker(s, (w) => w.first - w.preload))],
    ['per worker: the app\'s first line → its listen() (300 ms timer)', ...cols.map((s) => perWorker(s, (w) => w.listen - w.first))],
    ['per worker: listen() → \'listening\' (in the app)', ...cols.map((s) => perWorker(s, (w) => w.listening - w.listen))],
    ['per worker: \'listening\' → ready/listening message sent', ...cols.map((s) => perWorker(s, (w) => w.readySent - w.listening))],
    ['per worker: message sent → received by the primary', ...cols.map((s) => perWorker(s, (w) => w.known - w.readySent))],
    ['per worker: CPU time at the app\'s first line (process start → there)', ...cols.map((s) => perWorker(s, (w) => w.cpuFirst))],
    ['per worker: CPU time at the app\'s \'listening\'', ...cols.map((s) => perWorker(s, (w) => w.cpuListening))],
    ['per worker: fork() → the primary knows it ready (bare: listening)', ...cols.map((s) => perWorker(s, (w) => w.known - w.fork))],
    ['per reload: first fork → last worker known ready (bare: listening)', ...cols.map((s) => perReload(s, (r) => r.lastKnown - r.firstFork))],
    ['per reload: request in → first fork', ...sides.map((s) => perReload(s, (r) => r.firstFork - r.requestIn)), '—'],
    ['per reload: last ready → \'succeeded\' written to the CLI', ...sides.map((s) => perReload(s, (r) => r.succeeded - r.lastKnown)), '—'],
    ['per reload: request in → \'succeeded\' written', ...sides.map((s) => perReload(s, (r) => r.succeeded - r.requestIn)), '—'],
    ['per reload: the daemon\'s CPU time, request in → \'succeeded\' written', ...sides.map((s) => perReload(s, (r) => r.daemonCpu)), '—'],
    ['per reload: the operation\'s duration_ms', ...sides.map((s) => perReload(s, (r) => r.op)), '—'],
    ['per reload: fsyncSync calls in that span / their ms', ...sides.map((s) => `${perReload(s, (r) => r.fsync.length)} / ${perReload(s, (r) => r.fsync.reduce((a, f) => a + f.ms, 0))}`), '—'],
    ['per reload: renameSync calls in that span', ...sides.map((s) => perReload(s, (r) => r.rename.length)), '—'],
  ];
  report(
    [
      ...header(`Where a reload's time goes (${WORKERS} workers, app starting in ${START_MS} ms, probe preloaded everywhere)`),
      `${ROUNDS} rounds, order rotating; medians in ms (per worker: over all workers of all rounds). Load average at the start ${load0.map((l) => fx(l, 2)).join(' / ')}, at the end ${load1.map((l) => fx(l, 2)).join(' / ')}.`,
      '',
      ...table(['phase', ...cols.map((s) => (s.name === 'baseline' ? `baseline (${process.env.BENCH_BASELINE})` : s.name))], rows),
    ],
    { bench: 'reload-phases', rounds: ROUNDS, workers: WORKERS, samples: Object.fromEntries(cols.map((s) => [s.name, s.samples])), loadavg: { start: load0, end: load1 } },
  );
});
