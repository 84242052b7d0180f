/**
 * Scale: more or fewer workers of the active revision, without touching the others. Up: new
 * workers for the missing instances, ready before the operation succeeds (a failure drains them
 * again). Down: the highest instances drain. An operation on the {@link AppRollout}, not a
 * reload strategy: no revision changes.
 */
import { HotctlError, isServingWorker, isSettledUnready } from '../protocol/index.js';
import type { AppRollout } from './rollout.js';
import { plural, range } from './op-steps.js';

export async function scale(a: AppRollout, instances: number): Promise<void> {
  if (!Number.isInteger(instances) || instances < 1) throw new HotctlError('E_USAGE', `scale takes a whole number ≥ 1, got ${instances}.`);
  const revision = a.active();
  if (!revision) throw new HotctlError('E_USAGE', `"${a.app}" has no active revision to scale; start it first.`);
  a.target(revision);
  const live = a.workers().filter((w) => w.state !== 'draining');
  const from = a.spec.instances;
  if (instances > from) {
    const missing = range(0, instances).filter((i) => !live.some((w) => w.instance === i));
    a.op.transition('starting', `scale ${from} → ${instances}: starting ${plural(missing.length, 'worker')} of revision ${revision.number}`);
    const fresh = a.spawn(revision, missing);
    a.op.transition('awaiting_ready', `waiting for ${plural(fresh.length, 'new worker')} to be ready`);
    const culprit = await a.waitFor(() => {
      const failed = fresh.find((w) => isSettledUnready(w.state));
      if (failed) return failed;
      return fresh.every((w) => isServingWorker(w.state)) ? null : undefined;
    });
    if (culprit) {
      const error = a.failure(culprit, 'E_START_FAILED');
      a.op.transition('rolling_back', `worker ${culprit.id} failed; draining the new workers`);
      await a.retire(fresh, 'scale failed');
      a.fail(error);
      return;
    }
    a.scaled(instances, fresh);
    a.op.transition('succeeded', `scaled ${a.app} ${from} → ${instances}`);
    return;
  }
  const extra = live.filter((w) => w.instance >= instances);
  a.scaled(instances, []);
  a.op.transition('draining_old', `scale ${from} → ${instances}: draining ${plural(extra.length, 'worker')}`);
  await a.retire(extra, `scale ${from} → ${instances}`);
  a.op.transition('succeeded', `scaled ${a.app} ${from} → ${instances}`);
}
