/**
 * Steps shared by the strategies and operation bodies, built on the {@link Rollout} interface:
 * bring workers up and hold them for reload_hold, roll failed candidates back, build the error
 * of a failed worker.
 */
import type { AppSpec, CanaryPlan, ErrorPayload, ReloadStrategy } from '../protocol/index.js';
import { HotctlError, isComingUpWorker } from '../protocol/index.js';
import type { OperationProgress, Rollout } from './rollout.js';
import type { Revision } from './revision.js';
import type { ManagedWorker } from './worker-state.js';

/** What an operation was asked to do, beyond its kind. */
/** What the state file keeps of a canary hold (supervisor.ts `record()`; canary-resume.ts holds it again). */
export interface HeldCanaryRecord {
  revision: number;
  workers: number;
  /** The percentage of new connections asked (`--canary 10%`), or null: by worker count. */
  share: number | null;
}

export interface OperationRequest {
  spec?: AppSpec;
  strategy?: ReloadStrategy;
  batch?: number;
  canary?: number;
  /** With `canary`: the percentage of new connections for the canary revision. */
  canaryShare?: number;
  /** `reload --auto`: the canary plan to run (the app's `canary` key with the flags over it). */
  auto?: CanaryPlan;
  /** rollback: the revision to go back to. */
  to?: number;
  force?: boolean;
  /** scale: the new worker count. */
  instances?: number;
  /** start, restart: run the active revision again (a daemon restoring its apps, a cron_restart) instead of making a new one. */
  resume?: boolean;
  /** reload: hold again the canary the state file kept (canary-resume.ts), instead of a new revision. */
  resumeCanary?: HeldCanaryRecord;
  /** Why, when hotctl itself started the operation (e.g. a canary worker crashed). */
  reason?: string;
  /** reload: the rollback window for this reload (ms), over the spec's rollback_window. */
  rollbackWindowMs?: number;
  /** rollback started by hotctl because a new worker broke within the rollback window: what the rolled-back revision records. */
  fault?: ErrorPayload;
}

/**
 * A worker that is up (`ready`), or whose process ended on purpose (a job that finished: exited
 * with no failure, never retired by an operation before it was up).
 */
export function isUpOrDone(w: ManagedWorker): boolean {
  return w.state === 'ready' || (w.state === 'exited' && w.failure === null);
}

/** Resolves null once every worker of `fresh` is up or done, or with the first one that failed. */
export function awaitUpOrDone(r: Rollout, fresh: readonly ManagedWorker[]): Promise<ManagedWorker | null> {
  return r.waitFor<ManagedWorker | null>(() => {
    const failed = fresh.find((w) => !isComingUpWorker(w.state) && !isUpOrDone(w));
    if (failed) return failed;
    return fresh.every(isUpOrDone) ? null : undefined;
  });
}

/** awaiting_ready: resolves null once every worker of `fresh` is up or done (no hold: the old generation is parked), or with the first one that failed. */
export function awaitReady(r: Rollout, fresh: readonly ManagedWorker[]): Promise<ManagedWorker | null> {
  r.op.transition('awaiting_ready', `waiting for ${plural(fresh.length, 'new worker')} to be ready`);
  return awaitUpOrDone(r, fresh);
}

/**
 * awaiting_ready → stabilizing: resolves null once every worker of `fresh` is ready and has
 * stayed ready `holdMs` (reload_hold), or with the first one that failed. A job that finished
 * meanwhile (exited on purpose) counts as up. `onReady` runs once every one is ready, before the
 * hold (a canary takes its share of traffic from then on).
 */
export async function awaitReadyAndStable(r: Rollout, fresh: readonly ManagedWorker[], holdMs: number, onReady?: () => void): Promise<ManagedWorker | null> {
  r.op.transition('awaiting_ready', `waiting for ${plural(fresh.length, 'new worker')} to be ready`);
  const notReady = await awaitUpOrDone(r, fresh);
  if (notReady) return notReady;
  onReady?.();
  const stableAfterMs = holdMs - (r.now() - Math.max(...fresh.map((w) => w.sinceMs)));
  r.op.transition('stabilizing', `${plural(fresh.length, 'new worker')} ready; holding ${Math.max(0, stableAfterMs)} ms (reload_hold)`);
  return r.waitFor<ManagedWorker | null>(() => fresh.find((w) => !isUpOrDone(w)), {
    afterMs: stableAfterMs,
    onTimeout: () => null,
  });
}

/** Drains the failed candidates, marks the revision failed, and fails the operation. */
export async function rollBackCandidates(r: Rollout, revision: Revision, fresh: readonly ManagedWorker[], culprit: ManagedWorker): Promise<void> {
  const error = r.failure(culprit, 'E_RELOAD_FAILED');
  r.op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; stopping the new workers`);
  await r.retire(fresh, `revision ${revision.number} rolled back`);
  r.reject(revision, error);
}

/** The error an operation fails with when `worker` broke: the cause, and its stderr tail. */
export function failureError(app: string, op: OperationProgress, worker: ManagedWorker, code: 'E_RELOAD_FAILED' | 'E_START_FAILED'): HotctlError {
  const cause = worker.failure ?? { code: 'E_WORKER_EXITED' as const, message: 'exited' };
  const kept = op.fromRevision === null || code === 'E_START_FAILED' ? '' : `; revision ${op.fromRevision} keeps serving`;
  const message = `${op.kind} of "${app}" failed: new worker ${worker.id}${worker.lastPid ? ` (pid ${worker.lastPid})` : ''} ${cause.message}${kept}`;
  return new HotctlError(cause.code === 'E_PORT_IN_USE' || cause.code === 'E_SPAWN_FAILED' ? cause.code : code, message, {
    details: {
      app,
      cause: cause.code === 'E_SPAWN_FAILED' ? (cause.errno ?? cause.code) : cause.code,
      worker_id: worker.id,
      pid: worker.lastPid,
      revision: worker.revision,
      kept_revision: code === 'E_RELOAD_FAILED' ? op.fromRevision : null,
      stderr: worker.stderrTail.slice(-20),
    },
  });
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
