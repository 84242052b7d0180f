// Watch mode's cost: idle CPU of an AppWatcher over a 5,000-file tree against a Node process
// doing nothing, and the time from a save to onChange. Run after a build:
//
//   node bench/watch-idle.mjs [idle seconds per round, default 5] [saves, default 20] [rounds, default 9]
//
// Each idle figure is measured in its own child process (process.cpuUsage over the idle spell,
// start-up excluded), so the two are alike but for the watcher. In each round the baseline child
// and the watcher child idle at the same time (same machine noise for both); the figures are
// medians over the rounds. Save latency is measured here: write a file, wait for its onChange,
// `saves` times; with watch_delay 0 (the watcher's own delay) and with the default watch_delay
// 300 (what a user gets).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppWatcher } from '../dist/src/watch/app-watcher.js';

const CHILD = process.argv[2] === '--idle';
const IDLE_S = Number((CHILD ? process.argv[5] : process.argv[2]) ?? 5);
const SAVES = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 9);
/** Every child still running, killed if this process is stopped or fails. */
const children = new Set();
let treeRoot = null;
const cleanup = () => {
  for (const c of children) c.kill('SIGKILL');
  if (treeRoot) rmSync(treeRoot, { recursive: true, force: true });
};
if (!CHILD) {
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
}
const DIRS = 50;
const FILES_PER_DIR = 100;

/** src/d00..d49 with 100 files each (5,000), plus node_modules and .git that are ignored. */
function buildTree() {
  const root = mkdtempSync(join(tmpdir(), 'hwbench-'));
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, 'src', `d${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) writeFileSync(join(dir, `f${String(f).padStart(3, '0')}.js`), `module.exports = ${f};\n`);
  }
  for (let p = 0; p < 200; p++) {
    mkdirSync(join(root, 'node_modules', `pkg${p}`, 'lib'), { recursive: true });
    writeFileSync(join(root, 'node_modules', `pkg${p}`, 'lib', 'index.js'), '');
  }
  mkdirSync(join(root, '.git', 'objects'), { recursive: true });
  return root;
}

/** Child mode: `--idle baseline|watch <root>`: idle for IDLE_S, print the CPU used meanwhile. */
async function idleChild(kind, root) {
  let watcher = null;
  let startMs = 0;
  if (kind === 'watch') {
    const t0 = performance.now();
    watcher = new AppWatcher({ root, paths: true, ignore: [], debounceMs: 300, onChange: () => {}, onError: (e) => console.error(e) });
    await watcher.start();
    startMs = performance.now() - t0;
  }
  // Let start-up work (module loading, GC of the walk) settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
  const cpu = process.cpuUsage(cpu0);
  const dirs = watcher?.watchedDirs ?? 0;
  watcher?.close();
  process.stdout.write(JSON.stringify({ kind, cpuMs: (cpu.user + cpu.system) / 1000, dirs, startMs }));
}

function runChild(kind, root) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--idle', kind, root, String(IDLE_S)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    const bound = setTimeout(() => child.kill('SIGKILL'), (IDLE_S + 60) * 1000);
    child.once('close', () => (clearTimeout(bound), children.delete(child)));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${kind} child exited ${code}`))));
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds from writeFileSync to onChange, SAVES times. */
async function saveLatencies(root, debounceMs) {
  let wake = null;
  const watcher = new AppWatcher({ root, paths: true, ignore: [], debounceMs, onChange: () => wake?.(), onError: (e) => console.error(e) });
  await watcher.start();
  const samples = [];
  try {
    for (let i = 0; i < SAVES; i++) {
      const file = join(root, 'src', `d${String(i % DIRS).padStart(2, '0')}`, 'f050.js');
      const seen = new Promise((resolve, reject) => {
        const bound = setTimeout(() => reject(new Error('no onChange within 10 s')), 10_000);
        wake = () => {
          clearTimeout(bound);
          resolve();
        };
      });
      const t0 = performance.now();
      writeFileSync(file, `module.exports = ${i};\n`);
      await seen;
      samples.push(performance.now() - t0);
      wake = null;
    }
  } finally {
    watcher.close();
  }
  return samples;
}

if (CHILD) {
  await idleChild(process.argv[3], process.argv[4]);
} else {
  const root = buildTree();
  treeRoot = root;
  try {
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [baseline, watched] = await Promise.all([runChild('baseline', root), runChild('watch', root)]);
      rounds.push({ baseline, watched });
      console.error(`round ${i + 1}/${ROUNDS}: baseline ${baseline.cpuMs.toFixed(1)} ms, watcher ${watched.cpuMs.toFixed(1)} ms CPU over ${IDLE_S} s`);
    }
    const raw = await saveLatencies(root, 0);
    const delayed = await saveLatencies(root, 300);
    const pct = (ms) => ((ms / (IDLE_S * 1000)) * 100).toFixed(3);
    const f = (ms) => (Math.abs(ms) < 0.05 ? 0 : ms).toFixed(1);
    const base = rounds.map((r) => r.baseline.cpuMs);
    const watch = rounds.map((r) => r.watched.cpuMs);
    const diff = rounds.map((r) => r.watched.cpuMs - r.baseline.cpuMs);
    const range = (v) => `${f(median(v))} ms (${f(Math.min(...v))}–${f(Math.max(...v))})`;
    const lines = [
      '### 7. Watch mode, watcher level: idle CPU over a 5,000-file tree, save → onChange',
      '',
      `Command: \`node bench/watch-idle.mjs ${IDLE_S} ${SAVES} ${ROUNDS}\` — Node ${process.version}, ${process.platform} ${process.arch}, ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| measure | value |',
      '|---|---|',
      `| tree | ${DIRS * FILES_PER_DIR} files; ${rounds[0].watched.dirs} directories watched (node_modules: 200 packages, .git: ignored) |`,
      `| watcher start (walk + ${rounds[0].watched.dirs} watches), median of ${ROUNDS} | ${f(median(rounds.map((r) => r.watched.startMs)))} ms |`,
      `| idle CPU over ${IDLE_S} s, baseline node process, median (min–max) of ${ROUNDS} rounds | ${range(base)} (${pct(median(base))} % of a core) |`,
      `| idle CPU over ${IDLE_S} s, AppWatcher on the tree, median (min–max) | ${range(watch)} (${pct(median(watch))} % of a core) |`,
      `| **watcher − baseline, median of per-round differences** | **${f(median(diff))} ms per ${IDLE_S} s** |`,
      `| save → onChange, watch_delay 0, median of ${SAVES} (min–max) | ${f(median(raw))} ms (${f(Math.min(...raw))}–${f(Math.max(...raw))}) |`,
      `| save → onChange, watch_delay 300, median of ${SAVES} (min–max) | ${f(median(delayed))} ms (${f(Math.min(...delayed))}–${f(Math.max(...delayed))}) |`,
      '',
    ];
    console.log(lines.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    treeRoot = null;
  }
}
