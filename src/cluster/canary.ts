/**
 * Canary: K workers of a new revision start beside the active ones and hold — both revisions
 * serve — until `promote` completes the rollout with the app's strategy, or `rollback` retires
 * the canary. A canary worker that crashes rolls the canary back by itself (supervisor.ts).
 */
import { HotctlError } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import { awaitReadyAndStable, plural, range, retireAll, rollBackCandidates, spawnCandidates } from './op-steps.js';
import { rollingReload } from './reload-rolling.js';

export async function startCanary(sup: Supervisor, op: Operation, revision: Revision, k: number): Promise<void> {
  const n = revision.spec.instances;
  if (!Number.isInteger(k) || k < 1 || k >= Math.max(2, n + 1)) {
    throw new HotctlError('E_USAGE', `--canary takes a whole number from 1 to ${n}, got ${k}.`);
  }
  op.transition('starting', `canary: starting ${plural(k, 'worker')} of revision ${revision.number} beside revision ${op.fromRevision ?? '-'}`);
  const fresh = spawnCandidates(sup, revision, range(0, k));
  const culprit = await awaitReadyAndStable(sup, op, fresh, revision.spec.reload_hold);
  if (culprit) return rollBackCandidates(sup, op, revision, fresh, culprit);
  sup.holdCanary(revision, fresh);
  op.transition('succeeded', `canary: ${plural(k, 'worker')} of revision ${revision.number} serve beside revision ${op.fromRevision ?? '-'}; \`hotctl promote ${sup.name}\` or \`hotctl rollback ${sup.name}\``);
}

export async function promoteCanary(sup: Supervisor, op: Operation): Promise<void> {
  const canary = sup.canary;
  if (!canary) throw new HotctlError('E_NO_CANARY', `"${sup.name}" has no canary to promote.`);
  op.toRevision = canary.revision.number;
  const { revision, workers } = canary;
  if (revision.spec.reload_strategy === 'rolling') {
    sup.releaseCanary();
    return rollingReload(sup, op, revision, revision.spec.reload_batch, workers);
  }
  const n = revision.spec.instances;
  const rest = range(0, n).filter((i) => !workers.some((w) => w.instance === i));
  op.transition('starting', `promote: starting ${plural(rest.length, 'more worker')} of revision ${revision.number}`);
  const fresh = spawnCandidates(sup, revision, rest);
  const culprit = await awaitReadyAndStable(sup, op, [...workers, ...fresh], revision.spec.reload_hold);
  sup.releaseCanary();
  if (culprit) return rollBackCandidates(sup, op, revision, [...workers, ...fresh], culprit);
  const old = sup.pool.workers.filter((w) => !workers.includes(w) && !fresh.includes(w));
  sup.commit(revision, [...workers, ...fresh]);
  op.transition('draining_old', `revision ${revision.number} is active; draining ${plural(old.length, 'old worker')}`);
  const killed = await retireAll(sup, old, `replaced by revision ${revision.number}`, op);
  op.transition('succeeded', `promoted revision ${revision.number}: ${plural(n, 'worker')} ready, ${plural(old.length, 'old worker')} ${killed ? 'retired' : 'drained'}${killed}`);
}

export async function rollBackCanary(sup: Supervisor, op: Operation, reason: string | undefined): Promise<void> {
  const canary = sup.canary;
  if (!canary) throw new HotctlError('E_NO_CANARY', `"${sup.name}" has no canary to roll back.`);
  op.toRevision = canary.revision.number;
  sup.releaseCanary();
  op.transition('draining_old', `${reason ? `${reason}: ` : ''}retiring ${plural(canary.workers.length, 'canary worker')} of revision ${canary.revision.number}`);
  await retireAll(sup, canary.workers, 'canary rolled back');
  canary.revision.outcome = 'rolled_back';
  sup.deps.changed();
  op.transition('succeeded', `canary of revision ${canary.revision.number} rolled back; revision ${op.fromRevision ?? '-'} serves alone`);
}
