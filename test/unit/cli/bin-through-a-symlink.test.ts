/**
 * bin/hotctl run through a symlink, as npm's global bin and `npx` run it: it finds its package
 * from the file the link leads to, whether Node resolved the main module's path (its default) or
 * kept the link's (--preserve-symlinks-main).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from '../../helpers/harness.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

t.test('through a symlink in another folder: --version, and status from the bundles', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hbin-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const link = join(dir, 'hotctl');
  symlinkSync(join(ROOT, 'bin', 'hotctl'), link);
  const { NODE_OPTIONS: _flags, ...clean } = process.env;
  const env = { ...clean, HOTCTL_HOME: join(dir, 'home') };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, encoding: 'utf8', timeout: 30_000 });
  // As a command: the sh lines, then Node on the link.
  t.equal(run(link, ['--version']), `${VERSION}\n`);
  t.equal(run(link, ['status']), `No daemon running (HOTCTL_HOME=${join(dir, 'home')}).\n`);
  // Node told to keep the link's path for the main module.
  t.equal(run(process.execPath, ['--preserve-symlinks-main', link, '--version']), `${VERSION}\n`);
  t.equal(run(process.execPath, ['--preserve-symlinks-main', link, 'status']), `No daemon running (HOTCTL_HOME=${join(dir, 'home')}).\n`);
});
