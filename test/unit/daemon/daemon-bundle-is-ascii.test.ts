import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Issue 13 (bench/RESULTS.md, section 26): V8 keeps a script's source for lazy compilation as long
 * as the script lives, one byte a character when every character is Latin-1, two otherwise. One
 * "→" in a comment esbuild keeps made the daemon's 424 KB bundle an 848 KB string (+0.42 MB of
 * large-object space in the idle daemon). esbuild escapes non-ASCII characters in strings, not in
 * the comments it keeps: hotctl's own sources keep those ASCII.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'bundle', 'daemon.cjs');

t.test('the daemon bundle is ASCII, so that V8 holds its source one byte a character', { skip: !existsSync(BUNDLE) && 'no bundle built (scripts/bundle.mjs)' }, async (t) => {
  const lines = readFileSync(BUNDLE, 'utf8').split('\n');
  let module = '';
  const offending: string[] = [];
  for (const [i, line] of lines.entries()) {
    module = /^\/\/ ((?:dist|node_modules)\/\S+)$/.exec(line)?.[1] ?? module;
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(line)) offending.push(`${module} (bundle line ${i + 1}): ${line.trim().slice(0, 100)}`);
  }
  t.same(offending, [], 'no line with a non-ASCII character (change it in the module named)');
});
