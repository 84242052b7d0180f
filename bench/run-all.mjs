// Runs every benchmark in sequence (`npm run bench`), with modest defaults so that the whole run
// takes about ten minutes on a 2-core machine. Each benchmark runs in its own process, bounded in
// time; each prints a markdown section (with its exact command) that this script passes on.
//
//   node bench/run-all.mjs [--quick] [--only name,name] [--out file.md]
//
// --quick: a smoke run (1–3 rounds each), to check that everything works, not for figures.
// --out:   also write the sections to this file.
// Build first (`npm run build`): the benchmarks use dist/ and bin/hotctl.
// bench/RESULTS.md records full runs; some of its figures use larger counts than these defaults
// (each figure names its command).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;

// [name, script, args, quick args, time bound (s)]
const BENCHES = [
  ['throughput', 'throughput.mjs', ['9', '2'], ['1', '1'], 240],
  ['reload-under-load', 'reload-under-load.mjs', ['20', '2', 'naive,surge'], ['2', '2', 'naive,surge'], 300],
  ['reload-time', 'reload-time.mjs', ['9'], ['1'], 240],
  ['reload-park', 'reload-park.mjs', ['9', '2'], ['1', '2'], 240],
  ['idle-footprint', 'idle-footprint.mjs', ['10', '5', '21'], ['2', '2', '3'], 180],
  ['reload-memory', 'reload-memory.mjs', ['9', '4'], ['1', '4'], 300],
  ['reload-strategies', 'reload-under-load.mjs', ['2', '4', 'surge,rolling1,rolling2,canary'], ['1', '4', 'surge,rolling1,rolling2,canary'], 300],
  ['watch-idle', 'watch-idle.mjs', ['4', '20', '9'], ['1', '3', '1'], 180],
  ['watch-reload', 'watch-reload.mjs', ['9', '9', '3'], ['2', '2', '1'], 240],
  ['sampler-cost', 'sampler-cost.mjs', ['40', '300', '10'], ['10', '20', '2'], 120],
  ['sampler-daemon', 'sampler-daemon.mjs', ['9', '4'], ['2', '2'], 300],
  ['request-counting', 'request-counting.mjs', ['9', '2'], ['1', '1'], 240],
  ['request-outcomes', 'request-outcomes.mjs', ['9', '2'], ['1', '1'], 240],
  ['cli-startup', 'cli-startup.mjs', ['15', '64', '9'], ['2', '8', '1'], 600],
  ['daemon-idle', 'daemon-idle.mjs', ['60', '9', '20'], ['5', '2', '3'], 240],
  ['reload-cli-overhead', 'reload-cli-overhead.mjs', ['9'], ['1'], 240],
];

if (!existsSync(join(HERE, '..', 'dist', 'src', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

let current = null;
const stopCurrent = () => {
  if (current && current.exitCode === null) current.kill('SIGTERM');
};
process.on('exit', () => current?.exitCode === null && current.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopCurrent();
    // The benchmark cleans up on SIGTERM; give it a moment, then go.
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}

function run(script, argv, boundS) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(HERE, script), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    current = child;
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    let timedOut = false;
    const bound = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, boundS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      current = null;
      resolve({ ok: code === 0 && !timedOut, code, signal, timedOut, text, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const started = Date.now();
const summary = [];
const sections = [];
for (const [name, script, full, small, boundS] of BENCHES) {
  if (only && !only.includes(name)) continue;
  const argv = quick ? small : full;
  console.error(`\n=== ${name}: node bench/${script} ${argv.join(' ')}`);
  const r = await run(script, argv, boundS);
  sections.push(r.text);
  summary.push(`| ${name} | ${r.ok ? 'ok' : r.timedOut ? `**timed out** (${boundS} s)` : `**failed** (exit ${r.code ?? r.signal})`} | ${r.seconds.toFixed(0)} s |`);
}
const total = ((Date.now() - started) / 1000).toFixed(0);
const tail = ['', `### run-all summary (${total} s in all${quick ? ', --quick' : ''})`, '', '| benchmark | result | time |', '|---|---|---|', ...summary, ''].join('\n');
console.log(tail);
if (out) writeFileSync(out, sections.join('\n') + tail);
process.exitCode = summary.some((l) => !l.includes('| ok |')) ? 1 : 0;
