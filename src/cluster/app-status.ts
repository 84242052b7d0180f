/**
 * An app's status as `hotctl status` shows it: derived from the supervisor's facts, written by
 * nothing here. Pure.
 */
import type { AppSpec, AppStatus, AppStatusInfo, CanaryAnalysisInfo, ProcessExitInfo, WorkerMetricsSummary, WorkerStatus } from '../protocol/index.js';
import { isServingWorker } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { ParkedGeneration } from './parking.js';
import type { CanaryHold } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';
import { isoTime } from '../platform/iso-time.js';

/** What the status is computed from. */
export interface StatusFacts {
  name: string;
  spec: AppSpec;
  wanted: 'running' | 'stopped';
  activeRevision: number;
  workers: readonly ManagedWorker[];
  operation: Operation | null;
  lastOperation: Operation | null;
  canary: CanaryHold | null;
  /** The analysis judging the canary (`reload --auto`), while it runs. */
  analysis?: CanaryAnalysisInfo | null;
  parked?: ParkedGeneration | null;
  restarts: number;
  lastExit: ProcessExitInfo | null;
  nextRunMs: number | null;
  nowMs: number;
  metricsOf?(app: string, workerId: number): WorkerMetricsSummary | null;
}

export function appStatusInfo(f: StatusFacts): AppStatusInfo {
  const workers: WorkerStatus[] = f.workers.map((w) => ({
    id: w.id,
    pid: w.pid,
    instance: w.instance,
    state: w.state,
    revision: w.revision,
    restarts: w.restarts,
    uptime_ms: w.processStartedMs === null ? 0 : f.nowMs - w.processStartedMs,
    since: isoTime(w.sinceMs),
    metrics: w.pid === null ? null : (f.metricsOf?.(f.name, w.id) ?? null),
  }));
  return {
    name: f.name,
    status: appStatus(f),
    revision: f.activeRevision,
    instances: f.spec.instances,
    script: f.spec.script,
    cwd: f.spec.cwd ?? '',
    restarts: f.restarts,
    last_exit: f.lastExit,
    next_run: f.nextRunMs == null ? null : isoTime(f.nextRunMs),
    workers,
    operation: f.operation?.snapshot() ?? null,
    last_operation: f.lastOperation?.snapshot() ?? null,
    canary: f.canary ? { revision: f.canary.revision.number, workers: f.canary.workers.length, since: isoTime(f.canary.sinceMs), share: f.canary.share } : null,
    ...(f.analysis ? { analysis: f.analysis } : {}),
    ...(f.parked ? { parked: { revision: f.parked.revision.number, workers: f.parked.workers.length, since: isoTime(f.parked.sinceMs), until: isoTime(f.parked.untilMs) } } : {}),
  };
}

export function appStatus(f: Pick<StatusFacts, 'operation' | 'canary' | 'workers' | 'wanted' | 'spec'>): AppStatus {
  const op = f.operation;
  if (op) {
    if (op.kind === 'stop' || op.kind === 'delete') return 'stopping';
    if (op.kind === 'start') return 'starting';
    return 'reloading';
  }
  if (f.canary) return 'canary';
  // A parked worker (the previous generation, within its rollback window) neither serves nor is missing.
  const workers = f.workers.filter((w) => w.state !== 'parked');
  if (workers.length === 0) return f.wanted === 'stopped' ? 'stopped' : 'errored';
  const ready = workers.filter((w) => isServingWorker(w.state)).length;
  if (ready === workers.length && ready >= f.spec.instances) return 'online';
  if (ready === 0) return workers.some((w) => w.state === 'errored') ? 'errored' : 'starting';
  return 'degraded';
}
