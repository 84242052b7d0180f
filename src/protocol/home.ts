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
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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
  return fromEnv && fromEnv.length > 0 ? resolve(fromEnv) : join(homedir(), '.hotctl');
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
