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
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { argInt, FIXTURES, fx, header, hotctl, median, newHome, report, runBench, sleep, spread, startApps, startBare, table, waitPort, freePort, workerPids } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const WORKERS = argInt(3, 2);
const START_MS = 300;
const APP = join(FIXTURES, 'slow-start.cjs');

/** Runs `hotctl <args> --json`; resolves with the CLI wall time and the final operation. */
async function timed(home, args) {
  const r = await hotctl(home, [...args, '--json'], { timeoutMs: 60_000 });
  const op = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (op.state !== 'succeeded') throw new Error(`${args.join(' ')}: ${op.state}`);
  return { wall: r.ms, op: op.duration_ms, steps: op.steps };
}

await runBench(async () => {
  const home = newHome();
  const port = await freePort();
  await startApps(home, [{ name: 'api', script: APP, instances: WORKERS, env: { PORT: String(port), START_DELAY_MS: String(START_MS) } }]);
  const barePort = await freePort();
  const bare = await startBare(APP, WORKERS, barePort, { env: { START_DELAY_MS: String(START_MS) } });
  await Promise.all([waitPort(port), waitPort(barePort)]);
  const load0 = loadavg();

  // Warm-up, not counted: one reload + rollback, one bare reload.
  await timed(home, ['reload', 'api']);
  await timed(home, ['rollback', 'api']);
  await bare.request({ type: 'reload', mode: 'surge' });

  const samples = { reload: [], rollback: [], bareTotal: [], bareListening: [], samePids: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const steps = [
      async () => {
        const before = (await workerPids(home, 'api', ['ready'])).sort().join(',');
        samples.reload.push((await timed(home, ['reload', 'api'])).wall);
        await sleep(200);
        samples.rollback.push((await timed(home, ['rollback', 'api'])).wall);
        samples.samePids.push((await workerPids(home, 'api', ['ready'])).sort().join(',') === before);
      },
      async () => {
        const b = await bare.request({ type: 'reload', mode: 'surge' });
        if (b.error) throw new Error(b.error);
        samples.bareTotal.push(b.totalMs);
        samples.bareListening.push(b.forkToListeningMs);
      },
    ];
    for (const step of i % 2 ? steps.reverse() : steps) {
      await step();
      // Let the drained generation exit before the next step.
      await sleep(1500);
    }
    console.error(`round ${i + 1}/${ROUNDS}: hotctl reload ${fx(samples.reload.at(-1), 0)} ms, rollback ${fx(samples.rollback.at(-1), 0)} ms, bare surge ${fx(samples.bareTotal.at(-1), 0)} ms`);
  }
  await bare.stop();
  const load1 = loadavg();

  const ratios = samples.reload.map((v, i) => v / samples.bareTotal[i]);
  const ratio = median(samples.reload) / median(samples.bareTotal);
  const rollbackMs = median(samples.rollback);
  const rows = [
    ['`hotctl reload api` wall (CLI spawn → exit; the old generation parked)', spread(samples.reload, 0)],
    ['`hotctl rollback api` within the window, wall (CLI spawn → exit)', spread(samples.rollback, 0)],
    ['bare node:cluster naive surge reload (fork, all listening, old exited)', spread(samples.bareTotal, 0)],
    ['bare node:cluster: fork → all new workers listening', spread(samples.bareListening, 0)],
    ['**reload ratio** hotctl / bare (of medians; per-round median)', `**${fx(ratio, 2)}** (${fx(median(ratios), 2)}) — target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'not met'}`],
    ['**rollback**, median', `**${fx(rollbackMs / 1000, 3)} s** — target ≤ 0.25 s: ${rollbackMs <= 250 ? 'met' : 'not met'}`],
    ['rollbacks that brought back the same pids', `${samples.samePids.filter(Boolean).length} of ${samples.samePids.length}`],
  ];
  report(
    [
      ...header(`Reload with the old generation parked, and rollback within the window (${WORKERS} workers, app starting in ${START_MS} ms)`),
      `${ROUNDS} rounds, order alternating; no load, not pinned. Load average (1/5/15 min) at the start ${load0.map((l) => fx(l, 2)).join(' / ')}, at the end ${load1.map((l) => fx(l, 2)).join(' / ')}. Times in ms, median (min–max).`,
      '',
      ...table(['measure', 'ms'], rows),
    ],
    { bench: 'reload-park', rounds: ROUNDS, workers: WORKERS, samples, loadavg: { start: load0, end: load1 } },
  );
});
