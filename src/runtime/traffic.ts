/**
 * Installs the worker side of the primary's connection router (src/traffic/worker-side.ts)
 * when the primary asked for it (HOTCTL_TRAFFIC=1 in the worker's env; docs/traffic.md). The
 * variable is removed before the app loads: the app's env is what it would be without it.
 */
import { TRAFFIC_ENV } from '../protocol/traffic-ipc.js';
import { RUNTIME_ENV } from '../protocol/worker-ipc.js';
import { TrafficWorkerSide } from '../traffic/worker-side.js';

export function installTraffic(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = env[TRAFFIC_ENV] === '1';
  delete env[TRAFFIC_ENV];
  if (!on) return false;
  const member = { app: env[RUNTIME_ENV.app] ?? '', workerId: Number(env[RUNTIME_ENV.workerId]), revision: Number(env[RUNTIME_ENV.revision]) };
  new TrafficWorkerSide(member).install();
  return true;
}
