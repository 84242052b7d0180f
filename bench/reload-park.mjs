// Issue 11 item 3: reload wall time now that a reload parks the old generation instead of
// holding reload_hold, and `hotctl rollback` within the rollback window — against the naive
// node:cluster surge reload measured in the same run (bench/lib/bare-primary.cjs: fork every
// new worker, wait until all listen, disconnect the old ones, resolve once they exited).
//
//   node bench/reload-park.mjs [rounds=9] [workers=2]
//
// App: test/fixtures/apps/slow-start.cjs (listens 300 ms after it is loaded), default spec
// (rollback_window 30 s, reload_hold 1000 ms: unused where it parks). Per round, order
// alternating: a hotctl reload (CLI spawn → exit: what an operator waits for), a hotctl rollback
// within the window (CLI spawn → exit; the parked workers serve again), and a bare surge reload.
// Targets (issue 11): reload ≤ 1.2× the naive reload; rollback ≤ 0.25 s. No load, not pinned.
// Also per round: `node -e ""` (the floor of any CLI: a reload from the command line cannot take
// less than Node's start-up + the bare reload). BENCH_BASELINE=<checkout with a built dist/> runs
// that checkout's CLI and daemon beside this one's in the same rounds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { argInt, FIXTURES, fx, header, HOTCTL, hotctl, median, newHome, report, runBench, sleep, spread, startApps, startBare, table, waitPort, freePort, workerPids } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const WORKERS = argInt(3, 2);
const START_MS = 300;
const APP = join(FIXTURES, 'slow-start.cjs');

/** Runs `hotctl <args> --json` (this checkout's CLI, or `bin`'s); resolves with the CLI wall time and the final operation. */
async function timed(home, args, bin = HOTCTL) {
  const r = await hotctl(home, [...args, '--json'], { timeoutMs: 60_000, bin });
  const op = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (op.state !== 'succeeded') throw new Error(`${args.join(' ')}: ${op.state}`);
  return { wall: r.ms, op: op.duration_ms, steps: op.steps };
}

/**
 * `node -e ""`, spawn to exit: Node's own start-up, what any CLI pays before its first line; with
 * `noCa`, without NODE_EXTRA_CA_CERTS, as bin/hotctl starts Node (bin/hotctl says why).
 */
function nodeFloor(noCa = false) {
  const { NODE_EXTRA_CA_CERTS: _ca, ...envNoCa } = process.env;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore', env: noCa ? envNoCa : process.env });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

// BENCH_BASELINE=<checkout with a built dist/>: that checkout's CLI and daemon run the same app
// beside this one's (own home, own port), in the same rounds: before/after within one run.
const BASELINE = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'bin', 'hotctl') : null;

