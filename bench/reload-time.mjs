// Benchmark 3: reload wall time of an app that takes 300 ms to start (test/fixtures/apps/
// slow-start.cjs: listens 300 ms after it is loaded), with 2 and 4 workers, and hotctl's own
// overhead on top of that start time, against a bare node:cluster primary that forks the same
// number of workers of the same app (fork → every new worker 'listening'), interleaved round by
// round (the order alternates), no load.
//
//   node bench/reload-time.mjs [rounds=9]
//
// For hotctl, per reload:
// - wall: `hotctl reload <app>` from spawn to exit, what an operator waits (includes the CLI's
//   own start-up, ~0.3 s, and the app's min_uptime hold);
// - ready: from the operation's start to "N new workers ready" (its own step timings, --json);
//   the like of the bare primary's fork → all listening.
// Two app variants: default min_uptime (1000 ms: a new worker must stay up that long before
// the old ones drain) and min_uptime 0, which shows the mechanics without the deliberate hold.
import { join } from 'node:path';
import { argInt, FIXTURES, fx, header, hotctl, median, newHome, report, runBench, sleep, spread, startApps, startBare, table, waitPort, freePort } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);
const START_MS = 300;
const APP = join(FIXTURES, 'slow-start.cjs');

/** `hotctl reload name --json`: CLI wall, and from the final operation: duration and time to ready. */
async function hotReload(home, name) {
  const r = await hotctl(home, ['reload', name, '--json'], { timeoutMs: 60_000 });
  const op = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (op.state !== 'succeeded') throw new Error(`reload ${name}: ${op.state}`);
  const readyStep = op.steps.find((s) => /new workers? ready/.test(s.message));
  if (!readyStep) throw new Error(`reload ${name}: no "ready" step in ${JSON.stringify(op.steps)}`);
  return { wall: r.ms, op: op.duration_ms, ready: readyStep.elapsed_ms };
}

await runBench(async () => {
  const home = newHome();
  const sizes = [2, 4];
  const apps = [];
  const ports = {};
  for (const n of sizes) {
    for (const hold of ['default', 'zero']) {
      const name = `s${n}${hold === 'zero' ? 'z' : ''}`;
      ports[name] = await freePort();
      apps.push({ name, script: APP, instances: n, ...(hold === 'zero' ? { min_uptime: 0 } : {}), env: { PORT: String(ports[name]), START_DELAY_MS: String(START_MS) } });
    }
  }
  await startApps(home, apps);
  const bare = {};
  for (const n of sizes) {
    const port = await freePort();
    bare[n] = await startBare(APP, n, port, { env: { START_DELAY_MS: String(START_MS) } });
    await waitPort(port);
  }
  await Promise.all(Object.values(ports).map((p) => waitPort(p)));

  // One warm-up reload of each (page cache, JIT of the daemon's paths), not counted.
  for (const a of apps) await hotReload(home, a.name);
  for (const n of sizes) await bare[n].request({ type: 'reload', mode: 'surge' });

  const samples = {};
  const push = (k, v) => (samples[k] ??= []).push(v);
  for (let i = 0; i < ROUNDS; i++) {
    for (const n of sizes) {
      const steps = [
        async () => {
          const h = await hotReload(home, `s${n}`);
          push(`hot${n}.wall`, h.wall);
          push(`hot${n}.op`, h.op);
          push(`hot${n}.ready`, h.ready);
        },
        async () => {
          const h = await hotReload(home, `s${n}z`);
          push(`hot${n}z.wall`, h.wall);
          push(`hot${n}z.op`, h.op);
          push(`hot${n}z.ready`, h.ready);
        },
        async () => {
          const b = await bare[n].request({ type: 'reload', mode: 'surge' });
          if (b.error) throw new Error(b.error);
          push(`bare${n}.listening`, b.forkToListeningMs);
          push(`bare${n}.total`, b.totalMs);
        },
      ];
      for (const step of i % 2 ? steps.reverse() : steps) {
        await step();
        await sleep(200);
      }
    }
    console.error(`round ${i + 1}/${ROUNDS}: ${sizes.map((n) => `${n} workers: hotctl ready ${fx(samples[`hot${n}.ready`].at(-1), 0)} ms, bare ${fx(samples[`bare${n}.listening`].at(-1), 0)} ms`).join('; ')}`);
  }
  for (const n of sizes) await bare[n].stop();

  const m = (k) => median(samples[k]);
  const rows = [];
  for (const n of sizes) {
    const overhead = samples[`hot${n}.ready`].map((v, i) => v - samples[`bare${n}.listening`][i]);
    const ratio = samples[`hot${n}.ready`].map((v, i) => v / samples[`bare${n}.listening`][i]);
    rows.push(
      [`${n}`, '`hotctl reload` wall (CLI spawn → exit), default min_uptime 1000', spread(samples[`hot${n}.wall`], 0), fx(m(`hot${n}.wall`) - START_MS, 0)],
      [`${n}`, '`hotctl reload` wall, min_uptime 0', spread(samples[`hot${n}z.wall`], 0), fx(m(`hot${n}z.wall`) - START_MS, 0)],
      [`${n}`, 'hotctl operation (daemon side), min_uptime 0', spread(samples[`hot${n}z.op`], 0), fx(m(`hot${n}z.op`) - START_MS, 0)],
      [`${n}`, 'hotctl: operation start → all new workers ready', spread(samples[`hot${n}.ready`], 0), fx(m(`hot${n}.ready`) - START_MS, 0)],
      [`${n}`, 'bare node:cluster: fork → all new workers listening', spread(samples[`bare${n}.listening`], 0), fx(m(`bare${n}.listening`) - START_MS, 0)],
      [`${n}`, 'bare node:cluster: whole naive surge reload (old ones exited)', spread(samples[`bare${n}.total`], 0), fx(m(`bare${n}.total`) - START_MS, 0)],
      [`${n}`, '**hotctl ready − bare listening, per round** (ratio)', `**${fx(median(overhead), 0)}** (${fx(min(overhead), 0)}–${fx(max(overhead), 0)}); ratio ${fx(median(ratio), 3)}`, ''],
    );
  }
  report(
    [
      ...header(`3. Reload wall time, app starting in ${START_MS} ms (test/fixtures/apps/slow-start.cjs), 2 and 4 workers`),
      `${ROUNDS} rounds; in each, per worker count, a hotctl reload (default min_uptime), a hotctl reload (min_uptime 0) and a bare node:cluster surge reload, order alternating. No load. Not pinned. All times in ms, median (min–max).`,
      '',
      ...table(['workers', 'measure', 'ms', `− ${START_MS} ms start`], rows),
    ],
    { bench: 'reload-time', rounds: ROUNDS, samples },
  );
});

function min(a) {
  return Math.min(...a);
}
function max(a) {
  return Math.max(...a);
}
