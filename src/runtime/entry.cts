/**
 * The file node:cluster runs in every worker: a CommonJS entry that loads hotctl's runtime
 * (worker.ts, an ES module) with `require()`. Node (≥ 20.19, ≥ 22.12) loads an ES module that
 * way without the ES module loader that an ES module entry starts (~0.7 MB of RSS per worker,
 * bench/RESULTS.md section 16): a CommonJS app then runs as under plain node. Where `require()`
 * of an ES module is refused (older Node: ERR_REQUIRE_ESM), the runtime is imported instead.
 */
try {
  require('./worker.js');
} catch (err) {
  if ((err as { code?: unknown } | null)?.code !== 'ERR_REQUIRE_ESM') throw err;
  void import('./worker.js');
}
