/**
 * Where hotctl keeps its state. One daemon per state directory.
 *
 * HOTCTL_HOME (default ~/.hotctl, mode 0700) holds:
 * - `daemon.sock`  the control socket (0600)
 * - `daemon.pid`   the pid-file lock
 * - `daemon.log`   the daemon's own output
 * - `state.json`   apps, specs, revisions (0600, holds env values)
 * - `logs/`        per-app log files
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HotctlError } from './errors.js';

export interface HomePaths {
  home: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
  stateFile: string;
  logsDir: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.HOTCTL_HOME;
  return fromEnv && fromEnv.length > 0 ? resolve(fromEnv) : join(userHome(), '.hotctl');
}

/**
 * os.homedir(): $HOME when set (as os.homedir() answers it), else the user's passwd entry through
 * node:os, loaded only then: every command resolves its state directory, and loading node:os was
 * ~0.3 ms of `hotctl status` (bench/RESULTS.md, section 35). `process.getBuiltinModule` (Node >=
 * 20.16) loads it from an ES module or CommonJS alike; on older Node 20, the CommonJS bundles'
 * `require` does (an ES module there, HOTCTL_BUNDLE=0, needs HOME or HOTCTL_HOME).
 */
function userHome(): string {
  const home = process.env.HOME;
  if (home) return home;
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const os = (typeof get === 'function' ? get.call(process, 'node:os') : typeof require === 'function' ? require('node:os') : undefined) as typeof import('node:os') | undefined;
  if (os === undefined) throw new Error(`HOME is not set: set HOME or HOTCTL_HOME (finding the home directory without HOME needs Node >= 20.16 here, not ${process.version})`);
  return os.homedir();
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    socket: join(home, 'daemon.sock'),
    pidFile: join(home, 'daemon.pid'),
    daemonLog: join(home, 'daemon.log'),
    stateFile: join(home, 'state.json'),
    logsDir: join(home, 'logs'),
  };
}

/**
 * Creates the state directory (0700) and its `subdirs` (0700), then checks it as
 * {@link checkStateDir} does. Used by the daemon before it takes the lock.
 */
export function ensureStateDir(home: string, subdirs: string[] = []): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  checkStateDir(home);
  for (const dir of subdirs) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Refuses (`E_HOME_UNSAFE`) a state directory that is not a directory, belongs to another user,
 * or is writable by group or others: the unix socket's file mode is the access control for
 * actions, and a directory writable by others would let anyone swap the socket. Checked by the
 * CLI before it starts a daemon, and by the daemon itself.
 */
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
