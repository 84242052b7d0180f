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
 * A canary of a stop-first app runs beside the old workers by definition; its promote is
 * surge's (the rest up beside the canary, then the old generation drains).
 */
import type { Revision } from '../revision.js';
import type { ReloadStrategy, Rollout } from '../rollout.js';
import { awaitReadyAndStable, awaitUpOrDone, plural, range } from '../op-steps.js';
import { surge } from './surge.js';

export const stopFirst: ReloadStrategy = {
  name: 'stop-first',
  reload: stopFirstReload,
  promote: surge.promote,
};

async function stopFirstReload(r: Rollout, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  const previous = r.active();
  const old = r.workers();
  r.op.transition('draining_old', `stop-first: draining ${plural(old.length, 'old worker')} before revision ${revision.number} starts`);
  await r.retire(old, `stop-first reload to revision ${revision.number}`);
  r.op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
  const fresh = r.spawn(revision, range(0, n));
  const culprit = await awaitReadyAndStable(r, fresh, revision.spec.reload_hold);
  if (!culprit) {
    r.commit(revision, fresh);
    r.op.transition('draining_old', `revision ${revision.number} is active`);
    const from = r.op.fromRevision === null ? '' : `revision ${r.op.fromRevision} → `;
    r.op.transition('succeeded', `${from}revision ${revision.number}: ${plural(old.length, 'old worker')} stopped first, ${plural(n, 'new worker')} ready`);
    return;
  }
  const error = r.failure(culprit, 'E_RELOAD_FAILED');
  r.op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; starting revision ${previous?.number ?? '-'} again`);
  await r.retire(fresh, `revision ${revision.number} rolled back`);
  if (previous && old.length > 0) await awaitUpOrDone(r, r.spawn(previous, range(0, previous.spec.instances), 'serving'));
  r.reject(revision, error);
}
