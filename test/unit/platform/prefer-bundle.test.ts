import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { preferBundle } from '../../../src/platform/prefer-bundle.js';

function packageDir(t: { teardown(fn: () => void): void }, checkout: boolean): { bundle: string; compiled: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hotctl-prefer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'src', 'x'), { recursive: true });
  if (checkout) writeFileSync(join(dir, 'tsconfig.json'), '{}');
  return { bundle: join(dir, 'dist', 'bundle', 'x.cjs'), compiled: join(dir, 'dist', 'src', 'x', 'main.js') };
}

t.test('in a checkout, the bundle runs when it is there and not older than the compiled entry; else the compiled entry', async (t) => {
  const { bundle, compiled } = packageDir(t, true);
  const pick = (env: NodeJS.ProcessEnv = {}) => preferBundle(pathToFileURL(bundle), pathToFileURL(compiled), env);
  writeFileSync(compiled, '');
  t.equal(pick(), compiled, 'no bundle: the compiled entry');
  writeFileSync(bundle, '');
  utimesSync(compiled, 1000, 1000);
  utimesSync(bundle, 2000, 2000);
  t.equal(pick(), bundle, 'a bundle newer than the entry');
  utimesSync(bundle, 1000, 1000);
  t.equal(pick(), bundle, 'same time (npm pack sets one time on every file)');
  utimesSync(compiled, 3000, 3000);
  t.equal(pick(), compiled, 'a bundle older than the entry (tsc ran after it): stale, not run');
  utimesSync(compiled, 1000, 1000);
  t.equal(pick({ HOTCTL_BUNDLE: '0' }), compiled, 'HOTCTL_BUNDLE=0');
  rmSync(compiled);
  t.equal(pick(), bundle, 'only the bundle');
});

t.test('in an installed package (no tsconfig.json), the bundle runs whatever the files\' times', async (t) => {
  const { bundle, compiled } = packageDir(t, false);
  const pick = (env: NodeJS.ProcessEnv = {}) => preferBundle(pathToFileURL(bundle), pathToFileURL(compiled), env);
  writeFileSync(compiled, '');
  t.equal(pick(), compiled, 'no bundle: the compiled entry');
  writeFileSync(bundle, '');
  utimesSync(bundle, 1000, 1000);
  utimesSync(compiled, 1001, 1001);
  t.equal(pick(), bundle, 'extracted after the bundle: still the bundle');
  t.equal(pick({ HOTCTL_BUNDLE: '0' }), compiled, 'HOTCTL_BUNDLE=0');
});
