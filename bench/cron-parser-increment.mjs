// Benchmark (bench/RESULTS.md 12f): node --expose-gc bench/cron-parser-increment.mjs <checkout with a built dist/>
// In a process that has loaded the daemon's modules (all but cron-parser), what loading cron-parser adds.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const root = pathToFileURL(resolve(process.argv[2] ?? '.')).href;
await import(`${root}/dist/src/daemon/daemon.js`);
const st = () => { const t = readFileSync('/proc/self/status', 'utf8'); const m = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(t)[1]) / 1024; return { rss: m('VmRSS'), anon: m('RssAnon'), file: m('RssFile') }; };
const loadedBefore = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/cron-parser/'));
globalThis.gc(); globalThis.gc();
const a = st(), h0 = process.memoryUsage().heapUsed;
const { cronParser } = await import(`${root}/dist/src/config/cron-parser-on-demand.js`);
cronParser().CronExpressionParser.parse('0 0 1 1 *').next();
globalThis.gc(); globalThis.gc();
const b = st(), h1 = process.memoryUsage().heapUsed;
console.log(`already loaded: ${loadedBefore}; +VmRSS ${(b.rss - a.rss).toFixed(1)} MB (anon +${(b.anon - a.anon).toFixed(1)}, file +${(b.file - a.file).toFixed(1)}), heapUsed +${((h1 - h0) / 1048576).toFixed(2)} MB`);
