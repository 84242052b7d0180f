// Benchmark: the CLI's everyday path against Node's own start-up (issue 13).
//
//   node bench/cli-startup.mjs [rounds=15] [workers of the big app=64] [reload rounds=9]
//
// Round by round (the order rotates each round), each command spawned from here and timed from
// spawn to exit: `node -e ""`, `hotctl --version`, `hotctl status` and `hotctl status --json`
// against a daemon with one 2-worker app, and `hotctl status` against a daemon with one app of
// N workers. Ratios are taken within each round, then the median of those. hotctl runs as a shell
// runs it: bin/hotctl itself, whose sh lines start Node without NODE_EXTRA_CA_CERTS (bin/hotctl
// says why); when the variable is set, `node -e ""` is timed both with it (as a user's `node`
// starts) and without it (as hotctl's own Node starts), and both ratios are given.
// Then `hotctl reload <app> --json` of a 300 ms app (test/fixtures/apps/slow-start.cjs, 2
// workers, min_uptime 0): the CLI's cost is its wall time minus the operation's own duration
// (duration_ms of the final operation, measured by the daemon). Beside them, the floor of any Node
// CLI asking the daemon its status (bench/lib/status-floor.cjs: connect, one write, print, exit).
// BENCH_BASELINE=<checkout with a built dist/>: that checkout's `hotctl status`, against its own
// daemon with the same app, in the same rounds.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argInt, timedNode as timed, timedRun, FIXTURES, freePort, fx, header, HOTCTL, hotctl, hotctlEnv, median, newHome, report, runBench, spread, startApps, table, waitPort } from './lib/common.mjs';

const ROUNDS = argInt(2, 15);
const BASELINE = process.env.BENCH_BASELINE ? join(process.env.BENCH_BASELINE, 'bin', 'hotctl') : null;
const BIG = argInt(3, 64);
const RELOADS = argInt(4, 9);

const ratioRow = (name, a, b) => {
  const r = a.map((v, i) => v / b[i]);
  return [name, `**${fx(median(r), 2)}** (${fx(Math.min(...r), 2)}–${fx(Math.max(...r), 2)})`];
};

