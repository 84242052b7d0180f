/**
 * Loads the app's entry script as `node <script>` would, from inside the runtime.
 *
 * - `.mjs`: `import()`.
 * - `.cjs`, `.js`: `Module._load(script, null, true)`, as PM2 does, so that the app is the
 *   main module (`require.main === module`). Node ≥ 20.19 hands an ES module found that way
 *   (package `"type": "module"`, or ESM syntax detected) to its ESM loader asynchronously,
 *   the way it runs an ESM entry; older Node throws ERR_REQUIRE_ESM. Either way the module
 *   is then imported, which, for the first case, joins the evaluation already under way.
 *
 * The returned promise settles when the app's module has finished evaluating: at once for
 * CommonJS, after its top-level awaits for ESM; it rejects when loading or evaluation throws.
 */
import { extname } from 'node:path';
import type url from 'node:url';
import { builtin } from './builtin.js';

export type AppFormat = 'commonjs' | 'module';

interface CjsLoader {
  _load(request: string, parent: null, isMain: boolean): unknown;
}

export async function loadApp(script: string): Promise<AppFormat> {
  // The runtime's own CommonJS entry (entry.cts) is the main module until the app replaces it.
  const entry = process.mainModule;
  if (extname(script) === '.mjs') {
    await importModule(script);
    return 'module';
  }
  try {
    // The entry's own class is node:module's Module: loading node:module itself would cost every
    // worker its ES module registry before the app's first line (builtin.ts).
    ((entry?.constructor ?? builtin('node:module')) as unknown as CjsLoader)._load(script, null, true);
  } catch (err) {
    if ((err as { code?: unknown })?.code !== 'ERR_REQUIRE_ESM') throw err;
    await importModule(script);
    return 'module';
  }
  // A CommonJS main module becomes process.mainModule; Node's ESM path for a main entry
  // leaves it undefined ("ESM won't be accessible via process.mainModule").
  if (process.mainModule !== undefined && process.mainModule !== entry) return 'commonjs';
  await importModule(script);
  return 'module';
}

function importModule(script: string): Promise<unknown> {
  const { pathToFileURL } = builtin<typeof url>('node:url');
  return import(pathToFileURL(script).href);
}
