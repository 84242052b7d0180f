/**
 * node:module loaded when first used instead of at start-up (issue 13: an idle daemon loads no
 * module a bare node:cluster primary does not, unless it uses it; bench/RESULTS.md, section 29).
 * An `import` of a builtin is evaluated when the importing module is, and the bundles
 * (scripts/bundle.mjs) evaluate every module at start: `import ... from 'node:module'` loaded it,
 * and the ES module loader and source-map modules under it (+0.1 MB), in every daemon.
 *
 * `process.getBuiltinModule` (Node >= 20.16) works in ES modules and CommonJS alike; older Node 20
 * has it nowhere, and then the CommonJS bundles' own `require` serves. An ES module (dist/src,
 * HOTCTL_BUNDLE=0) on Node < 20.16 has neither: {@link nodeModule} throws there.
 */
type NodeModule = typeof import('node:module');

/** node:module, loaded now if it was not yet. */
export function nodeModule(): NodeModule {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get === 'function') return get.call(process, 'node:module') as NodeModule;
  if (typeof require === 'function') return require('node:module') as NodeModule;
  throw new Error(`cannot load node:module on first use in an ES module on Node ${process.version}: run the bundled build (dist/bundle) or Node >= 20.16`);
}

/**
 * A `require` that resolves packages from `url` (the caller's `import.meta.url`), as
 * createRequire(url) does, without loading node:module before it is called.
 */
export function requireFrom(url: string): NodeRequire {
  return nodeModule().createRequire(url);
}
