/**
 * Canary: K workers of a new revision start beside the active ones and hold — both revisions
 * serve — until `promote` completes the rollout with the app's strategy (its `promote`), or
 * `rollback` retires the canary. A canary worker that crashes rolls the canary back by itself
 * (supervisor.ts). These are operations on the {@link AppRollout}; the strategy table picks
 * how a promote completes.
 */
import { HotctlError } from '../protocol/index.js';
import type { Revision } from './revision.js';
import type { AppRollout } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';
import { awaitReadyAndStable, plural, range, rollBackCandidates } from './op-steps.js';
import { strategyNamed } from './strategies/table.js';

/** `share`: the percentage of new connections for the canary revision (the daemon sets the router's weights from the hold), or null: by worker count. */
export async function startCanary(a: AppRollout, revision: Revision, k: number, share: number | null = null): Promise<void> {
  if ((await bringUpCanary(a, revision, k, share)) === null) return;
  const part = share === null ? '' : ` take ${share}% of new connections and`;
  a.op.transition('succeeded', `canary: ${plural(k, 'worker')} of revision ${revision.number}${part} serve beside revision ${a.op.fromRevision ?? '-'}; \`hotctl promote ${a.app}\` or \`hotctl rollback ${a.app}\``);
}

/**
 * Starts K canary workers and holds them: the hold (and with it the canary's share of new
 * connections) begins the moment every one is ready, not after reload_hold, so that the share
 * asked for is the share taken throughout. Resolves with the workers once they have stayed
 * ready for reload_hold; null when one failed (then the canary is gone and the operation failed).
 */
export async function bringUpCanary(a: AppRollout, revision: Revision, k: number, share: number | null): Promise<readonly ManagedWorker[] | null> {
  const n = revision.spec.instances;
  if (!Number.isInteger(k) || k < 1 || k >= Math.max(2, n + 1)) {
    throw new HotctlError('E_USAGE', `--canary takes a whole number from 1 to ${n}, got ${k}.`);
  }
  a.op.transition('starting', `canary: starting ${plural(k, 'worker')} of revision ${revision.number} beside revision ${a.op.fromRevision ?? '-'}`);
  const fresh = a.spawn(revision, range(0, k));
  const culprit = await awaitReadyAndStable(a, fresh, revision.spec.reload_hold, () => a.holdCanary(revision, fresh, share));
  if (!culprit) return fresh;
  if (a.canary) a.releaseCanary();
  await rollBackCandidates(a, revision, fresh, culprit);
  return null;
}

export async function promoteCanary(a: AppRollout): Promise<void> {
  const canary = a.canary;
  if (!canary) throw new HotctlError('E_NO_CANARY', `"${a.app}" has no canary to promote.`);
  a.target(canary.revision);
  a.releaseCanary();
  return strategyNamed(canary.revision.spec.reload_strategy).promote(a, canary.revision, canary.workers);
}

export async function rollBackCanary(a: AppRollout, reason: string | undefined): Promise<void> {
  const canary = a.canary;
  if (!canary) throw new HotctlError('E_NO_CANARY', `"${a.app}" has no canary to roll back.`);
  a.target(canary.revision);
  a.releaseCanary();
  a.op.transition('draining_old', `${reason ? `${reason}: ` : ''}retiring ${plural(canary.workers.length, 'canary worker')} of revision ${canary.revision.number}`);
  await a.retire(canary.workers, 'canary rolled back');
  a.canaryRolledBack(canary.revision);
  a.op.transition('succeeded', `canary of revision ${canary.revision.number} rolled back; revision ${a.op.fromRevision ?? '-'} serves alone`);
}
