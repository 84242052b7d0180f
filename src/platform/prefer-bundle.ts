/**
 * Which file to run for an entry (the CLI, the daemon, the worker runtime): its bundle under
 * dist/bundle/ (scripts/bundle.mjs: one CommonJS file, no ES module graph to load) when it is
 * there and not older than the compiled module it was built from, else that module under
 * dist/src/ — a build by `tsc` alone, a bundle left over from an older build, or
 * HOTCTL_BUNDLE=0 (which the daemon and its workers inherit from the CLI that starts them).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** HOTCTL_BUNDLE=0: run dist/src/ even where a bundle is built. */
export const BUNDLE_ENV = 'HOTCTL_BUNDLE';

export function preferBundle(bundle: URL, compiled: URL, env: NodeJS.ProcessEnv = process.env): string {
  const compiledPath = fileURLToPath(compiled);
  if (env[BUNDLE_ENV] === '0') return compiledPath;
  const bundlePath = fileURLToPath(bundle);
  const bundled = mtime(bundlePath);
  return bundled !== null && bundled >= (mtime(compiledPath) ?? -1) ? bundlePath : compiledPath;
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
