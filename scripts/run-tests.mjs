#!/usr/bin/env node
// Runs the test suite with tap and ends with a plain closing line ("N passed, N failed"),
// so that any CI reader can tell what ran. Exit code: tap's.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
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
child.on('close', (code) => {
  if (summary) {
    const failed = summary.fail;
    console.log(`${summary.pass} passed, ${failed} failed${summary.skip ? `, ${summary.skip} skipped` : ''}`);
  } else {
    console.log(`0 passed, 1 failed`);
  }
  process.exitCode = code ?? 1;
});
