/**
 * Steps shared by the operation bodies: bring candidates up and hold them for reload_hold,
 * retire workers and wait until they are gone, build the error of a failed worker.
 */
import type { AppSpec, ReloadStrategy } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import type { ManagedWorker } from './worker-state.js';

/** What an operation was asked to do, beyond its kind. */
export interface OperationRequest {
  spec?: AppSpec;
  strategy?: ReloadStrategy;
  batch?: number;
  canary?: number;
  /** rollback: the revision to go back to. */
  to?: number;
  force?: boolean;
  /** scale: the new worker count. */
  instances?: number;
  /** start, restart: run the active revision again (a daemon restoring its apps, a cron_restart) instead of making a new one. */
  resume?: boolean;
  /** Why, when hotctl itself started the operation (e.g. a canary worker crashed). */
  reason?: string;
}

/** Makes the operation's revision and records it on the operation. */
export async function newRevision(
  sup: Supervisor,
  op: Operation,
  spec: AppSpec,
  origin: { cause: string; rollbackOf?: Revision } = { cause: op.kind },
): Promise<Revision> {
  const revision = await sup.createRevision(spec, origin);
  op.toRevision = revision.number;
  return revision;
}

/** Forks `instances` candidates of `revision` (never restarted: a crash fails the operation). */
export function spawnCandidates(sup: Supervisor, revision: Revision, instances: number[]): ManagedWorker[] {
  return instances.map((i) => sup.pool.spawn(i, revision, 'candidate'));
}

/**
 * A worker that is up (`ready`), or whose process ended on purpose (a job that finished: exited
 * with no failure, never retired by an operation before it was up).
 */
export function isUpOrDone(w: ManagedWorker): boolean {
  return w.state === 'ready' || (w.state === 'exited' && w.failure === null);
}

/** Resolves null once every worker of `fresh` is up or done, or with the first one that failed. */
export function awaitUpOrDone(sup: Supervisor, fresh: ManagedWorker[]): Promise<ManagedWorker | null> {
  return sup.pool.waitFor<ManagedWorker | null>(() => {
    const failed = fresh.find((w) => w.state !== 'forking' && w.state !== 'starting' && !isUpOrDone(w));
    if (failed) return failed;
    return fresh.every(isUpOrDone) ? null : undefined;
  });
}

/**
 * awaiting_ready → stabilizing: resolves null once every worker of `fresh` is ready and has
 * stayed ready `holdMs` (reload_hold), or with the first one that failed. A job that finished
 * meanwhile (exited on purpose) counts as up.
 */
export async function awaitReadyAndStable(sup: Supervisor, op: Operation, fresh: ManagedWorker[], holdMs: number): Promise<ManagedWorker | null> {
  op.transition('awaiting_ready', `waiting for ${plural(fresh.length, 'new worker')} to be ready`);
  const notReady = await awaitUpOrDone(sup, fresh);
  if (notReady) return notReady;
  const stableAfterMs = holdMs - (sup.deps.clock.now() - Math.max(...fresh.map((w) => w.sinceMs)));
  op.transition('stabilizing', `${plural(fresh.length, 'new worker')} ready; holding ${Math.max(0, stableAfterMs)} ms (reload_hold)`);
  return sup.pool.waitFor<ManagedWorker | null>(() => fresh.find((w) => !isUpOrDone(w)), {
    afterMs: stableAfterMs,
    onTimeout: () => null,
  });
}

/**
 * Retires `workers` gracefully and resolves when every one has exited. With `op`, a worker that
 * had to be killed at kill_timeout is a step of the operation (with the connections it cut), and
 * the returned text says so for the operation's last message ('' when every worker drained).
 */
export async function retireAll(sup: Supervisor, workers: ManagedWorker[], reason: string, op?: Operation): Promise<string> {
  for (const w of workers) sup.pool.retire(w, reason);
  await sup.pool.waitFor(() => (workers.every((w) => w.state === 'exited') ? true : undefined));
  const killed = workers.filter((w) => w.forcedKill !== null);
  if (killed.length === 0) return '';
  const known = killed.every((w) => w.forcedKill?.connectionsOpen !== null);
  const cut = killed.reduce((n, w) => n + (w.forcedKill?.connectionsOpen ?? 0), 0);
  const what = `${plural(killed.length, 'worker')} killed after kill_timeout, ${known ? plural(cut, 'connection') : 'an unknown number of connections'} cut`;
  op?.step(`${what} (close long-lived connections in an onDrainStart hook or the app's SIGINT handler)`);
  return `; ${what}`;
}

/** Drains the failed candidates, marks the revision failed, and fails the operation. */
export async function rollBackCandidates(sup: Supervisor, op: Operation, revision: Revision, fresh: ManagedWorker[], culprit: ManagedWorker): Promise<void> {
  const error = failureError(sup, op, culprit, 'E_RELOAD_FAILED');
  op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; stopping the new workers`);
  await retireAll(sup, fresh, `revision ${revision.number} rolled back`);
  revision.outcome = 'failed';
  revision.error = error.toJSON();
  sup.deps.changed();
  op.fail(error.toJSON(), error.message);
}

/** The error an operation fails with when `worker` broke: the cause, and its stderr tail. */
export function failureError(sup: Supervisor, op: Operation, worker: ManagedWorker, code: 'E_RELOAD_FAILED' | 'E_START_FAILED'): HotctlError {
  const cause = worker.failure ?? { code: 'E_WORKER_EXITED' as const, message: 'exited' };
  const kept = op.fromRevision === null || code === 'E_START_FAILED' ? '' : `; revision ${op.fromRevision} keeps serving`;
  const message = `${op.kind} of "${sup.name}" failed: new worker ${worker.id}${worker.lastPid ? ` (pid ${worker.lastPid})` : ''} ${cause.message}${kept}`;
  return new HotctlError(cause.code === 'E_PORT_IN_USE' || cause.code === 'E_SPAWN_FAILED' ? cause.code : code, message, {
    details: {
      app: sup.name,
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
