/**
 * What each operation does. Each body drives its operation through the states of operation.ts
 * on the {@link AppRollout} the supervisor hands it, and waits on the workers' transitions —
 * never on a sleep. Reloads pick their strategy from strategies/table.ts; canary.ts, scale.ts
 * and rollback.ts hold the other operations.
 */
import { HotctlError } from '../protocol/index.js';
import { promoteCanary, rollBackCanary, startCanary } from './canary.js';
import { runCanaryAnalysis } from './canary-analysis.js';
import { resumeCanary } from './canary-resume.js';
import type { OperationRequest } from './op-steps.js';
import { awaitUpOrDone, plural, range } from './op-steps.js';
import type { Revision } from './revision.js';
import type { AppRollout } from './rollout.js';
import { checkRevisionFiles, rollbackTarget } from './rollback.js';
import { rollBackToParked } from './instant-rollback.js';
import { scale } from './scale.js';
import { strategyNamed } from './strategies/table.js';

export async function runOperationBody(a: AppRollout, req: OperationRequest): Promise<void> {
  switch (a.op.kind) {
    case 'start':
      return startWorkers(a, (req.resume ? resumed(a) : undefined) ?? (await a.newRevision(req.spec ?? a.spec)));
    case 'reload': {
      refuseDuringCanary(a);
      if (req.resumeCanary) return resumeCanary(a, req.resumeCanary);
      const revision = await a.newRevision(req.spec ?? a.spec);
      if (req.auto !== undefined) return runCanaryAnalysis(a, revision, req.auto);
      if (req.canary !== undefined) return startCanary(a, revision, req.canary, req.canaryShare ?? null);
      return reloadWith(a, revision, req);
    }
    case 'restart': {
      refuseDuringCanary(a);
      if (req.reason !== undefined) a.op.step(req.reason);
      const revision = (req.resume ? resumed(a) : undefined) ?? (await a.newRevision(req.spec ?? a.spec));
      await stopAll(a, 'restart');
      return startWorkers(a, revision);
    }
    case 'promote':
      return promoteCanary(a);
    case 'rollback': {
      if (a.canary) return rollBackCanary(a, req.reason);
      const parked = a.parked();
      if (parked && (req.to === undefined || req.to === parked.revision.number) && rollBackToParked(a, req.reason, req.fault)) return;
      // Another revision asked for, or a parked worker died: the parked generation drains; a rollback as before.
      a.drainParked(`rollback to ${req.to === undefined ? 'an earlier revision' : `revision ${req.to}`}`);
      if (req.fault) throw new HotctlError('E_REVISION_NOT_FOUND', `"${a.app}" has no parked generation any more (its rollback window ended): the automatic rollback is not run.`);
      const target = rollbackTarget(a, req.to);
      await checkRevisionFiles(a, target, req.force === true);
      const revision = await a.newRevision({ ...target.spec, instances: a.spec.instances }, { cause: 'rollback', rollbackOf: target });
      return reloadWith(a, revision, req);
    }
    case 'scale':
      refuseDuringCanary(a);
      return scale(a, req.instances ?? a.spec.instances);
    case 'stop':
    case 'delete':
      if (a.canary) a.releaseCanary();
      await stopAll(a, a.op.kind);
      a.op.transition('succeeded', `${a.op.kind === 'stop' ? 'stopped' : 'deleted'} ${a.app}`);
      return;
  }
}

/** The active revision run again (a daemon restoring its apps, a cron_restart), as the operation's target. */
function resumed(a: AppRollout): Revision | undefined {
  const revision = a.active();
  if (revision) a.target(revision);
  return revision;
}

/** A reload (or rollback) of `revision` with the strategy asked for, else the revision's own: picked from the table. */
function reloadWith(a: AppRollout, revision: Revision, req: OperationRequest): Promise<void> {
  const strategy = strategyNamed(req.strategy ?? revision.spec.reload_strategy);
  return strategy.reload(a, revision, { batch: req.batch ?? revision.spec.reload_batch, ...(req.rollbackWindowMs === undefined ? {} : { rollbackWindowMs: req.rollbackWindowMs }) });
}

function refuseDuringCanary(a: AppRollout): void {
  if (a.canary) {
    throw new HotctlError('E_CANARY_ACTIVE', `A canary of revision ${a.canary.revision.number} is in progress on "${a.app}".`, {
      details: { app: a.app, revision: a.canary.revision.number },
    });
  }
}

/**
 * Starts `spec.instances` serving workers (a first start, or a restart after stopping). A worker
 * that fails before every worker is ready fails the operation, and every worker it started is
 * stopped: a failed start leaves nothing running (nor restarting in the background), and the app
 * `errored`. A job that finished (exited on purpose) before the others were ready counts as up.
 */
async function startWorkers(a: AppRollout, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  a.commit(revision, []);
  a.op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'worker')}`);
  const workers = a.spawn(revision, range(0, n), 'serving');
  a.op.transition('awaiting_ready', `waiting for ${plural(n, 'worker')} to be ready`);
  const broken = await awaitUpOrDone(a, workers);
  if (broken) {
    const error = a.failure(broken, 'E_START_FAILED');
    a.op.transition('rolling_back', `worker ${broken.id}: ${broken.failure?.message ?? 'failed'}; stopping the workers this start started`);
    await a.retire(workers, `${a.op.kind} failed`);
    a.fail(error);
    return;
  }
  a.op.transition('succeeded', `revision ${revision.number}: ${plural(n, 'worker')} ready`);
}

async function stopAll(a: AppRollout, why: 'stop' | 'delete' | 'restart'): Promise<void> {
  a.stopping();
  const workers = a.workers();
  a.op.transition('draining_old', `${why}: draining ${plural(workers.length, 'worker')}`);
  await a.retire(workers, why, true);
}
