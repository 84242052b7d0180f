import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectScript } from '../../../src/daemon/script-inspector.js';
import type { AppSpec } from '../../../src/protocol/index.js';

t.test('a revision pins the real script, its sha256, the package version and the git commit (loose ref, then packed)', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hc-inspect-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const release = join(dir, 'releases', 'v2');
  mkdirSync(release, { recursive: true });
  writeFileSync(join(release, 'app.js'), 'console.log(1)\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '2.0.1' }));
  mkdirSync(join(dir, '.git', 'refs', 'heads'), { recursive: true });
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, '.git', 'refs', 'heads', 'main'), `${'a'.repeat(40)}\n`);
  symlinkSync(release, join(dir, 'current'));
  const spec = { name: 'api', script: join(dir, 'current', 'app.js') } as AppSpec;
  const facts = await inspectScript(spec);
  t.same(facts, {
    script: join(release, 'app.js'),
    cwd: release,
    script_sha256: createHash('sha256').update('console.log(1)\n').digest('hex'),
    app_version: '2.0.1',
    git_commit: 'a'.repeat(40),
  });
  rmSync(join(dir, '.git', 'refs', 'heads', 'main'));
  writeFileSync(join(dir, '.git', 'packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/main\n`);
  t.equal((await inspectScript(spec)).git_commit, 'b'.repeat(40), 'packed-refs');
  await t.rejects(inspectScript({ ...spec, script: join(dir, 'nope.js') }), { code: 'E_SCRIPT_NOT_FOUND' });
  await t.rejects(inspectScript({ ...spec, script: release }), { code: 'E_SCRIPT_NOT_FOUND' }, 'a directory is not a script');
  await t.rejects(inspectScript({ ...spec, cwd: join(dir, 'gone') }), { code: 'E_SCRIPT_NOT_FOUND' });
});

t.test('the nearest package.json that reads as JSON and the nearest .git directory win, all looked for at once', async (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hc-inspect-')));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const app = join(dir, 'repo', 'packages', 'api', 'src');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'main.js'), '');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '9.9.9' }));
  writeFileSync(join(dir, 'repo', 'package.json'), JSON.stringify({ version: '1.0.0' }));
  writeFileSync(join(dir, 'repo', 'packages', 'api', 'package.json'), JSON.stringify({ version: '3.1.4' }));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git', 'HEAD'), `${'c'.repeat(40)}\n`);
  mkdirSync(join(dir, 'repo', '.git'));
  writeFileSync(join(dir, 'repo', '.git', 'HEAD'), `${'d'.repeat(40)}\n`);
  const spec = { name: 'api', script: join(app, 'main.js') } as AppSpec;
  t.match(await inspectScript(spec), { app_version: '3.1.4', git_commit: 'd'.repeat(40) }, 'the nearest of each');
  writeFileSync(join(dir, 'repo', 'packages', 'api', 'package.json'), '{ not json');
  writeFileSync(join(dir, 'repo', 'packages', 'api', '.git'), 'gitdir: /elsewhere\n'); // a worktree's .git file: not a directory
  t.match(await inspectScript(spec), { app_version: '1.0.0', git_commit: 'd'.repeat(40) }, 'one that does not parse, and a .git file, are passed over');
  writeFileSync(join(dir, 'repo', 'package.json'), JSON.stringify({ name: 'no version' }));
  t.match(await inspectScript(spec), { app_version: null }, 'the nearest that parses has no version: none (not a farther one)');
});
