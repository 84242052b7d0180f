#!/usr/bin/env node
// Runs the test suite with tap and ends with a plain closing line ("N passed, N failed"),
// so that any CI reader can tell what ran.
//
// Without arguments: two tap runs, one after the other — the unit tests two files at a time
// (they start no daemon and hold no port: CPU-bound, so two cores halve their time), then the
// integration tests one file at a time (real daemons, workers and load: a second file at once
// would make the zero-loss and timing-bound ones compete for the CPU). The closing line sums
// both; the exit code is non-zero when either run fails.
// With arguments (files, tap flags): one tap run with them, as before.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const INTEGRATION = 'dist/test/integration';
/** Everything else under dist/test that can hold tests (unit/, and any folder added later). */
const others = readdirSync('dist/test', { withFileTypes: true })
  .filter((e) => e.name !== 'integration' && e.name !== 'fixtures' && e.name !== 'helpers' && (e.isDirectory() || e.name.endsWith('.test.js')))
  .map((e) => `dist/test/${e.name}`);
const PHASES = [
  { paths: others, jobs: 2 },
  { paths: [INTEGRATION], jobs: 1 },
];

/** One tap run; resolves with its exit code and the counts of its closing comment (null when none came). */
function tap(args) {
  const child = spawn(process.execPath, ['node_modules/tap/dist/esm/run.mjs', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let summary = null;
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const m = /^# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/.exec(line.trim());
      if (m) summary = { total: +m[1], pass: +(m[2] ?? 0), fail: +(m[3] ?? 0), skip: +(m[4] ?? 0) };
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, summary })));
}

const args = process.argv.slice(2);
const runs = args.length > 0 ? [args] : PHASES.map((p) => ['--jobs', String(p.jobs), ...p.paths]);
let pass = 0;
let fail = 0;
let skip = 0;
let code = 0;
for (const run of runs) {
  const r = await tap(run);
  if (r.summary) {
    pass += r.summary.pass;
    fail += r.summary.fail;
    skip += r.summary.skip;
  } else fail += 1; // a run that printed no counts failed as a whole
  if (r.code !== 0 && code === 0) code = r.code;
  if (!r.summary && code === 0) code = 1;
}
console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
process.exitCode = code;
