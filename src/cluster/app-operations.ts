/**
 * What each operation does, step by step. Each body drives its Operation through the states
 * of operation.ts and waits on the worker pool's transitions — never on a sleep.
 *
 * The surge reload is the heart of hotctl:
 *
 * ```
 *   old gen  ████████████████████████████████████▒▒▒▒▒▒░      (▒ draining: in-flight finish,
 *   new gen          forking─starting─ready══════stable████      Connection: close, then exit)
 *                                         └ min_uptime ┘
 *   live workers never reach zero: the old generation drains only once every new worker is
 *   ready and has stayed up for min_uptime. Any failure before that point drains the new
 *   workers instead and leaves the old generation untouched.
 * ```
 */
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import type { ManagedWorker } from './worker-state.js';

export async function runOperationBody(sup: Supervisor, op: Operation, spec: AppSpec | undefined): Promise<void> {
  switch (op.kind) {
    case 'start':
      return start(sup, op, spec ?? sup.spec);
    case 'reload':
      return surgeReload(sup, op, spec ?? sup.spec);
    case 'restart':
      await stopAll(sup, op, 'restart');
      return startWorkers(sup, op, await revisionFor(sup, op, spec ?? sup.spec));
    case 'stop':
    case 'delete':
      await stopAll(sup, op, op.kind);
      op.transition('succeeded', `${op.kind === 'stop' ? 'stopped' : 'deleted'} ${sup.name}`);
      return;
  }
}

async function revisionFor(sup: Supervisor, op: Operation, spec: AppSpec): Promise<Revision> {
  const revision = await sup.createRevision(spec);
  op.toRevision = revision.number;
  return revision;
}

async function start(sup: Supervisor, op: Operation, spec: AppSpec): Promise<void> {
  await startWorkers(sup, op, await revisionFor(sup, op, spec));
}

/**
 * Starts `spec.instances` serving workers (a first start, or a restart after stopping). A worker
 * that crashes before every worker is ready fails the operation; the crash policy keeps
 * restarting it with backoff in the background (or marks it errored), as status shows.
 */
async function startWorkers(sup: Supervisor, op: Operation, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  sup.activate(revision);
  op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'worker')}`);
  const workers = range(n).map((i) => sup.pool.spawn(i, revision, 'serving'));
  op.transition('awaiting_ready', `waiting for ${plural(n, 'worker')} to be ready`);
  const broken = await sup.pool.waitFor<ManagedWorker | null>(() => {
    const failed = workers.find((w) => w.state === 'crashed' || w.state === 'backoff' || w.state === 'errored' || w.state === 'exited');
    if (failed) return failed;
    return workers.every((w) => w.state === 'ready') ? null : undefined;
  });
  if (broken) {
    const error = failureError(sup, op, broken, 'E_START_FAILED');
    op.fail(error.toJSON(), error.message);
    return;
  }
  op.transition('succeeded', `revision ${revision.number}: ${plural(n, 'worker')} ready`);
}

/**
 * Surge: all new workers up, ready and stable before any old one drains. Fails safe: the new
 * workers are drained and the old generation keeps serving, untouched.
 */
async function surgeReload(sup: Supervisor, op: Operation, spec: AppSpec): Promise<void> {
  const revision = await revisionFor(sup, op, spec);
  const n = spec.instances;
  op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
  const fresh = range(n).map((i) => sup.pool.spawn(i, revision, 'candidate'));

  op.transition('awaiting_ready', `waiting for ${plural(n, 'new worker')} to be ready`);
  const notReady = await sup.pool.waitFor<ManagedWorker | null>(() => {
    const failed = fresh.find((w) => w.state !== 'forking' && w.state !== 'starting' && w.state !== 'ready');
    if (failed) return failed;
    return fresh.every((w) => w.state === 'ready') ? null : undefined;
  });
  if (notReady) return rollBack(sup, op, revision, fresh, notReady);

  const stableAfterMs = spec.min_uptime - (sup.deps.clock.now() - Math.max(...fresh.map((w) => w.sinceMs)));
  op.transition('stabilizing', `all new workers ready; holding ${Math.max(0, stableAfterMs)} ms (min_uptime) before the old ones drain`);
  const unstable = await sup.pool.waitFor<ManagedWorker | null>(() => fresh.find((w) => w.state !== 'ready'), {
    afterMs: stableAfterMs,
    onTimeout: () => null,
  });
  if (unstable) return rollBack(sup, op, revision, fresh, unstable);

  // The point of no return: the new revision serves; the old generation drains.
  for (const w of fresh) w.role = 'serving';
  const old = sup.pool.workers.filter((w) => !fresh.includes(w));
  sup.activate(revision);
  op.transition('draining_old', `revision ${revision.number} is active; draining ${plural(old.length, 'old worker')}`);
  for (const w of old) sup.pool.retire(w, `replaced by revision ${revision.number}`);
  await sup.pool.waitFor(() => (old.every((w) => w.state === 'exited') ? true : undefined));
  const from = op.fromRevision === null ? '' : `revision ${op.fromRevision} → `;
  op.transition('succeeded', `${from}revision ${revision.number}: ${plural(n, 'new worker')} ready, ${plural(old.length, 'old worker')} drained`);
}

async function rollBack(sup: Supervisor, op: Operation, revision: Revision, fresh: ManagedWorker[], culprit: ManagedWorker): Promise<void> {
  const error = failureError(sup, op, culprit, 'E_RELOAD_FAILED');
  op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; stopping the new workers`);
  for (const w of fresh) sup.pool.retire(w, `revision ${revision.number} rolled back`);
  await sup.pool.waitFor(() => (fresh.every((w) => w.state === 'exited') ? true : undefined));
  revision.outcome = 'failed';
  revision.error = error.toJSON();
  sup.deps.changed();
  op.fail(error.toJSON(), error.message);
}

async function stopAll(sup: Supervisor, op: Operation, why: 'stop' | 'delete' | 'restart'): Promise<void> {
  sup.wanted = 'stopped';
  const workers = sup.pool.workers.slice();
  op.transition('draining_old', `${why}: draining ${plural(workers.length, 'worker')}`);
  for (const w of workers) sup.pool.retire(w, why);
  await sup.pool.waitFor(() => (workers.every((w) => w.state === 'exited') ? true : undefined));
}

/** The error an operation fails with when `worker` broke: the cause, and its stderr tail. */
function failureError(sup: Supervisor, op: Operation, worker: ManagedWorker, code: 'E_RELOAD_FAILED' | 'E_START_FAILED'): HotctlError {
  const cause = worker.failure ?? { code: 'E_WORKER_EXITED' as const, message: 'exited' };
  const kept = op.fromRevision === null || code === 'E_START_FAILED' ? '' : `; revision ${op.fromRevision} keeps serving`;
  const message = `${op.kind} of "${sup.name}" failed: new worker ${worker.id}${worker.lastPid ? ` (pid ${worker.lastPid})` : ''} ${cause.message}${kept}`;
  return new HotctlError(cause.code === 'E_PORT_IN_USE' ? 'E_PORT_IN_USE' : code, message, {
    details: {
      app: sup.name,
      cause: cause.code,
      worker_id: worker.id,
      pid: worker.lastPid,
      revision: worker.revision,
      kept_revision: code === 'E_RELOAD_FAILED' ? op.fromRevision : null,
      stderr: worker.stderrTail.slice(-20),
    },
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
