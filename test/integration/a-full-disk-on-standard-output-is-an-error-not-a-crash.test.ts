import t from 'tap';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { BIN, freePort, Home, writeEcosystem } from '../helpers/harness.js';

/** Runs bin/hotctl with its standard output on /dev/full (every write: ENOSPC). */
function toFullDisk(home: Home, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(BIN, args, { env: home.env, stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

t.test('--version and status on a full disk: exit 1 and one line that says why, no stack trace', { skip: existsSync('/dev/full') ? false : 'no /dev/full here' }, async (t) => {
  const home = new Home(t);
  const version = await toFullDisk(home, ['--version']);
  t.equal(version.code, 1, '--version');
  t.match(version.stderr, /^error: cannot write to standard output: ENOSPC/);
  t.notMatch(version.stderr, /\n\s+at /, 'no stack trace');

  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  for (const args of [['status'], ['status', '--json']]) {
    const r = await toFullDisk(home, args);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, /^error: cannot write to standard output: ENOSPC/, args.join(' '));
    t.notMatch(r.stderr, /\n\s+at /, `${args.join(' ')}: no stack trace`);
  }
});