await runBench(async () => {
  const sides = [{ name: 'this', bin: HOTCTL }, ...(BASELINE ? [{ name: 'baseline', bin: BASELINE }] : [])];
  for (const side of sides) {
    side.home = newHome();
    side.port = await freePort();
    await startApps(side.home, [{ name: 'api', script: APP, instances: WORKERS, env: { PORT: String(side.port), START_DELAY_MS: String(START_MS) } }], { bin: side.bin });
  }
  const barePort = await freePort();
  const bare = await startBare(APP, WORKERS, barePort, { env: { START_DELAY_MS: String(START_MS) } });
  await Promise.all([...sides.map((side) => waitPort(side.port)), waitPort(barePort)]);
  const load0 = loadavg();

  // Warm-up, not counted: one reload + rollback per side, one bare reload.
  for (const side of sides) {
    await timed(side.home, ['reload', 'api'], side.bin);
    await timed(side.home, ['rollback', 'api'], side.bin);
  }
  await bare.request({ type: 'reload', mode: 'surge' });

  const per = () => ({ reload: [], reloadOp: [], rollback: [], samePids: [] });
  const caSet = process.env.NODE_EXTRA_CA_CERTS !== undefined;
  const samples = { ...per(), bareTotal: [], bareListening: [], node: [], nodeNoCa: [], baseline: BASELINE ? per() : null };
  for (let i = 0; i < ROUNDS; i++) {
    const steps = [
      ...sides.map((side) => async () => {
        const into = side.name === 'this' ? samples : samples.baseline;
        const before = (await workerPids(side.home, 'api', ['ready'], { bin: side.bin })).sort().join(',');
        const r = await timed(side.home, ['reload', 'api'], side.bin);
        into.reload.push(r.wall);
        into.reloadOp.push(r.op);
        await sleep(200);
        into.rollback.push((await timed(side.home, ['rollback', 'api'], side.bin)).wall);
        into.samePids.push((await workerPids(side.home, 'api', ['ready'], { bin: side.bin })).sort().join(',') === before);
      }),
      async () => {
        const b = await bare.request({ type: 'reload', mode: 'surge' });
        if (b.error) throw new Error(b.error);
        samples.bareTotal.push(b.totalMs);
        samples.bareListening.push(b.forkToListeningMs);
        samples.node.push(await nodeFloor());
        if (caSet) samples.nodeNoCa.push(await nodeFloor(true));
      },
    ];
    // Each step first in turn, so that none always follows the same other.
    const order = steps.map((_, k) => steps[(k + i) % steps.length]);
    for (const step of order) {
      await step();
      // Let the drained generation exit before the next step.
      await sleep(1500);
    }
    console.error(`round ${i + 1}/${ROUNDS}: hotctl reload ${fx(samples.reload.at(-1), 0)} ms (operation ${samples.reloadOp.at(-1)}), rollback ${fx(samples.rollback.at(-1), 0)} ms${BASELINE ? `; baseline reload ${fx(samples.baseline.reload.at(-1), 0)} ms, rollback ${fx(samples.baseline.rollback.at(-1), 0)} ms` : ''}; bare surge ${fx(samples.bareTotal.at(-1), 0)} ms; node -e "" ${fx(samples.node.at(-1), 0)} ms`);
  }
  await bare.stop();
  const load1 = loadavg();

  const ratioRows = (name, s) => {
    const ratio = median(s.reload) / median(samples.bareTotal);
    const ratios = s.reload.map((v, i) => v / samples.bareTotal[i]);
    const rollbackMs = median(s.rollback);
    return [
      [`${name}: \`hotctl reload api\` wall (CLI spawn → exit; the old generation parked)`, spread(s.reload, 0)],
      [`${name}: … of which the daemon's operation (\`duration_ms\`)`, spread(s.reloadOp, 0)],
      [`${name}: \`hotctl rollback api\` within the window, wall (CLI spawn → exit)`, spread(s.rollback, 0)],
      [`${name}: **reload ratio** hotctl / bare (of medians; per-round median)`, `**${fx(ratio, 2)}** (${fx(median(ratios), 2)}) — target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'not met'}`],
      [`${name}: **rollback**, median`, `**${fx(rollbackMs / 1000, 3)} s** — target ≤ 0.25 s: ${rollbackMs <= 250 ? 'met' : 'not met'}`],
      [`${name}: rollbacks that brought back the same pids`, `${s.samePids.filter(Boolean).length} of ${s.samePids.length}`],
    ];
  };
  const floor = samples.node.map((n, i) => n + samples.bareTotal[i]);
  const rows = [
    ...ratioRows(BASELINE ? 'this' : 'hotctl', samples),
    ...(BASELINE ? ratioRows(`baseline (${process.env.BENCH_BASELINE})`, samples.baseline) : []),
    ['bare node:cluster naive surge reload (fork, all listening, old exited)', spread(samples.bareTotal, 0)],
    ['bare node:cluster: fork → all new workers listening', spread(samples.bareListening, 0)],
    [`\`node -e ""\` wall (spawn → exit), same rounds; NODE_EXTRA_CA_CERTS ${caSet ? 'set, as in this shell (the workers of both sides have it)' : 'not set'}`, spread(samples.node, 0)],
    ['the floor of a CLI reload: `node -e ""` + bare reload, per round; floor / bare', `${spread(floor, 0)}; ${fx(median(floor) / median(samples.bareTotal), 2)}`],
    ...(caSet
      ? [
          ['`node -e ""` without NODE_EXTRA_CA_CERTS (as bin/hotctl starts Node), same rounds', spread(samples.nodeNoCa, 0)],
          ['… the floor with it: + bare reload, per round; floor / bare', (() => { const f = samples.nodeNoCa.map((n, i) => n + samples.bareTotal[i]); return `${spread(f, 0)}; ${fx(median(f) / median(samples.bareTotal), 2)}`; })()],
        ]
      : []),
  ];
  report(
    [
      ...header(`Reload with the old generation parked, and rollback within the window (${WORKERS} workers, app starting in ${START_MS} ms)`),
      `${ROUNDS} rounds, order rotating${BASELINE ? ' (this checkout, the baseline, bare)' : ''}; no load, not pinned. Load average (1/5/15 min) at the start ${load0.map((l) => fx(l, 2)).join(' / ')}, at the end ${load1.map((l) => fx(l, 2)).join(' / ')}. Times in ms, median (min–max).`,
      '',
      ...table(['measure', 'ms'], rows),
    ],
    { bench: 'reload-park', rounds: ROUNDS, workers: WORKERS, samples, loadavg: { start: load0, end: load1 } },
  );
});
