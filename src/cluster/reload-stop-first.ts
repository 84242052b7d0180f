/**
 * Stop-first: the old workers drain and exit, then the new ones start — for a singleton that
 * must never run twice at once (a consumer holding a lock, a scheduler). Nothing runs in
 * between, so an app with a port refuses connections meanwhile: use it for processes that
 * serve none. Fails safe like the others as far as it can: when a new worker fails, the new
 * workers are stopped and the previous revision is started again.
 *
 * ```
 *   old gen  ████████▒▒▒░
 *   new gen              forking─starting─ready══hold████
 * ```
 */
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import { awaitReadyAndStable, awaitUpOrDone, failureError, plural, range, retireAll, spawnCandidates } from './op-steps.js';

export async function stopFirstReload(sup: Supervisor, op: Operation, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  const previous = sup.activeRevisionRecord();
  const old = sup.pool.workers.slice();
  op.transition('draining_old', `stop-first: draining ${plural(old.length, 'old worker')} before revision ${revision.number} starts`);
  await retireAll(sup, old, `stop-first reload to revision ${revision.number}`);
  op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
  const fresh = spawnCandidates(sup, revision, range(0, n));
  const culprit = await awaitReadyAndStable(sup, op, fresh, revision.spec.reload_hold);
  if (!culprit) {
    sup.commit(revision, fresh);
    op.transition('draining_old', `revision ${revision.number} is active`);
    const from = op.fromRevision === null ? '' : `revision ${op.fromRevision} → `;
    op.transition('succeeded', `${from}revision ${revision.number}: ${plural(old.length, 'old worker')} stopped first, ${plural(n, 'new worker')} ready`);
    return;
  }
  const error = failureError(sup, op, culprit, 'E_RELOAD_FAILED');
  op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; starting revision ${previous?.number ?? '-'} again`);
  await retireAll(sup, fresh, `revision ${revision.number} rolled back`);
  if (previous && old.length > 0) {
    const back = range(0, previous.spec.instances).map((i) => sup.pool.spawn(i, previous, 'serving'));
    await awaitUpOrDone(sup, back);
  }
  revision.outcome = 'failed';
  revision.error = error.toJSON();
  sup.deps.changed();
  op.fail(error.toJSON(), error.message);
}
