/**
 * Whether a process runs, as both the CLI (waiting for a daemon to end) and the daemon (its pid
 * lock) must judge it. A zombie does not run: a daemon killed under a PID 1 that never reaps (a
 * container without an init) stays a zombie, and `kill(pid, 0)` still succeeds on it.
 */
import { readFileSync } from 'node:fs';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}
