/**
 * Installs the worker side of the primary's connection router (src/traffic/worker-side.ts)
 * when the primary asked for it: HOTCTL_TRAFFIC=1, one of the runtime's own variables
 * (RUNTIME_ENV; docs/traffic.md). It is removed from process.env before the app loads, so the
 * processes the app starts do not inherit it.
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