await runBench(async () => {
  const small = newHome();
  const big = newHome();
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  await startApps(small, [
    { name: 'web', script: join(FIXTURES, 'http-app.cjs'), instances: 2, env: { PORT: String(p1) } },
    { name: 'slow', script: join(FIXTURES, 'slow-start.cjs'), instances: 2, min_uptime: 0, env: { PORT: String(p3) } },
  ]);
  console.error(`starting ${BIG} workers…`);
  await startApps(big, [{ name: 'big', script: join(FIXTURES, 'http-app.cjs'), instances: BIG, listen_timeout: 180_000, env: { PORT: String(p2) } }]);
  const base = BASELINE ? newHome() : null;
  const p4 = await freePort();
  if (base) await startApps(base, [{ name: 'web', script: join(FIXTURES, 'http-app.cjs'), instances: 2, env: { PORT: String(p4) } }], { bin: BASELINE });
  await Promise.all([waitPort(p1), waitPort(p2), waitPort(p3), ...(base ? [waitPort(p4)] : [])]);
  const bigStatus = JSON.parse((await hotctl(big, ['status', '--json'])).stdout);
  const bigReady = bigStatus.apps[0].workers.filter((w) => w.state === 'ready').length;
  if (bigReady !== BIG) throw new Error(`${bigReady} of ${BIG} workers ready`);

  const envSmall = hotctlEnv(small);
  const envBig = hotctlEnv(big);
  const { NODE_EXTRA_CA_CERTS: caFile, ...envNoCa } = envSmall;
  const kinds = {
    node: () => timed(['-e', ''], envSmall),
    ...(caFile === undefined ? {} : { nodeNoCa: () => timed(['-e', ''], envNoCa) }),
    floor: () => timed([fileURLToPath(new URL('./lib/status-floor.cjs', import.meta.url))], envNoCa),
    version: () => timedRun(HOTCTL, ['--version'], envSmall),
    status: () => timedRun(HOTCTL, ['status'], envSmall),
    statusJson: () => timedRun(HOTCTL, ['status', '--json'], envSmall),
    statusBig: () => timedRun(HOTCTL, ['status'], envBig),
    ...(base ? { baseStatus: () => timedRun(BASELINE, ['status'], hotctlEnv(base)) } : {}),
  };
  const order = Object.keys(kinds);
  for (const k of order) await kinds[k](); // warm the page cache
  const times = Object.fromEntries(order.map((k) => [k, []]));
  for (let i = 0; i < ROUNDS; i++) {
    const o = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
    for (const k of o) times[k].push((await kinds[k]()).ms);
  }

  const reloads = [];
  for (let i = 0; i < RELOADS; i++) {
    const r = await hotctl(small, ['reload', 'slow', '--json'], { timeoutMs: 60_000 });
    const op = JSON.parse(r.stdout.trim().split('\n').at(-1));
    if (op.state !== 'succeeded') throw new Error(`reload: ${op.state}`);
    reloads.push({ wall: r.ms, op: op.duration_ms, cli: r.ms - op.duration_ms });
  }

  report(
    [
      ...header(`CLI start-up: \`hotctl status\` and \`--version\` against \`node -e ""\`, status of 2 vs ${BIG} workers, reload overhead`),
      `${ROUNDS} rounds of each command, interleaved (order rotated each round), spawned from a Node script and timed spawn → exit. Load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      '',
      ...table(
        ['measure', 'value'],
        [
          [`\`node -e ""\` wall, median (min–max); NODE_EXTRA_CA_CERTS ${caFile === undefined ? 'not set' : 'set, as in this shell'}`, `${spread(times.node)} ms`],
          ...(caFile === undefined ? [] : [['`node -e ""` wall without NODE_EXTRA_CA_CERTS (as bin/hotctl starts Node)', `${spread(times.nodeNoCa)} ms`]]),
          ['`hotctl --version` wall', `${spread(times.version)} ms`],
          ['`hotctl status` wall (1 app, 2 workers)', `${spread(times.status)} ms`],
          ['`hotctl status --json` wall (1 app, 2 workers)', `${spread(times.statusJson)} ms`],
          [`\`hotctl status\` wall (1 app, ${BIG} workers)`, `${spread(times.statusBig)} ms`],
          ratioRow('**`hotctl status` / `node -e ""`** (target ≤ 1.5), median of per-round ratios', times.status, times.node),
          ratioRow('`hotctl status --json` / `node -e ""`', times.statusJson, times.node),
          ratioRow('the floor (bench/lib/status-floor.cjs: a Node script that connects, writes the upgrade, hello and status at once, prints the answer) / `node -e ""`', times.floor, times.node),
          ratioRow('**`hotctl --version` / `node -e ""`** (target ≤ 1.3)', times.version, times.node),
          ...(caFile === undefined
            ? []
            : [
                ratioRow('`hotctl status` / `node -e ""` without NODE_EXTRA_CA_CERTS', times.status, times.nodeNoCa),
                ratioRow('`hotctl status --json` / `node -e ""` without NODE_EXTRA_CA_CERTS', times.statusJson, times.nodeNoCa),
                ratioRow('the floor / `node -e ""` without NODE_EXTRA_CA_CERTS', times.floor, times.nodeNoCa),
                ratioRow('`hotctl --version` / `node -e ""` without NODE_EXTRA_CA_CERTS', times.version, times.nodeNoCa),
              ]),
          ...(base
            ? [
                [`baseline (${process.env.BENCH_BASELINE}): \`hotctl status\` wall against its own daemon (1 app, 2 workers)`, `${spread(times.baseStatus)} ms`],
                ratioRow('baseline: `hotctl status` / `node -e ""`' + (caFile === undefined ? '' : ' without NODE_EXTRA_CA_CERTS'), times.baseStatus, caFile === undefined ? times.node : times.nodeNoCa),
                ratioRow('`hotctl status` / baseline `hotctl status`', times.status, times.baseStatus),
              ]
            : []),
          ratioRow(`**\`hotctl status\` ${BIG} workers / 2 workers** (target ≤ 1.2)`, times.statusBig, times.status),
          [`\`hotctl reload slow --json\` (300 ms app, 2 workers, min_uptime 0), ${RELOADS} reloads: wall`, `${spread(reloads.map((r) => r.wall))} ms`],
          ['… the daemon\'s operation (duration_ms)', `${spread(reloads.map((r) => r.op))} ms`],
          ['**… the CLI\'s cost: wall − operation** (target ≤ 100 ms)', `**${spread(reloads.map((r) => r.cli))} ms**`],
        ],
      ),
    ],
    { bench: 'cli-startup', times, reloads },
  );
});
