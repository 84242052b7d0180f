/**
 * What a Supervisor needs from the daemon (SupervisorDeps) and what it persists of an app in
 * state.json (SupervisorRecord).
 */
import type { AppSpec, ProcessExitInfo, RequestOutcomes, WorkerMetricsSummary } from '../protocol/index.js';
import type { HeldCanaryRecord } from './op-steps.js';
import type { InspectScript, Revision } from './revision.js';
import type { WorkerPoolDeps } from './worker-pool.js';

export interface SupervisorDeps extends WorkerPoolDeps {
  inspect: InspectScript;
  /** Called after anything worth persisting changed. */
  changed(): void;
  /** The last sampled metrics of a worker, if a sampler runs. */
  metricsOf?(app: string, workerId: number): WorkerMetricsSummary | null;
  /** The app's request outcomes per revision, cumulative (what a canary analysis judges). */
  outcomesOf?(app: string): ReadonlyMap<number, RequestOutcomes>;
  /** Whether the primary routes the app's listens (a reload can then park the old generation); absent: never. */
  routed?(app: string): boolean;
}

/** What is persisted about an app (state.json). */
export interface SupervisorRecord {
  name: string;
  spec: AppSpec;
  /** Whether the app should be running when the daemon starts again. */
  running: boolean;
  active_revision: number;
  next_revision: number;
  revisions: Revision[];
  /** The app's restart count (see AppStatusInfo.restarts). Absent in older state files. */
  restarts?: number;
  /** Whether its cron_restart schedule runs (false once stopped by an operator). */
  scheduled?: boolean;
  last_exit?: ProcessExitInfo | null;
  /** The canary held (restored with the app: canary-resume.ts). Absent in older state files. */
  canary?: HeldCanaryRecord | null;
}
