/**
 * `hotctl update` without downtime: asks the running daemon to hand its listening sockets to a
 * daemon of this CLI's install (request `handoff`, src/daemon/handoff/), which restores every
 * app on its revision and takes over once all are ready. The old daemon then drains and exits.
 */
import { HotctlError } from '../../protocol/index.js';
import { isProcessAlive } from '../../platform/process-alive.js';
import type { ControlClient } from '../client.js';
import { defaultDaemonEntry } from '../daemon-launcher.js';

/**
 * Test-only: the daemon entry the new daemon is started from instead of this install's
 * (a broken build in test/integration). Read by nothing but `hotctl update`.
 */
export const TEST_DAEMON_ENTRY_ENV = 'HOTCTL_TEST_DAEMON_ENTRY';

export interface HandoffOutcome {
  old_pid: number;
  pid: number;
  sockets: number;
  apps: string[];
  took_ms: number;
}

/** null: the daemon predates the hand-off (E_UNKNOWN_METHOD); the caller restarts it instead. */
export async function requestHandoff(client: ControlClient, env: NodeJS.ProcessEnv, timeoutS: number): Promise<HandoffOutcome | null> {
  const timeoutMs = Math.round(timeoutS * 1000);
  try {
    return await client.request(
      'handoff',
      { entry: env[TEST_DAEMON_ENTRY_ENV] || defaultDaemonEntry(env), exec_path: process.execPath, timeout_ms: timeoutMs },
      { timeoutMs: timeoutMs + 15_000 },
    );
  } catch (err) {
    if (err instanceof HotctlError && err.code === 'E_UNKNOWN_METHOD') return null;
    throw err;
  }
}

/** Waits until the old daemon has drained its workers and exited. */
export async function waitExit(pid: number, timeoutS: number): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
