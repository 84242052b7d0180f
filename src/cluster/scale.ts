/**
 * Scale: more or fewer workers of the active revision, without touching the others. Up: new
 * serving workers for the missing instances, ready before the operation succeeds (a failure
 * drains them again). Down: the highest instances drain.
 */
import { HotctlError } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { Supervisor } from './supervisor.js';
import { failureError, plural, range, retireAll } from './op-steps.js';

export async function scale(sup: Supervisor, op: Operation, instances: number): Promise<void> {
  if (!Number.isInteger(instances) || instances < 1) throw new HotctlError('E_USAGE', `scale takes a whole number ≥ 1, got ${instances}.`);
  const revision = sup.activeRevisionRecord();
  if (!revision) throw new HotctlError('E_USAGE', `"${sup.name}" has no active revision to scale; start it first.`);
  op.toRevision = revision.number;
  const live = sup.pool.workers.filter((w) => w.state !== 'draining');
  const from = sup.spec.instances;
  if (instances > from) {
    const missing = range(0, instances).filter((i) => !live.some((w) => w.instance === i));
    op.transition('starting', `scale ${from} → ${instances}: starting ${plural(missing.length, 'worker')} of revision ${revision.number}`);
    const fresh = missing.map((i) => sup.pool.spawn(i, revision, 'candidate'));
    op.transition('awaiting_ready', `waiting for ${plural(fresh.length, 'new worker')} to be ready`);
    const culprit = await sup.pool.waitFor(() => {
      const failed = fresh.find((w) => w.state !== 'forking' && w.state !== 'starting' && w.state !== 'ready');
      if (failed) return failed;
      return fresh.every((w) => w.state === 'ready') ? null : undefined;
    });
    if (culprit) {
      const error = failureError(sup, op, culprit, 'E_START_FAILED');
      op.transition('rolling_back', `worker ${culprit.id} failed; draining the new workers`);
      await retireAll(sup, fresh, 'scale failed');
      op.fail(error.toJSON(), error.message);
      return;
    }
    for (const w of fresh) w.role = 'serving';
    sup.setInstances(instances);
    op.transition('succeeded', `scaled ${sup.name} ${from} → ${instances}`);
    return;
  }
  const extra = live.filter((w) => w.instance >= instances);
  sup.setInstances(instances);
  op.transition('draining_old', `scale ${from} → ${instances}: draining ${plural(extra.length, 'worker')}`);
  await retireAll(sup, extra, `scale ${from} → ${instances}`);
  op.transition('succeeded', `scaled ${sup.name} ${from} → ${instances}`);
}
