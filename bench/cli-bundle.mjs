// Benchmark: the CLI bundled (dist/bundle/cli.cjs, scripts/bundle.mjs) vs not, in the same rounds
// (issue 13; bench/RESULTS.md section 23).
//
//   node bench/cli-bundle.mjs [rounds=11] '<variants JSON>'
//
// variants: {"name": {"bin": "<path of a bin/hotctl>", "env": {…}}, …}; default: this checkout
// bundled, and this checkout with HOTCTL_BUNDLE=0 (bin/hotctl runs dist/src/cli/main.js).
// Each round, the order rotating: `node -e ""`, then for each variant `hotctl --version`,
// `hotctl status` against a daemon with one 2-worker app, and `hotctl reload slow --json` of a
// 300 ms app (test/fixtures/apps/slow-start.cjs) with the probe bench/lib/cli-phases.cjs
// preloaded: process start → the last write to the daemon before the operation started (the
// request sent), and the CLI's CPU time in all. Every command runs with that probe (its CPU time
// at exit is the process's, from its own start: less noisy than wall time on a loaded machine).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { argInt, timedNode as timed, BENCH_LIB, FIXTURES, freePort, fx, header, HOTCTL, hotctlEnv, median, newHome, report, runBench, spread, startApps, table, tempDir, waitPort } from './lib/common.mjs';

const ROUNDS = argInt(2, 11);
const VARIANTS = process.argv[3] ? JSON.parse(process.argv[3]) : { bundled: { bin: HOTCTL }, 'dist/src': { bin: HOTCTL, env: { HOTCTL_BUNDLE: '0' } } };

await runBench(async () => {
  const home = newHome();
  const port = await freePort();
  await startApps(home, [{ name: 'slow', script: join(FIXTURES, 'slow-start.cjs'), instances: 2, min_uptime: 0, env: { PORT: String(port) } }]);
  await waitPort(port);
  const dir = tempDir('hb-bundle-');
  const phasesFile = join(dir, 'phases.json');
  const names = Object.keys(VARIANTS);
  const envOf = (name) => hotctlEnv(home, { ...(VARIANTS[name].env ?? {}), BENCH_PHASES_FILE: phasesFile });
  const rows = Object.fromEntries(names.map((name) => [name, { version: [], status: [], reload: [], toRequest: [], cpu: [], cpuVersion: [], cpuStatus: [], rVersion: [], rStatus: [] }]));
  const probed = (name, args) => ['--require', join(BENCH_LIB, 'cli-phases.cjs'), VARIANTS[name].bin, ...args];
  const cpuOf = () => JSON.parse(readFileSync(phasesFile, 'utf8')).cpu.exit;
  const nodeMs = [];
  const nodeCpu = [];
  await timed(['-e', ''], envOf(names[0])); // warm the page cache
  for (const name of names) await timed([VARIANTS[name].bin, 'status'], envOf(name));

  for (let i = 0; i < ROUNDS; i++) {
    rmSync(phasesFile, { force: true });
    const node = (await timed(['--require', join(BENCH_LIB, 'cli-phases.cjs'), '-e', ''], envOf(names[0]))).ms;
    nodeMs.push(node);
    nodeCpu.push(cpuOf());
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const name of order) {
      const env = envOf(name);
      const row = rows[name];
      rmSync(phasesFile, { force: true });
      const version = (await timed(probed(name, ['--version']), env)).ms;
      row.cpuVersion.push(cpuOf());
      rmSync(phasesFile, { force: true });
      const status = (await timed(probed(name, ['status']), env)).ms;
      row.cpuStatus.push(cpuOf());
      rmSync(phasesFile, { force: true });
      const reload = await timed(probed(name, ['reload', 'slow', '--json']), env);
      const phases = JSON.parse(readFileSync(phasesFile, 'utf8'));
      // --json prints one event a line; the operation's carry its start.
      const events = reload.out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      const startedAt = Date.parse(events.find((e) => e.data?.operation?.started_at)?.data.operation.started_at ?? '') || null;
      if (startedAt === null) throw new Error(`no operation start in: ${reload.out.slice(0, 300)}`);
      const before = phases.writes.filter((w) => w.at <= startedAt + 1);
      row.version.push(version);
      row.status.push(status);
      row.rVersion.push(version / node);
      row.rStatus.push(status / node);
      row.reload.push(reload.ms);
      row.toRequest.push(before.at(-1).at - phases.start);
      row.cpu.push(phases.cpu.exit);
    }
    console.error(`round ${i + 1}/${ROUNDS}: node -e "" ${fx(node, 0)} ms; ${names.map((n) => `${n}: --version ${fx(rows[n].version.at(-1), 0)}, status ${fx(rows[n].status.at(-1), 0)}, → request ${fx(rows[n].toRequest.at(-1), 0)} ms`).join('; ')}`);
  }
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  report(
    [
      ...header(`The CLI bundled vs not: ${names.join(', ')}`),
      `${ROUNDS} rounds, order rotating; \`node -e ""\` ${spread(nodeMs)} ms wall, CPU ${spread(nodeCpu)} ms (same probe). Load average at the end: ${load}.`,
      '',
      ...table(
        ['measure, median (min–max)', ...names],
        [
          ['`hotctl --version` wall, ms', ...names.map((n) => spread(rows[n].version))],
          ['`hotctl --version` / `node -e ""`, median of per-round ratios', ...names.map((n) => fx(median(rows[n].rVersion), 2))],
          ['`hotctl status` wall, ms', ...names.map((n) => spread(rows[n].status))],
          ['`hotctl --version`: CPU of the process, ms', ...names.map((n) => spread(rows[n].cpuVersion))],
          ['`hotctl status` / `node -e ""`', ...names.map((n) => fx(median(rows[n].rStatus), 2))],
          ['`hotctl status`: CPU of the process, ms', ...names.map((n) => spread(rows[n].cpuStatus))],
          ['`reload slow`: process start → request sent, ms', ...names.map((n) => spread(rows[n].toRequest))],
          ['`reload slow`: CPU of the CLI process in all, ms', ...names.map((n) => spread(rows[n].cpu))],
        ],
      ),
    ],
    { bench: 'cli-bundle', variants: VARIANTS, rows, nodeMs, nodeCpu },
  );
});
