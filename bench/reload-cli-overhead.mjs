// Benchmark: what `hotctl reload <name>` adds to the daemon's own operation time (issue 13).
//
//   node bench/reload-cli-overhead.mjs [rounds=9]
//
// One app of 2 workers that listen 300 ms after start (test/fixtures/apps/slow-start.cjs,
// min_uptime 0). Each round: `node -e ""` (Node's own start-up, the floor), then
// `hotctl reload slow --json`, timed from spawn to exit. The operation's time is the daemon's:
// `duration_ms` of the final snapshot, which must equal the span of its operation events
// (first `at` → `ended_at`, checked). The CLI's cost is wall − operation, split with the
// timestamps a preloaded probe (bench/lib/cli-phases.cjs) takes in the CLI process:
//   spawn → process start → first JS → socket connect → (daemon) operation start …
//   … operation end → process exit → exit seen here.
// The CLI runs as a shell runs it: bin/hotctl itself (its sh lines start Node without
// NODE_EXTRA_CA_CERTS; bin/hotctl says why), the probe preloaded through NODE_OPTIONS. When the
// variable is set, `node -e ""` is also timed without it: the floor of the CLI's own Node.
// BENCH_BASELINE=<checkout with a built dist/> also runs that checkout's bin/hotctl in every round
// (same daemon: this checkout's), for a before/after within one run.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { argInt, timedNode as timed, timedRun, BENCH_LIB, FIXTURES, freePort, fx, header, HOTCTL, hotctlEnv, median, newHome, report, runBench, spread, startApps, table, tempDir, waitPort } from './lib/common.mjs';

const ROUNDS = argInt(2, 9);

