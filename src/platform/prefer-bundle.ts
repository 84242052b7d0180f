/**
 * Which file to run for an entry (the CLI, the daemon, the worker runtime): its bundle under
 * dist/bundle/ (scripts/bundle.mjs: one CommonJS file, no ES module graph to load) when it is
 * there, else that module under dist/src/; dist/src/ also with HOTCTL_BUNDLE=0 (which the daemon
 * and its workers inherit from the CLI that starts them).
 * In a checkout (tsconfig.json at the package root), a bundle older than the compiled module is
 * stale (`tsc` ran alone after it) and not run. An installed package has no tsconfig.json and
 * its files' times are those of the extraction, in no useful order: there the bundle runs.
 * bin/hotctl makes the same choice for the CLI in plain JavaScript.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** HOTCTL_BUNDLE=0: run dist/src/ even where a bundle is built. */
export const BUNDLE_ENV = 'HOTCTL_BUNDLE';

/** `bundle`: <package>/dist/bundle/<name>.cjs; `compiled`: its entry under <package>/dist/src/. */
export function preferBundle(bundle: URL, compiled: URL, env: NodeJS.ProcessEnv = process.env): string {
  const compiledPath = fileURLToPath(compiled);
  if (env[BUNDLE_ENV] === '0') return compiledPath;
  const bundlePath = fileURLToPath(bundle);
  const bundled = mtime(bundlePath);
  if (bundled === null) return compiledPath;
  const checkout = existsSync(new URL('../../tsconfig.json', bundle));
  return !checkout || bundled >= (mtime(compiledPath) ?? -1) ? bundlePath : compiledPath;
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
