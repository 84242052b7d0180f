/**
 * Surge: all new workers up and ready before any old one leaves. Fails safe: the new workers
 * are drained and the old generation keeps serving, untouched.
 *
 * Where the old generation can be parked (its listens are routed, rollback_window > 0: see
 * parking.ts), the reload commits as soon as every new worker is ready and parks the old
 * workers — alive, unrouted — for the window; a rollback within it makes them serve again:
 * ```
 *   old gen  ██████████████████████░░░░░░░░░░░░░░░░░░░▒▒▒░   (░ parked, ▒ draining: in-flight
 *   new gen          forking─starting─ready████████████████      finish, Connection: close, exit)
 *                                         └ rollback_window ┘
 * ```
 * Elsewhere (routing off, fork mode, rollback_window 0) the new workers must stay ready for
 * reload_hold before the old generation drains:
 * ```
 *   old gen  ████████████████████████████████████▒▒▒▒▒▒░
 *   new gen          forking─starting─ready══════stable████
 *                                         └ reload_hold ┘
 * ```
 * Live workers never reach zero: under node:cluster's round-robin the primary closes the
 * listening socket when the last worker of that address goes away.
 */
import type { Revision } from '../revision.js';
import type { ReloadOptions, ReloadStrategy, Rollout } from '../rollout.js';
import type { ManagedWorker } from '../worker-state.js';
import { awaitReady, awaitReadyAndStable, plural, range, rollBackCandidates } from '../op-steps.js';

export const surge: ReloadStrategy = {
  name: 'surge',

  async reload(r: Rollout, revision: Revision, options: ReloadOptions): Promise<void> {
    const n = revision.spec.instances;
    r.op.transition('starting', `revision ${revision.number}: starting ${plural(n, 'new worker')}`);
    const fresh = r.spawn(revision, range(0, n));
    const windowMs = r.parkWindowMs(revision, options.rollbackWindowMs);
    const culprit = windowMs > 0 ? await awaitReady(r, fresh) : await awaitReadyAndStable(r, fresh, revision.spec.reload_hold);
    if (culprit) return rollBackCandidates(r, revision, fresh, culprit);
    const from = r.op.fromRevision === null ? '' : `revision ${r.op.fromRevision} → `;
    const old = await commitAndRetire(r, revision, fresh, windowMs);
    r.op.transition('succeeded', `${from}revision ${revision.number}: ${plural(n, 'new worker')} ready, ${old}`);
  },

  /** The rest of the instances up beside the canary, all of them ready (and stable unless the old generation parks), then the old generation parks or drains. */
  async promote(r: Rollout, revision: Revision, canary: readonly ManagedWorker[]): Promise<void> {
    const n = revision.spec.instances;
    const rest = range(0, n).filter((i) => !canary.some((w) => w.instance === i));
    r.op.transition('starting', `promote: starting ${plural(rest.length, 'more worker')} of revision ${revision.number}`);
    const all = [...canary, ...r.spawn(revision, rest)];
    const windowMs = r.parkWindowMs(revision);
    const culprit = windowMs > 0 ? await awaitReady(r, all) : await awaitReadyAndStable(r, all, revision.spec.reload_hold);
    if (culprit) return rollBackCandidates(r, revision, all, culprit);
    const old = await commitAndRetire(r, revision, all, windowMs);
    r.op.transition('succeeded', `promoted revision ${revision.number}: ${plural(n, 'worker')} ready, ${old}`);
  },
};

/**
 * The point of no return: the new revision serves; the old generation parks for `windowMs`
 * (those of its workers that are ready; the others drain without being waited for), or drains
 * and is waited for. Returns what became of the old workers, for the summary.
 */
async function commitAndRetire(r: Rollout, revision: Revision, fresh: readonly ManagedWorker[], windowMs: number): Promise<string> {
  const previous = r.active();
  const old = r.workers().filter((w) => !fresh.includes(w));
  r.commit(revision, fresh);
  if (windowMs > 0 && previous) {
    const parked = r.park(previous, old, windowMs);
    const rest = old.filter((w) => !parked.includes(w));
    if (rest.length > 0) void r.retire(rest, `replaced by revision ${revision.number}`);
    const seconds = Math.round(windowMs / 100) / 10;
    const drained = rest.length > 0 ? `, ${plural(rest.length, 'other')} drained` : '';
    return `${plural(parked.length, 'old worker')} parked for ${seconds} s${drained} (rollback window: \`hotctl rollback ${r.app}\` makes them serve again at once)`;
  }
  r.op.transition('draining_old', `revision ${revision.number} is active; draining ${plural(old.length, 'old worker')}`);
  const killed = await r.retire(old, `replaced by revision ${revision.number}`, true);
  return `${plural(old.length, 'old worker')} ${killed ? 'retired' : 'drained'}${killed}`;
}