await runBench(async () => {
  const home = newHome();
  const port = await freePort();
  await startApps(home, [{ name: 'slow', script: join(FIXTURES, 'slow-start.cjs'), instances: 2, min_uptime: 0, env: { PORT: String(port) } }]);
  await waitPort(port);
  const dir = tempDir('hb-phases-');
  const phasesFile = join(dir, 'phases.json');
  const env = hotctlEnv(home, { BENCH_PHASES_FILE: phasesFile });
  const probed = { ...env, NODE_OPTIONS: `--require ${join(BENCH_LIB, 'cli-phases.cjs')}` };
  const reload = (bin) => () => timedRun(bin, ['reload', 'slow', '--json'], probed);
  const sides = [['this', reload(HOTCTL)], ...(process.env.BENCH_BASELINE ? [['baseline', reload(join(process.env.BENCH_BASELINE, 'bin', 'hotctl'))]] : [])];
  const { NODE_EXTRA_CA_CERTS: caFile, ...envNoCa } = env;
  await timed(['-e', ''], env); // warm the page cache
  for (const [, run] of sides) await run();

  const bySide = Object.fromEntries(sides.map(([name]) => [name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    const node = await timed(['-e', ''], env);
    const nodeNoCa = caFile === undefined ? node : await timed(['-e', ''], envNoCa);
    for (const [name, run] of i % 2 === 0 ? sides : [...sides].reverse()) {
      const rows = bySide[name];
      rmSync(phasesFile, { force: true });
      const r = await run();
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
      const final = lines.at(-1);
      if (final.state !== 'succeeded') throw new Error(`reload: ${final.state}`);
      const opEvents = lines.filter((l) => l.event === 'operation' && l.data.operation.id === final.id);
      const started = Date.parse(final.started_at);
      const ended = Date.parse(final.ended_at);
      const eventSpan = Date.parse(opEvents.at(-1).data.operation.ended_at) - Date.parse(opEvents[0].data.operation.started_at);
      const p = JSON.parse(readFileSync(phasesFile, 'utf8'));
      const exitSeen = r.t0 + r.ms;
      const row = {
        node: node.ms,
        nodeNoCa: nodeNoCa.ms,
        wall: r.ms,
        op: final.duration_ms,
        eventSpan,
        cli: r.ms - final.duration_ms,
        spawn: p.start - r.t0, // fork + exec until the process' time origin
        boot: p.js - p.start, // Node's start-up until the first JS line (the probe)
        load: p.connect - p.js, // the CLI's modules and work until it connects
        ask: started - p.connect, // handshake, hello, request, until the daemon starts the operation
        end: p.exit - ended, // operation end → final line printed, connection closed, exit
        reap: exitSeen - p.exit, // exit → seen here
        cpuBoot: p.cpu.js, // CPU time (user + system) until the first JS line
        cpuLoad: p.cpu.connect - p.cpu.js, // … from there until connected
        cpuAll: p.cpu.exit, // … in all
      };
      rows.push(row);
      console.error(`round ${i + 1}/${ROUNDS} ${name}: node ${fx(row.node, 0)} ms, reload wall ${fx(row.wall, 0)} ms, operation ${row.op} ms → CLI ${fx(row.cli, 0)} ms (boot ${fx(row.boot, 0)}, load ${fx(row.load, 0)}, ask ${fx(row.ask, 0)}, end ${fx(row.end, 0)})`);
    }
  }
  const rows = bySide.this;
  const col = (k) => rows.map((r) => r[k]);
  const base = bySide.baseline;
  const baseRows = base
    ? [
        [`baseline (${process.env.BENCH_BASELINE}): the CLI's cost, wall − operation`, spread(base.map((r) => r.cli))],
        ['baseline: first JS → socket connected / its CPU time', `${spread(base.map((r) => r.load))} / ${spread(base.map((r) => r.cpuLoad))}`],
        ['baseline: CLI cost / `node -e ""` wall, median of per-round ratios', fx(median(base.map((r) => r.cli / r.node)), 2)],
      ]
    : [];
  const os = await import('node:os');
  report(
    [
      ...header('`hotctl reload <name>`: the CLI\'s cost over the daemon\'s operation (2 workers, 300 ms start-up)'),
      `${ROUNDS} rounds; each: \`node -e ""\`, then \`hotctl reload slow --json\` (with a preloaded timestamp probe, bench/lib/cli-phases.cjs). Load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      '',
      ...table(
        ['measure', 'median (min–max) ms'],
        [
          [`\`node -e ""\` wall (Node\'s own start-up and exit; NODE_EXTRA_CA_CERTS ${caFile === undefined ? 'not set' : 'set, as in this shell'})`, spread(col('node'))],
          ...(caFile === undefined ? [] : [['`node -e ""` wall without NODE_EXTRA_CA_CERTS (the floor of bin/hotctl\'s own Node)', spread(col('nodeNoCa'))]]),
          ['`hotctl reload slow --json` wall', spread(col('wall'))],
          ['the daemon\'s operation: `duration_ms` (= its operation events\' span in every round: ' + (rows.every((r) => Math.abs(r.eventSpan - r.op) <= 1) ? 'yes' : 'NO') + ')', spread(col('op'))],
          ['**the CLI\'s cost: wall − operation** (target ≤ 100)', `**${spread(col('cli'))}**`],
          ['… spawn → process start', spread(col('spawn'))],
          ['… process start → first JS (Node\'s boot)', spread(col('boot'))],
          ['… first JS → socket connected (the CLI\'s modules and argument handling)', spread(col('load'))],
          ['… connected → operation started (handshake, hello, request)', spread(col('ask'))],
          ['… operation ended → process exit (last event, final line, close)', spread(col('end'))],
          ['… exit → seen by the parent', spread(col('reap'))],
          ['CLI process CPU time (user + system): until the first JS line / from there to connected / in all', `${spread(col('cpuBoot'))} / ${spread(col('cpuLoad'))} / ${spread(col('cpuAll'))}`],
          ['CLI cost − `node -e ""` wall, median of per-round differences', fx(median(rows.map((r) => r.cli - r.node)), 1)],
          ['CLI cost / `node -e ""` wall, median of per-round ratios', fx(median(rows.map((r) => r.cli / r.node)), 2)],
          ...(caFile === undefined ? [] : [['CLI cost − `node -e ""` without NODE_EXTRA_CA_CERTS, median of per-round differences', fx(median(rows.map((r) => r.cli - r.nodeNoCa)), 1)]]),
          ...baseRows,
        ],
      ),
    ],
    { bench: 'reload-cli-overhead', rows, baseline: base ?? null },
  );
});
