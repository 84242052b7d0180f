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
