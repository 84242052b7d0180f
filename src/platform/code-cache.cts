/**
 * Runs a CommonJS bundle as `require()` would, compiled from a V8 code cache written beside it at
 * build time (scripts/bundle.mjs), so that a command does not parse the whole bundle first: for
 * the CLI's bundles that parse was most of its start-up after Node's own (bench/RESULTS.md 28a).
 *
 * V8 checks a cache against its own version and flags and the source's length, not the source's
 * content. So the bundle's last line names its content (`//# hotctl-build=<sha1 of the rest>`,
 * written by `keyBundle`), and the cache, `<bundle>.v8cache`, starts with the same key: a cache is
 * used only with the very source it was made from, wherever the files were copied or extracted
 * (npm resets file times). A cache that is missing, of another build, or rejected by V8 (another
 * Node, other flags) costs nothing but the parse it would have saved.
 *
 * CommonJS, so that bin/hotctl and scripts/bundle.mjs load it with a plain `require()`.
 */
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');

const KEY_LINE = /\n\/\/# hotctl-build=([0-9a-f]{40})\n$/;
const KEY_BYTES = 40;

/** The path of `bundle`'s code cache. */
export function codeCachePath(bundle: string): string {
  return `${bundle}.v8cache`;
}

/**
 * Node's CommonJS wrapper, and `__hotctlImport`: Node 20 loses a script's import() callback when
 * V8 compiles it from a code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bundle's
 * import() of what is outside it (yargs and yaml are ES modules) goes through this module's
 * (scripts/bundle.mjs routes them). From here, packages resolve as from the bundle: same package.
 */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname, __hotctlImport) { ', '\n});'] as const;
const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);

function compile(bundle: string, source: string, cachedData?: Buffer): vm.Script {
  return new vm.Script(`${WRAPPER[0]}${source}${WRAPPER[1]}`, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
}

/** The V8 data of `bundle`'s cache when it was made from the source of that `key`, else undefined. */
function cacheFor(bundle: string, key: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(codeCachePath(bundle));
  } catch {
    return undefined;
  }
  return data.length > KEY_BYTES && data.toString('latin1', 0, KEY_BYTES) === key ? data.subarray(KEY_BYTES) : undefined;
}

/**
 * `bundle` compiled, from its code cache when it has a valid one (`cached`: V8 took it). When
 * HOTCTL_WRITE_CODE_CACHE names `bundle` (scripts/bundle.mjs, at build time), the cache is not
 * read but written at exit: V8's data then holds every function this run compiled, not only the
 * top level.
 */
export function compileBundle(bundle: string): { script: vm.Script; cached: boolean } {
  const source = fs.readFileSync(bundle, 'utf8');
  const key = KEY_LINE.exec(source.slice(-64))?.[1];
  const writing = process.env.HOTCTL_WRITE_CODE_CACHE === bundle;
  const cachedData = key === undefined || writing ? undefined : cacheFor(bundle, key);
  const script = compile(bundle, source, cachedData);
  if (writing && key !== undefined) {
    process.once('exit', () => fs.writeFileSync(codeCachePath(bundle), Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()])));
  }
  return { script, cached: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Runs `bundle` as a module of `parent` and returns its exports (what `require(bundle)` does),
 * compiled by compileBundle; with Node's own source maps on, by `require()` itself, so that Node
 * maps its stack traces.
 */
export function requireBundle(bundle: string, parent: NodeJS.Module | undefined): unknown {
  // Node maps stacks itself (--enable-source-maps) only for what its loader compiled.
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true) return require(bundle) as unknown;
  const { script } = compileBundle(bundle);
  const dirname = path.dirname(bundle);
  // CommonJS's Module class: the parent's own, at hand; node:module's (the same class) would load
  // Node's ES module loader and source-map modules with it, ~1 ms of a command's start-up.
  const Module = (parent?.constructor ?? require('node:module')) as ModuleClass;
  const child = new Module(bundle, parent);
  child.filename = bundle;
  child.paths = Module._nodeModulePaths(dirname);
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string, load: typeof dynamicImport) => void;
  wrapper.call(child.exports, child.exports, Module.createRequire(bundle), child, bundle, dirname, dynamicImport);
  child.loaded = true;
  return child.exports;
}

/** What requireBundle uses of CommonJS's Module class. */
interface ModuleClass {
  new (id: string, parent?: NodeJS.Module): NodeJS.Module & { paths: string[]; filename: string; loaded: boolean };
  _nodeModulePaths(dir: string): string[];
  createRequire(path: string): NodeJS.Require;
}

/** Build time (scripts/bundle.mjs), right after esbuild wrote `bundle`: appends its key line, the sha1 of its content. */
export function keyBundle(bundle: string): void {
  const built = fs.readFileSync(bundle, 'utf8').replace(/\n?$/, '\n');
  const key = (require('node:crypto') as typeof import('node:crypto')).createHash('sha1').update(built).digest('hex');
  fs.writeFileSync(bundle, `${built}//# hotctl-build=${key}\n`);
}
