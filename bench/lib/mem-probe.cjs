'use strict';
// Preloaded (node --require) into a primary by bench/daemon-idle.mjs: on SIGUSR2 it writes the
// process's memory as the process itself sees it (process.memoryUsage, V8 heap spaces, the
// modules loaded) to $MEM_PROBE_OUT.<pid>.json. Inert in cluster workers (they inherit execArgv).
const cluster = require('node:cluster');
if (cluster.isPrimary && process.env.MEM_PROBE_OUT) {
  process.on('SIGUSR2', () => {
    const v8 = require('node:v8');
    const fs = require('node:fs');
    const out = {
      memoryUsage: process.memoryUsage(),
      heapSpaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size, physical: s.physical_space_size })),
      heap: v8.getHeapStatistics(),
      modules: [...new Set([...Object.keys(require.cache), ...(globalThis.__memProbeEsm ?? [])])],
    };
    fs.writeFileSync(`${process.env.MEM_PROBE_OUT}.${process.pid}.json`, JSON.stringify(out, null, 2));
  });
}
