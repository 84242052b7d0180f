// Benchmark 7 (end to end): watch mode through the real daemon. An app with `watch: true` lives
// in a 5,000-file tree (src/d00..d49, 100 files each, plus a node_modules of 200 packages); its
// entry answers with a VERSION constant. Each save rewrites the entry with the next VERSION;
// from the write on, a new connection asks every 10 ms until the new VERSION answers (first new
// response), then until 20 answers in a row are new (only new code serves). The next save waits
// for the reload to finish. Default watch_delay (300 ms debounce) and min_uptime (1000 ms).
//
// Also the daemons' idle CPU: a second daemon runs the same app on a copy of the tree without
// watch; both idle side by side and their CPU time (/proc schedstat, every thread) is read over
// the same windows.
//
//   node bench/watch-reload.mjs [saves=9] [idle windows=9] [window seconds=3]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argInt, cpuNs, daemonPid, fx, header, httpGet, median, newHome, report, runBench, sleep, spread, startApps, status, table, tempDir, waitPort, freePort } from './lib/common.mjs';

const SAVES = argInt(2, 9);
const WINDOWS = argInt(3, 9);
const WINDOW_S = argInt(4, 3);
const POLL_MS = 10;
const IN_A_ROW = 20;

const appSource = (version) => `'use strict';
const http = require('node:http');
const VERSION = ${version};
http.createServer((req, res) => res.end(String(VERSION))).listen(Number(process.env.PORT), '127.0.0.1');
`;

function buildTree(root) {
  for (let d = 0; d < 50; d++) {
    const dir = join(root, 'src', `d${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `f${String(f).padStart(3, '0')}.js`), `module.exports = ${f};\n`);
  }
  for (let p = 0; p < 200; p++) {
    mkdirSync(join(root, 'node_modules', `pkg${p}`, 'lib'), { recursive: true });
    writeFileSync(join(root, 'node_modules', `pkg${p}`, 'lib', 'index.js'), '');
  }
  writeFileSync(join(root, 'app.cjs'), appSource(0));
}

async function idleOps(home) {
  const s = await status(home);
  return s.apps.every((a) => a.operation === null);
}

await runBench(async () => {
  const watchHome = newHome();
  const plainHome = newHome();
  const watchDir = tempDir('hw-');
  const plainDir = tempDir('hw-');
  buildTree(watchDir);
  buildTree(plainDir);
  const [port, plainPort] = [await freePort(), await freePort()];
  await startApps(watchHome, [{ name: 'w', script: join(watchDir, 'app.cjs'), cwd: watchDir, instances: 2, watch: true, env: { PORT: String(port) } }]);
  await startApps(plainHome, [{ name: 'w', script: join(plainDir, 'app.cjs'), cwd: plainDir, instances: 2, env: { PORT: String(plainPort) } }]);
  await Promise.all([waitPort(port), waitPort(plainPort)]);

  // Idle CPU, both daemons over the same windows.
  await sleep(2000);
  const [dw, dp] = [daemonPid(watchHome), daemonPid(plainHome)];
  const idle = { watch: [], plain: [] };
  for (let i = 0; i < WINDOWS; i++) {
    const [w0, p0] = [cpuNs(dw), cpuNs(dp)];
    await sleep(WINDOW_S * 1000);
    idle.watch.push((cpuNs(dw) - w0) / 1e6);
    idle.plain.push((cpuNs(dp) - p0) / 1e6);
  }

  // Saves.
  const first = [];
  const all = [];
  for (let v = 1; v <= SAVES; v++) {
    const t0 = performance.now();
    writeFileSync(join(watchDir, 'app.cjs'), appSource(v));
    let tFirst = null;
    let row = 0;
    while (performance.now() - t0 < 30_000) {
      let body = null;
      try {
        body = await httpGet(port, '/', 2000);
      } catch {
        // counted below: a failed poll never counts as new
      }
      if (body === String(v)) {
        tFirst ??= performance.now() - t0;
        if (++row >= IN_A_ROW) break;
      } else {
        row = 0;
      }
      await sleep(POLL_MS);
    }
    if (tFirst === null || row < IN_A_ROW) throw new Error(`save ${v}: the new code did not serve within 30 s`);
    first.push(tFirst);
    all.push(performance.now() - t0);
    const deadline = Date.now() + 30_000;
    while (!(await idleOps(watchHome)) && Date.now() < deadline) await sleep(100);
    console.error(`save ${v}/${SAVES}: first new answer ${fx(tFirst, 0)} ms, only new ${fx(all.at(-1), 0)} ms`);
    await sleep(500);
  }
  const s = await status(watchHome);
  const app = s.apps.find((a) => a.name === 'w');

  const pct = (ms) => fx((ms / (WINDOW_S * 1000)) * 100, 3);
  const diff = idle.watch.map((w, i) => w - idle.plain[i]);
  report(
    [
      ...header('7. Watch mode end to end: save → new code serving, and idle CPU (5,000-file tree, 2 workers)'),
      `${SAVES} saves of the app's entry; polling a new connection every ${POLL_MS} ms. Idle: ${WINDOWS} windows of ${WINDOW_S} s, both daemons side by side. Not pinned.`,
      '',
      ...table(
        ['measure', 'value'],
        [
          ['**save → first answer from the new code**, median (min–max)', `**${spread(first, 0)} ms**`],
          [`save → only new code answers (${IN_A_ROW} in a row), median (min–max)`, `${spread(all, 0)} ms`],
          ['app revision after the saves', `${app.revision} (1 + ${app.revision - 1} watch reloads)`],
          [`daemon CPU per ${WINDOW_S} s idle, app watched, median (min–max)`, `${spread(idle.watch, 2)} ms (${pct(median(idle.watch))} % of a core)`],
          [`daemon CPU per ${WINDOW_S} s idle, same app not watched`, `${spread(idle.plain, 2)} ms (${pct(median(idle.plain))} % of a core)`],
          ['watched − not watched, median of per-window differences', `${fx(median(diff), 2)} ms per ${WINDOW_S} s`],
        ],
      ),
      '',
      'The first new answer comes once the new workers are ready (they serve beside the old ones during the min_uptime hold); the old ones drain after min_uptime (1000 ms), so "only new code" includes that hold. The floor is watch_delay (300 ms) + the workers\' start.',
    ],
    { bench: 'watch-reload', first, all, idle, revision: app.revision },
  );
});
