// Bundles the compiled CLI, daemon and worker entry (dist/src/, from `tsc`) into one CommonJS file
// each under dist/bundle/ (issue 13; bench/RESULTS.md section 23): no ES module graph to resolve
// and link at start-up. Run by `npm run build`, `prepare` and `npm test` after tsc.
//
//   node scripts/bundle.mjs
//
// - bin/hotctl, the daemon launcher and the worker host run a bundle when it is there and not
//   older than its dist/src/ entry (src/platform/prefer-bundle.ts), else dist/src/.
// - Each module keeps its own `import.meta.url`: it is rewritten to the URL of that module's file
//   under dist/src/ (computed from the bundle's __dirname), so whatever a module finds relative to
//   itself (package.json, the dashboard's assets, bin/hotctl, the other entries) is found as from
//   dist/src/, which therefore ships beside the bundles.
// - npm dependencies stay outside (loaded from node_modules when first used, as before). A
//   dynamic import() inside hotctl is inlined, and that module's top-level code still runs only
//   when the import() is reached (esbuild wraps it in a lazy initialiser); its source is in the
//   bundle, parsed lazily by V8. Each module's code ends with a call of
//   globalThis.__hotctlModuleEvaluated, when a test probe defines it (test/fixtures/
//   record-es-modules-loaded.mjs): "which modules ran" stays observable in a bundle.
// - The CLI's bundles end with a line naming their content, and dist/bundle/<name>.cjs.v8cache is
//   each one's V8 code cache for that content (bin/hotctl keys them, and runs the bundles with
//   them), written by one run of the CLI: `hotctl --help` for the whole CLI's, and
//   for the fast lines' `hotctl status` against a daemon of this build running one app (see
//   `trainingHome` below).
// - Source maps chain through tsc's: the CLI's and the daemon's bundles map their stack traces
//   to src/*.ts lines when an error's stack is first formatted (src/platform/bundle-stack-traces.ts).
// - Without esbuild (a production install that runs `prepare`), it says so and exits 0: the
//   launchers then run dist/src/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_SRC = join(ROOT, 'dist', 'src');
const OUT = join(ROOT, 'dist', 'bundle');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/**
 * dist/bundle/<name>.cjs ← dist/src/<entry>; `stacks`: stack traces mapped to src/*.ts;
 * `codeCache`: run by bin/hotctl from a V8 code cache (see below), written by one run of `hotctl
 * <cacheRun>`; `exports`: the entry's exports are the bundle's. cli-fast is the fast lines alone
 * (cli/fast-main.ts: 0.07 MB, not 0.4), asked first by bin/hotctl; its import() calls are
 * require() calls (esbuild's `dynamic-import` off: no package it reaches is an ES module only).
 */
const ENTRIES = {
  'cli-fast': { entry: 'cli/fast-main.js', stacks: true, codeCache: true, cacheRun: ['status'], cacheDaemon: true, exports: true, requireImports: true },
  cli: { entry: 'cli/main.js', stacks: true, codeCache: true, cacheRun: ['--help'] },
  daemon: { entry: 'daemon/main.js', stacks: true, codeCache: false },
  worker: { entry: 'runtime/entry.cjs', stacks: false, codeCache: false },
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('scripts/bundle.mjs: esbuild is not installed; no bundles built (hotctl runs from dist/src/).');
  process.exit(0);
}

/**
 * Each dist/src module: `import.meta.url` → that module's own file URL; at its end, the probe's
 * call (after the source-map comment, on a line of its own: no mapped position moves). With
 * `routeImports` (the CLI's, run from a code cache), import() of what stays outside the bundle
 * calls the banner's `__hotctlDynamicImport` (bin/hotctl's compileBundle says why).
 */
