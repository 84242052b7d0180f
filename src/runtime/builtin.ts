/**
 * A Node built-in module for the runtime, without `node:module` or `import.meta.url`.
 *
 * The runtime takes some built-ins through require() rather than an ES module import, which
 * would evaluate every export (bench/RESULTS.md, section 16). `createRequire(import.meta.url)`
 * did that, but in every worker, before the app's first line, it loaded node:module (and with
 * it the ES module loader's registry) and, in the bundle, built a file URL for each module's
 * `import.meta.url`: ~3 ms of a worker's start on the path of every reload (section 33).
 * `process.getBuiltinModule` (Node ≥ 20.16) needs neither; on older Node the runtime's entry,
 * a CommonJS module (entry.cts, dist/bundle/worker.cjs), lends its `require`.
 */
type GetBuiltin = (id: string) => unknown;

// Taken now: once the app has loaded, process.mainModule is the app's (or none, for an ES module app).
const entryRequire: GetBuiltin | undefined = process.mainModule ? process.mainModule.require.bind(process.mainModule) : undefined;

export function builtin<T>(id: `node:${string}`): T {
  const get = (process as { getBuiltinModule?: GetBuiltin }).getBuiltinModule;
  if (get) return get(id) as T;
  if (entryRequire) return entryRequire(id) as T;
  throw new Error(`hotctl runtime: cannot load ${id} (needs Node ≥ 20.16, or the runtime's CommonJS entry)`);
}
