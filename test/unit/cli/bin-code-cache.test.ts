/**
 * bin/hotctl's code-cache functions: a bundle runs from a V8 code cache made from its very
 * content, and from its source alone when the cache is missing or of another content. Real
 * files, real Node processes (a cache is written at a process' exit); bin/hotctl required, not
 * run, as scripts/bundle.mjs requires it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from '../../helpers/harness.js';

const BIN = join(ROOT, 'bin', 'hotctl');

/** What bin/hotctl exports when required. */
interface CodeCache {
  codeCachePath(bundle: string): string;
  keyBundle(bundle: string): void;
  compileBundle(bundle: string): { cached: boolean };
  requireBundle(bundle: string, parent: NodeJS.Module): unknown;
}
const codeCache = createRequire(import.meta.url)(BIN) as CodeCache;

/** Runs `bundle` with requireBundle in a new Node; returns its stdout. */
function runInNode(bundle: string, env: NodeJS.ProcessEnv = {}): string {
  const { NODE_OPTIONS: _flags, ...clean } = process.env;
  // Node's own source maps off, as a user's command runs (tap's process-info hook turns them on
  // in children; with them on, requireBundle leaves the bundle to require()).
  const program = `process.setSourceMapsEnabled(false); require(${JSON.stringify(BIN)}).requireBundle(${JSON.stringify(bundle)}, module)`;
  return execFileSync(process.execPath, ['-e', program], { env: { ...clean, ...env }, encoding: 'utf8' });
}

t.test('the cache is written by a keyed run, then taken; another content of the same length runs from its source', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hcc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'b.cjs');
  // import() of what is outside the bundle goes through __hotctlImport, as scripts/bundle.mjs routes it.
  const source = (word: string) => `"use strict";\nconst f = (n) => n * 2;\nconst load = typeof __hotctlImport === 'function' ? __hotctlImport : (s) => import(s);\nload('node:os').then((os) => console.log('${word}', f(21), typeof os.cpus, typeof __dirname, module.filename === __filename));\n`;
  writeFileSync(bundle, source('alpha'));
  codeCache.keyBundle(bundle);
  t.match(readFileSync(bundle, 'utf8'), /\n\/\/# hotctl-build=[0-9a-f]{40}\n$/, 'the key line ends the bundle');
  t.equal(codeCache.compileBundle(bundle).cached, false, 'no cache yet');

  t.equal(runInNode(bundle, { HOTCTL_WRITE_CODE_CACHE: bundle }), 'alpha 42 function string true\n', 'the writing run runs the bundle');
  t.ok(readFileSync(codeCache.codeCachePath(bundle)).length > 40, 'a cache was written at exit');
  t.equal(codeCache.compileBundle(bundle).cached, true, 'V8 takes the cache made from this content');
  t.equal(runInNode(bundle), 'alpha 42 function string true\n', 'and the bundle runs from it');

  // The same length, another content (and so another key): the old cache is not used.
  const cache = readFileSync(codeCache.codeCachePath(bundle));
  writeFileSync(bundle, source('gamma'));
  codeCache.keyBundle(bundle);
  writeFileSync(codeCache.codeCachePath(bundle), cache);
  t.equal(codeCache.compileBundle(bundle).cached, false, 'a cache of another content is not taken');
  t.equal(runInNode(bundle), 'gamma 42 function string true\n', 'the new content runs');

  // A bundle without a key line (built by hand) runs from its source.
  writeFileSync(bundle, source('delta'));
  t.equal(codeCache.compileBundle(bundle).cached, false);
  t.equal(runInNode(bundle), 'delta 42 function string true\n');
});

t.test("the build's CLI bundles have a cache this Node takes", async (t) => {
  for (const name of ['cli-fast.cjs', 'cli.cjs']) t.equal(codeCache.compileBundle(join(ROOT, 'dist', 'bundle', name)).cached, true, `${name}: npm test builds it (scripts/bundle.mjs)`);
});
