/**
 * The state directory (HOTCTL_HOME): created 0700, and refused when others could write to it —
 * the unix socket's file mode is the access control for actions, and a directory writable by
 * others would let anyone swap the socket.
 */
import { mkdirSync, statSync } from 'node:fs';
import { HotctlError } from '../protocol/index.js';

export function ensureStateDir(home: string, subdirs: string[] = []): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  checkStateDir(home);
  for (const dir of subdirs) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function checkStateDir(home: string): void {
  const st = statSync(home);
  if (!st.isDirectory()) throw new HotctlError('E_HOME_UNSAFE', `${home} is not a directory.`, { details: { home } });
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new HotctlError('E_HOME_UNSAFE', `${home} belongs to uid ${st.uid}, not to you (uid ${uid}).`, { details: { home, owner: st.uid } });
  }
  if ((st.mode & 0o022) !== 0) {
    throw new HotctlError('E_HOME_UNSAFE', `${home} is writable by others (mode ${(st.mode & 0o777).toString(8)}).`, {
      hint: `Run \`chmod 700 ${home}\`, or point HOTCTL_HOME at a private directory.`,
      details: { home, mode: (st.mode & 0o777).toString(8) },
    });
  }
}
