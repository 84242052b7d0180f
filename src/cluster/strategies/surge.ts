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
import type { Revision } from '../revision.js';
import type { ReloadStrategy, Rollout } from '../rollout.js';
import type { ManagedWorker } from '../worker-state.js';
import { awaitReadyAndStable, plural, range, rollBackCandidates } from '../op-steps.js';

export const surge: ReloadStrategy = {
  name: 'surge',

  async reload(r: Rollout, revision: Revision): Promise<void> {
    const n = revision.spec.instances;
    r.op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
    const fresh = r.spawn(revision, range(0, n));
    const culprit = await awaitReadyAndStable(r, fresh, revision.spec.reload_hold);
    if (culprit) return rollBackCandidates(r, revision, fresh, culprit);
    const from = r.op.fromRevision === null ? '' : `revision ${r.op.fromRevision} → `;
    const { old, killed } = await commitAndDrain(r, revision, fresh);
    r.op.transition('succeeded', `${from}revision ${revision.number}: ${plural(n, 'new worker')} ready, ${plural(old, 'old worker')} ${killed ? 'retired' : 'drained'}${killed}`);
  },

  /** The rest of the instances up beside the canary, all of them stable, then the old generation drains. */
  async promote(r: Rollout, revision: Revision, canary: readonly ManagedWorker[]): Promise<void> {
    const n = revision.spec.instances;
    const rest = range(0, n).filter((i) => !canary.some((w) => w.instance === i));
    r.op.transition('starting', `promote: starting ${plural(rest.length, 'more worker')} of revision ${revision.number}`);
    const all = [...canary, ...r.spawn(revision, rest)];
    const culprit = await awaitReadyAndStable(r, all, revision.spec.reload_hold);
    if (culprit) return rollBackCandidates(r, revision, all, culprit);
    const { old, killed } = await commitAndDrain(r, revision, all);
    r.op.transition('succeeded', `promoted revision ${revision.number}: ${plural(n, 'worker')} ready, ${plural(old, 'old worker')} ${killed ? 'retired' : 'drained'}${killed}`);
  },
};

/** The point of no return: the new revision serves; the old generation drains. */
async function commitAndDrain(r: Rollout, revision: Revision, fresh: readonly ManagedWorker[]): Promise<{ old: number; killed: string }> {
  const old = r.workers().filter((w) => !fresh.includes(w));
  r.commit(revision, fresh);
  r.op.transition('draining_old', `revision ${revision.number} is active; draining ${plural(old.length, 'old worker')}`);
  const killed = await r.retire(old, `replaced by revision ${revision.number}`, true);
  return { old: old.length, killed };
}
