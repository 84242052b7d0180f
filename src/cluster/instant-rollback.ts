/**
 * A rollback within the rollback window (parking.ts): no fork. The parked workers — the same
 * processes that served before the reload — are routed again at once and their revision is
 * active again; the new generation drains in the background, and the operation succeeds as soon
 * as traffic has moved. hotctl starts one by itself when a new worker crashes or hangs within the
 * window (supervisor.ts); the rolled-back revision then records why (`fault`).
 */
import type { ErrorPayload, WorkerTransitionEvent } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import { plural, range } from './op-steps.js';
import type { ParkedGeneration } from './parking.js';
import type { AppRollout } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';

/** Brings the parked generation back; false when none is parked (a rollback as before then). */
export function rollBackToParked(a: AppRollout, reason: string | undefined, fault: ErrorPayload | undefined): boolean {
  const generation = a.parked();
  if (!generation) return false;
  const { revision } = generation;
  a.target(revision);
  // Every other worker leaves: the new generation, one of it waiting to restart after a crash included.
  const leaving = a.workers().filter((w) => !generation.workers.includes(w) && w.state !== 'draining' && w.state !== 'exited');
  const pids = generation.workers.map((w) => w.pid).join(', ');
  a.op.transition('draining_old', `${reason ? `${reason}: ` : ''}revision ${revision.number}'s parked workers (pids ${pids}) serve again; draining ${plural(leaving.length, 'worker')} of revision ${a.op.fromRevision ?? '-'}`);
  a.unpark(`rollback within the rollback window${reason ? ` (${reason})` : ''}`, fault);
  void a.retire(leaving, `rolled back to revision ${revision.number}`);
  // A parked generation smaller than the instances asked (some old workers were not ready at the reload): the rest start.
  const missing = range(0, revision.spec.instances).filter((i) => !generation.workers.some((w) => w.instance === i));
  if (missing.length > 0) a.spawn(revision, missing, 'serving');
  a.op.transition('succeeded', `revision ${a.op.fromRevision ?? '-'} → revision ${revision.number}: ${plural(generation.workers.length, 'parked worker')} serve again (no fork)${missing.length > 0 ? `, ${plural(missing.length, 'worker')} starting` : ''}`);
  return true;
}

/**
 * Whether `event` is a new worker breaking within the rollback window — a worker of the active
 * revision, not parked, that crashed or stopped answering — and if so, what the rolled-back
 * revision records. Else null.
 */
export function faultInWindow(generation: ParkedGeneration | null, event: WorkerTransitionEvent, worker: ManagedWorker, activeRevision: number): ErrorPayload | null {
  if (!generation || (event.to !== 'crashed' && event.to !== 'unresponsive')) return null;
  if (worker.revision !== activeRevision || generation.workers.includes(worker) || worker.role !== 'serving') return null;
  const what = event.to === 'crashed' ? `crashed (${event.reason})` : `stopped answering (${event.reason})`;
  const message = `worker ${worker.id}${event.pid ? ` (pid ${event.pid})` : ''} of revision ${activeRevision} ${what} within the rollback window: revision ${generation.revision.number}'s parked workers serve again`;
  return new HotctlError('E_RELOAD_FAILED', message, {
    details: { cause: worker.failure?.code ?? (event.to === 'crashed' ? 'E_WORKER_EXITED' : 'E_UNRESPONSIVE'), worker_id: worker.id, pid: event.pid, revision: activeRevision, kept_revision: generation.revision.number, stderr: worker.stderrTail.slice(-20) },
  }).toJSON();
}
