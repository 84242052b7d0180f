import t from 'tap';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Home, ROOT, type Teardown } from '../helpers/harness.js';
import { EXIT_CODES } from '../../src/protocol/index.js';

/** A real daemon of another version: this build, copied with another package.json version. */
async function daemonOfVersion(t: Teardown, home: Home, version: string): Promise<void> {
  const dir = join(home.dir, `hotctl-${version}`);
  mkdirSync(dir);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hotctl', version, type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const daemon = spawn(process.execPath, [join(dir, 'dist/src/daemon/main.js')], { env: home.env, stdio: 'ignore' });
  t.teardown(() => void daemon.kill('SIGKILL'));
  for (let i = 0; i < 200 && !existsSync(join(home.dir, 'daemon.sock')); i++) await new Promise((r) => setTimeout(r, 25));
}

for (const [version, code] of [
  ['99.0.0', 'E_DAEMON_NEWER'],
  ['0.0.1', 'E_DAEMON_VERSION_MISMATCH'],
] as const) {
  t.test(`a daemon of version ${version}: the CLI reports ${code} and what to do`, async (t) => {
    const home = new Home(t);
    await daemonOfVersion(t, home, version);
    const r = await home.run(['status']);
    t.equal(r.code, EXIT_CODES.daemon);
    t.match(r.stderr, code);
    t.match(r.stderr, /hotctl update/, 'the hint names the way out');
  });
}
