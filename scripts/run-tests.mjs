#!/usr/bin/env node
// Runs the test suite with tap and ends with a plain closing line ("N passed, N failed"),
// so that any CI reader can tell what ran.
//
// Without arguments, three tap runs, one after the other; the closing line sums them and the exit
// code is non-zero when any fails:
//   1. the unit tests, two files at a time (no daemon, no port: CPU-bound, two cores halve them);
//   2. the integration tests two files at a time, except
//   3. the ALONE ones below, one file at a time: they drive load, flood, fuzz, or assert on a
//      timing (a short listen_timeout, a heartbeat bound, an observation window), and a second
//      file at once would make them compete for the CPU. A new integration test that does any
//      of this goes into ALONE.
// With arguments (files, tap flags): one tap run with them, as before.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const INTEGRATION = 'dist/test/integration';
/**
 * Every test file elsewhere under dist/test (unit/, and any folder added later), listed one by
 * one: given a folder, tap runs every file it can load in it — with the TypeScript plugin that a
 * fresh install builds, the `.d.ts` files too — and ignores package.json's `include`.
 */
const others = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js') && !/^(integration|fixtures|helpers)\//.test(f))
  .sort()
  .map((f) => `dist/test/${f}`);
/** Integration test files run one at a time (see above), with why. */
const ALONE = {
  'a-connection-flood-on-the-control-plane-never-starves-the-apps': 'opens 1,600 connections against the daemon',
  'a-hung-worker-is-seen-and-replaced-and-its-client-released': 'bound: within 3 heartbeat intervals',
  'a-quiet-idle-worker-that-blocks-is-seen-within-its-heartbeat-timeout': 'an observation window: 7 s with no report, which an event-loop delay of 10 ms or more (a busy CPU) interrupts',
  'an-idle-daemon-holds-the-optimizing-compiler-until-a-burst-of-connections': 'a burst: 32 connections routed within 1 s',
  'a-stalled-log-follower-costs-the-daemon-bounded-memory': 'a 40 MB log flood, daemon RSS measured',
  'a-weighted-canary-takes-its-share-from-the-moment-it-is-ready': 'an observation window: 50 requests within a 6 s reload_hold',
  'chaos-kill-workers-under-load': 'load, and kills paced on restarts',
  'cluster-worker-that-never-listens-is-taken-as-portless': 'listen_timeout 1500 ms',
  'control-socket-and-ws-survive-fuzzing': '11,500 fuzzed messages',
  'dashboard-shows-reload-live': 'Chromium',
  'every-reload-strategy-loses-no-request': 'zero loss under load',
  'logs-keep-every-line-across-reloads-and-rotations': 'fast logging through rotations',
  'max-memory-restart-replaces-a-worker-gracefully': 'zero loss under load',
  'pipelined-requests-are-all-answered-through-reloads': 'zero loss under load',
  'hotctl-update-hands-over-a-unix-path-socket-with-no-failed-request': 'zero loss under load through a hand-off',
  'hotctl-update-hands-over-the-http-listener-without-a-refused-connection': 'polls the HTTP listener through a hand-off',
  'a-port-no-revision-listens-on-any-more-is-closed': 'zero loss under load through a reload',
  'pm2-corpus-runs-as-pm2-would': '16 projects, a 20 s observation window',
  'pm2-file-with-a-fork-consumer-and-a-cron-job-leaves-nothing-crash-looping': 'listen_timeout 1000 ms, an observation window',
  'reload-auto-promotes-a-good-version-with-no-failed-request': 'zero loss under load, 2 s canary steps judged on latency',
  'reload-auto-rolls-back-a-version-that-answers-500-to-5-percent-of-requests': 'load, 2 s canary steps',
  'reload-auto-rolls-back-a-version-three-times-slower': 'load, 2 s canary steps judged on latency',
  'reload-keeps-old-workers-when-new-version-fails': 'listen_timeout 2000 ms, reload_hold 1500 ms',
  'reload-loses-no-request-under-keep-alive-load': 'zero loss under load',
  'rollback-within-the-window-brings-back-the-same-workers-without-a-failed-request': 'zero loss under load',
  'run-mode-signals-and-orphans': 'bounded waits on signals',
  'startup-unit-runs-reloads-and-stops-the-apps': 'stop within TimeoutStopSec',
};
const integration = readdirSync(INTEGRATION)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => `${INTEGRATION}/${f}`);
const alone = (f) => Object.hasOwn(ALONE, f.slice(INTEGRATION.length + 1, -'.test.js'.length));
for (const name of Object.keys(ALONE)) {
  if (!integration.some((f) => f === `${INTEGRATION}/${name}.test.js`)) throw new Error(`run-tests.mjs: ALONE names ${name}, which is not an integration test`);
}
/** HOTCTL_TEST_JOBS=1 runs every file one at a time (a machine too busy for two at once). */
const jobs = Math.max(1, Number(process.env.HOTCTL_TEST_JOBS ?? 2) || 2);
const PHASES = [
  { paths: others, jobs },
  { paths: integration.filter((f) => !alone(f)), jobs },
  { paths: integration.filter(alone), jobs: 1 },
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
