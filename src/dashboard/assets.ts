/**
 * The dashboard's static files (src/dashboard/public/: plain HTML, JS and CSS, no build step, no
 * CDN), the compiled modules it shares with the CLI (src/format/ and the worker-state table,
 * served from dist/ at /lib/), and the one place that maps a URL path to a file among them.
 */
import { isAbsolute, join, relative, resolve, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/dashboard/public/, from this file compiled to dist/src/dashboard/ (../../../ is the package root). */
export const DASHBOARD_PUBLIC_DIR = fileURLToPath(new URL('../../../src/dashboard/public/', import.meta.url));

/** dist/src/, from this file compiled to dist/src/dashboard/: where /lib/ is served from. */
export const DASHBOARD_MODULES_DIR = fileURLToPath(new URL('../', import.meta.url));

/**
 * The compiled modules the page may import under /lib/: the formatters and tones of src/format/
 * (no Node API, see its index.ts) and the worker-state table src/protocol/states.ts (no imports).
 */
const SHARED_MODULES = /^(?:format\/[a-z][a-z0-9-]*|protocol\/states)\.js$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface Asset {
  path: string;
  contentType: string;
}

/**
 * The file a URL path (still percent-encoded, relative to the assets root) names, or null when
 * it names none that may be served: anything that decodes to a `..`, `.` or hidden segment, a
 * backslash, a NUL, an absolute path, or a type not in the list is refused — nothing outside
 * `dir` can be reached.
 */
export function resolveAsset(dir: string, encodedPath: string): Asset | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
  if (decoded.length === 0 || decoded.includes('\0') || decoded.includes('\\') || isAbsolute(decoded)) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
  const root = resolve(dir);
  const path = resolve(join(root, ...segments));
  const rel = relative(root, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
  return contentType === undefined ? null : { path, contentType };
}

/** The shared module a URL path under /lib/ names (see {@link SHARED_MODULES}), or null. */
export function resolveModule(dir: string, encodedPath: string): Asset | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedPath);
  } catch {
    return null;
  }
  return SHARED_MODULES.test(decoded) ? resolveAsset(dir, encodedPath) : null;
}
