/**
 * Surge: all new workers up, ready and stable before any old one drains. Fails safe: the new
 * workers are drained and the old generation keeps serving, untouched.
 *
 * ```
 *   old gen  ████████████████████████████████████▒▒▒▒▒▒░      (▒ draining: in-flight finish,
 *   new gen          forking─starting─ready══════stable████      Connection: close, then exit)
 *                                         └ reload_hold ┘
 * ```
 * Live workers never reach zero: under round-robin the primary closes the listening socket when
 * the last worker of that address goes away, so the old generation drains only once every new
 * worker is ready and has stayed up for reload_hold (not min_uptime: that only tells an unstable
 * crash from a stable one).
 */
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import { awaitReadyAndStable, plural, range, retireAll, rollBackCandidates, spawnCandidates } from './op-steps.js';

export async function surgeReload(sup: Supervisor, op: Operation, revision: Revision): Promise<void> {
  const n = revision.spec.instances;
  op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
  const fresh = spawnCandidates(sup, revision, range(0, n));
  const culprit = await awaitReadyAndStable(sup, op, fresh, revision.spec.reload_hold);
  if (culprit) return rollBackCandidates(sup, op, revision, fresh, culprit);

  // The point of no return: the new revision serves; the old generation drains.
  const old = sup.pool.workers.filter((w) => !fresh.includes(w));
  sup.commit(revision, fresh);
  op.transition('draining_old', `revision ${revision.number} is active; draining ${plural(old.length, 'old worker')}`);
  const killed = await retireAll(sup, old, `replaced by revision ${revision.number}`, op);
  const from = op.fromRevision === null ? '' : `revision ${op.fromRevision} → `;
  op.transition('succeeded', `${from}revision ${revision.number}: ${plural(n, 'new worker')} ready, ${plural(old.length, 'old worker')} ${killed ? 'retired' : 'drained'}${killed}`);
}
