/**
 * What each operation does. Each body drives its Operation through the states of
 * operation.ts and waits on the worker pool's transitions — never on a sleep. Reload strategies
 * live in reload-surge.ts, reload-rolling.ts and canary.ts.
 */
import type { ReloadStrategy } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import { promoteCanary, rollBackCanary, startCanary } from './canary.js';
import type { Operation } from './operation.js';
import type { OperationRequest } from './op-steps.js';
import { awaitUpOrDone, failureError, newRevision, plural, range, retireAll } from './op-steps.js';
import { rollingReload } from './reload-rolling.js';
import { stopFirstReload } from './reload-stop-first.js';
import { surgeReload } from './reload-surge.js';
import type { Revision } from './revision.js';
import { checkRevisionFiles, rollbackTarget } from './rollback.js';
import { scale } from './scale.js';
import type { Supervisor } from './supervisor.js';

export async function runOperationBody(sup: Supervisor, op: Operation, req: OperationRequest): Promise<void> {
  switch (op.kind) {
    case 'start': {
      const resumed = req.resume ? sup.activeRevisionRecord() : undefined;
      if (resumed) op.toRevision = resumed.number;
      return startWorkers(sup, op, resumed ?? (await newRevision(sup, op, req.spec ?? sup.spec)));
    }
    case 'reload': {
      refuseDuringCanary(sup);
      const revision = await newRevision(sup, op, req.spec ?? sup.spec);
      if (req.canary !== undefined) return startCanary(sup, op, revision, req.canary);
      return reloadWith(sup, op, revision, req);
    }
    case 'restart': {
      refuseDuringCanary(sup);
      if (req.reason !== undefined) op.step(req.reason);
      const resumed = req.resume ? sup.activeRevisionRecord() : undefined;
      if (resumed) op.toRevision = resumed.number;
      const revision = resumed ?? (await newRevision(sup, op, req.spec ?? sup.spec));
      await stopAll(sup, op, 'restart');
      return startWorkers(sup, op, revision);
    }
    case 'promote':
      return promoteCanary(sup, op);
    case 'rollback': {
      if (sup.canary) return rollBackCanary(sup, op, req.reason);
      const target = rollbackTarget(sup, req.to);
      await checkRevisionFiles(sup, target, req.force === true, op);
      const revision = await newRevision(sup, op, { ...target.spec, instances: sup.spec.instances }, { cause: 'rollback', rollbackOf: target });
      return reloadWith(sup, op, revision, req);
    }
    case 'scale':
      refuseDuringCanary(sup);
      return scale(sup, op, req.instances ?? sup.spec.instances);
    case 'stop':
    case 'delete':
      if (sup.canary) sup.releaseCanary();
      await stopAll(sup, op, op.kind);
      op.transition('succeeded', `${op.kind === 'stop' ? 'stopped' : 'deleted'} ${sup.name}`);
      return;
  }
}

/** Each reload strategy, by name. */
const RELOADS: Record<ReloadStrategy, (sup: Supervisor, op: Operation, revision: Revision, req: OperationRequest) => Promise<void>> = {
  surge: (sup, op, revision) => surgeReload(sup, op, revision),
  rolling: (sup, op, revision, req) => rollingReload(sup, op, revision, req.batch ?? revision.spec.reload_batch),
  'stop-first': (sup, op, revision) => stopFirstReload(sup, op, revision),
};

function reloadWith(sup: Supervisor, op: Operation, revision: Revision, req: OperationRequest): Promise<void> {
  const strategy = (req.strategy ?? revision.spec.reload_strategy) as ReloadStrategy;
  return RELOADS[strategy](sup, op, revision, req);
}

function refuseDuringCanary(sup: Supervisor): void {
  if (sup.canary) {
    throw new HotctlError('E_CANARY_ACTIVE', `A canary of revision ${sup.canary.revision.number} is in progress on "${sup.name}".`, {
      details: { app: sup.name, revision: sup.canary.revision.number },
    });
  }
}

/**
 * Starts `spec.instances` serving workers (a first start, or a restart after stopping). A worker
 * that fails before every worker is ready fails the operation, and every worker it started is
 * stopped: a failed start leaves nothing running (nor restarting in the background), and the app
 * `errored`. A job that finished (exited on purpose) before the others were ready counts as up.
 */
async function startWorkers(sup: Supervisor, op: Operation, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  sup.commit(revision, []);
  op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'worker')}`);
  const workers = range(0, n).map((i) => sup.pool.spawn(i, revision, 'serving'));
  op.transition('awaiting_ready', `waiting for ${plural(n, 'worker')} to be ready`);
  const broken = await awaitUpOrDone(sup, workers);
  if (broken) {
    const error = failureError(sup, op, broken, 'E_START_FAILED');
    op.transition('rolling_back', `worker ${broken.id}: ${broken.failure?.message ?? 'failed'}; stopping the workers this start started`);
    await retireAll(sup, workers, `${op.kind} failed`);
    op.fail(error.toJSON(), error.message);
    return;
  }
  op.transition('succeeded', `revision ${revision.number}: ${plural(n, 'worker')} ready`);
}

async function stopAll(sup: Supervisor, op: Operation, why: 'stop' | 'delete' | 'restart'): Promise<void> {
  sup.wanted = 'stopped';
  const workers = sup.pool.workers.slice();
  op.transition('draining_old', `${why}: draining ${plural(workers.length, 'worker')}`);
  await retireAll(sup, workers, why, op);
}
