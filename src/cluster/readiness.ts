/**
 * The readiness judgement behind `/readyz` (the orchestrator's readiness probe): ready when
 * every app that should run has at least one ready worker and as many as its `instances`.
 * No app to run is not ready: a pod whose supervisor has not started its apps yet serves nothing.
 */
import type { WorkerState } from '../protocol/index.js';
import { isServingWorker } from '../protocol/index.js';

export interface ReadyReport {
  ready: boolean;
  apps: Array<{ name: string; ready: number; wanted: number }>;
}

/** What the judgement needs to know of an app. */
export interface ReadinessApp {
  name: string;
  wanted: 'running' | 'stopped';
  spec: { instances: number };
  pool: { workers: readonly { state: WorkerState }[] };
}

export function judgeReadiness(apps: readonly ReadinessApp[]): ReadyReport {
  const running = apps
    .filter((app) => app.wanted === 'running')
    .map((app) => ({ name: app.name, ready: app.pool.workers.filter((w) => isServingWorker(w.state)).length, wanted: app.spec.instances }));
  return { ready: running.length > 0 && running.every((a) => a.ready > 0 && a.ready >= a.wanted), apps: running };
}