const perModule = (routeImports) => ({
  name: 'per-module',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.c?js$/ }, (args) => {
      const rel = relative(DIST_SRC, args.path).split(sep).join('/');
      // The version is the package's when built: read here once, not by every command at start-up.
      if (rel === 'version.js') return { contents: `export const HOTCTL_VERSION = ${JSON.stringify(VERSION)};\nglobalThis.__hotctlModuleEvaluated?.("version.js");\n`, loader: 'js' };
      let text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', `__hotctlModuleUrl(${JSON.stringify(rel)})`);
      // import('<package>' | 'node:*'): what stays outside the bundle; import('./…') is hotctl's
      // own module, which esbuild inlines. (import() of a computed specifier is left alone: the
      // only one, config/load.ts's, is in the text of a worker thread's code.)
      if (routeImports) text = text.replace(/\bimport\((?=\s*['"][^.'"])/g, '__hotctlDynamicImport(');
      return { contents: `${text}\nglobalThis.__hotctlModuleEvaluated?.(${JSON.stringify(rel)});\n`, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
});

for (const { entry } of Object.values(ENTRIES)) {
  if (!existsSync(join(DIST_SRC, entry))) {
    console.error(`scripts/bundle.mjs: ${join('dist', 'src', entry)} is missing: run tsc first.`);
    process.exit(1);
  }
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const started = performance.now();
await Promise.all(
  Object.entries(ENTRIES).map(([name, { entry, stacks, codeCache, exports, requireImports }]) => {
    // Run from a code cache with real import() calls: those of packages go through the loader's.
    const routeImports = codeCache && !requireImports;
    return esbuild.build({
      ...(stacks
        ? {
            // The mapping is installed before the first module of the entry runs.
            stdin: {
              contents: `require('./platform/bundle-stack-traces.js').installBundleStackTraces(__filename);\n${exports ? 'module.exports = ' : ''}require(${JSON.stringify(`./${entry}`)});\n`,
              resolveDir: DIST_SRC,
              sourcefile: `bundle-${name}.cjs`,
              loader: 'js',
            },
          }
        : { entryPoints: [join(DIST_SRC, entry)] }),
      outfile: join(OUT, `${name}.cjs`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      // No comments nor indentation (names stay: stack traces are mapped to src/ anyway), and
      // non-ASCII characters of strings as escapes: less to read, and a one-byte string for V8.
      minifyWhitespace: true,
      charset: 'ascii',
      logLevel: 'warning',
      ...(requireImports ? { supported: { 'dynamic-import': false } } : {}),
      plugins: [perModule(routeImports)],
      banner: {
        js: [
          '"use strict";',
          '// Generated by scripts/bundle.mjs from dist/src/: do not edit.',
          'const __hotctlModuleUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "src", rel)).href;',
          // Node 20 loses a script's import() callback when V8 compiles it from a code cache
          // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING): bin/hotctl passes an import() of its
          // own; required plainly, the bundle uses its own.
          ...(routeImports ? ['const __hotctlDynamicImport = typeof __hotctlImport === "function" ? __hotctlImport : (specifier) => import(specifier);'] : []),
        ].join('\n'),
      },
    });
  }),
);
// The CLI's bundles run from a V8 code cache (bin/hotctl): every command would
// parse them first. Each is keyed by its content; then its cache is written by one run of the
// CLI, so that it holds the functions of that path too (V8 writes every function compiled so far).
// The whole CLI's: `--help` against an empty state directory (nothing is started or written
// there). The fast lines': `status` against a daemon of this build with one app, so that the
// handshake, the answer's frames and the status table are in it as well: 4–5 ms less of each
// `hotctl status` than a cache written against no daemon (bench/RESULTS.md, section 35). If that
// daemon cannot be started here, the run is against no daemon. The daemon's and the workers'
// bundles start once per process, not per command: no cache.
// bin/hotctl, required rather than run, gives its code-cache functions.
const codeCache = createRequire(import.meta.url)(join(ROOT, 'bin', 'hotctl'));
const withoutNodeOptions = ({ NODE_OPTIONS: _flags, ...env }) => env;
const emptyHome = mkdtempSync(join(tmpdir(), 'hotctl-build-'));
const hotctl = (home, args, extra = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'hotctl'), ...args], {
    // V8 rejects a cache made under other flags: none from NODE_OPTIONS, as a command runs.
    env: { ...withoutNodeOptions(process.env), HOTCTL_HOME: home, HOTCTL_HTTP_PORT: '0', ...extra },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
try {
  for (const [name, { codeCache: cached, cacheRun, cacheDaemon }] of Object.entries(ENTRIES)) {
    if (!cached) continue;
    const bundle = join(OUT, `${name}.cjs`);
    codeCache.keyBundle(bundle);
    const home = join(emptyHome, name);
    const training = cacheDaemon ? trainingHome(home) : null;
    try {
      const run = hotctl(home, cacheRun, { HOTCTL_WRITE_CODE_CACHE: bundle });
      if (run.status !== 0) console.error(`scripts/bundle.mjs: no code cache for ${name}.cjs (hotctl ${cacheRun.join(' ')} exited ${run.status ?? run.signal}): ${run.stderr}`);
    } finally {
      training?.stop();
    }
  }
} finally {
  rmSync(emptyHome, { recursive: true, force: true });
}

/**
 * A daemon of this build in `home`, running one app of one worker that listens on a free port of
 * 127.0.0.1 (a few hundred ms), and how to stop it: `hotctl kill`, then SIGKILL to its process
 * group (the daemon leads its own; its workers are in it) if it still runs. Null, said on stderr,
 * when it cannot be started here.
 */
function trainingHome(home) {
  const app = join(dirname(home), `${basename(home)}-app.cjs`);
  writeFileSync(app, "require('node:net').createServer((socket) => socket.end()).listen(0, '127.0.0.1');\n");
  const stop = () => {
    let pid;
    try {
      pid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim());
    } catch {
      return; // no daemon was started
    }
    hotctl(home, ['kill']);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  };
  const started = hotctl(home, ['start', app, '--name', 'training']);
  if (started.status === 0) return { stop };
  stop();
  console.error(`scripts/bundle.mjs: the fast lines' code cache is written against no daemon (hotctl start exited ${started.status ?? started.signal}): ${started.stderr}`);
  return null;
}
console.error(`scripts/bundle.mjs: ${Object.keys(ENTRIES).map((name) => `dist/bundle/${name}.cjs`).join(', ')} and the CLI's code caches in ${Math.round(performance.now() - started)} ms`);
