/**
 * Rolling: `batch` new workers up, ready and stable, then `batch` old ones drained, until done.
 * At most `instances + batch` workers run at once (for hosts without memory for a second
 * generation). Fails safe like surge: when a batch fails, its new workers are drained and the
 * batches already replaced are rolled back the same way — old-revision workers up first, then
 * the new ones drained — so the app ends on the previous revision's workers only.
 */
import type { Operation } from './operation.js';
import type { Revision } from './revision.js';
import type { Supervisor } from './supervisor.js';
import type { ManagedWorker } from './worker-state.js';
import { awaitReadyAndStable, failureError, plural, range, retireAll, spawnCandidates } from './op-steps.js';

export async function rollingReload(sup: Supervisor, op: Operation, revision: Revision, batch: number, alreadyUp: ManagedWorker[] = []): Promise<void> {
  const n = revision.spec.instances;
  const previous = sup.activeRevisionRecord();
  const old = sup.pool.workers.filter((w) => !alreadyUp.includes(w));
  const replaced: Array<{ fresh: ManagedWorker[]; instances: number[] }> = [];
  const todo = range(0, n).filter((i) => !alreadyUp.some((w) => w.instance === i));
  // Canary workers promoted by a rolling promote take the place of their instances' old workers first.
  if (alreadyUp.length > 0) {
    const outgoing = old.filter((w) => alreadyUp.some((c) => c.instance === w.instance));
    op.transition('starting', `keeping ${plural(alreadyUp.length, 'canary worker')}`);
    const broken = await awaitReadyAndStable(sup, op, alreadyUp, 0);
    if (broken) return undo(sup, op, revision, previous, broken, [{ fresh: [], instances: [] }], alreadyUp);
    op.transition('draining_old', `draining ${plural(outgoing.length, 'old worker')} replaced by the canary`);
    await retireAll(sup, outgoing, `replaced by revision ${revision.number}`);
  }
  for (let at = 0; at < todo.length; at += batch) {
    const instances = todo.slice(at, at + batch);
    op.transition('starting', `revision ${revision.number}: batch ${at / batch + 1} of ${Math.ceil(todo.length / batch)}: starting ${plural(instances.length, 'new worker')}`);
    const fresh = spawnCandidates(sup, revision, instances);
    const culprit = await awaitReadyAndStable(sup, op, fresh, revision.spec.reload_hold);
    if (culprit) return undo(sup, op, revision, previous, culprit, [...replaced, { fresh, instances }], alreadyUp);
    replaced.push({ fresh, instances });
    const outgoing = old.filter((w) => instances.includes(w.instance) && w.state !== 'exited');
    op.transition('draining_old', `draining ${plural(outgoing.length, 'old worker')}`);
    await retireAll(sup, outgoing, `replaced by revision ${revision.number}`, op);
  }
  // Old workers beyond the new instance count (a reload that also scales down).
  const extra = old.filter((w) => w.state !== 'exited');
  if (extra.length > 0) {
    op.step(`draining ${plural(extra.length, 'extra old worker')}`);
    await retireAll(sup, extra, `replaced by revision ${revision.number}`);
  }
  sup.commit(revision, [...alreadyUp, ...replaced.flatMap((r) => r.fresh)]);
  op.transition('succeeded', `revision ${revision.number}: ${plural(n, 'worker')} replaced in batches of ${batch}`);
}

/** Rolls a failed rolling reload back: every replaced batch gets old-revision workers again. */
async function undo(
  sup: Supervisor,
  op: Operation,
  revision: Revision,
  previous: Revision | undefined,
  culprit: ManagedWorker,
  batches: Array<{ fresh: ManagedWorker[]; instances: number[] }>,
  canary: ManagedWorker[],
): Promise<void> {
  const error = failureError(sup, op, culprit, 'E_RELOAD_FAILED');
  op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; rolling back`);
  const failedBatch = batches[batches.length - 1]!;
  await retireAll(sup, failedBatch.fresh, `revision ${revision.number} rolled back`);
  const toUndo = [...canary.map((w) => ({ fresh: [w], instances: [w.instance] })), ...batches.slice(0, -1)];
  for (const b of toUndo) {
    if (previous) {
      const back = b.instances.map((i) => sup.pool.spawn(i, previous, 'serving'));
      await sup.pool.waitFor(() => (back.every((w) => w.state === 'ready' || w.state === 'errored') ? true : undefined));
    }
    await retireAll(sup, b.fresh, `revision ${revision.number} rolled back`);
  }
  revision.outcome = 'failed';
  revision.error = error.toJSON();
  sup.deps.changed();
  op.fail(error.toJSON(), error.message);
}
