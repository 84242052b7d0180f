/**
 * Rolling: `batch` new workers up, ready and stable, then `batch` old ones drained, until done.
 * At most `instances + batch` workers run at once (for hosts without memory for a second
 * generation). Fails safe like surge: when a batch fails, its new workers are drained and the
 * batches already replaced are rolled back the same way — old-revision workers up first, then
 * the new ones drained — so the app ends on the previous revision's workers only.
 */
import type { Revision } from '../revision.js';
import type { ReloadOptions, ReloadStrategy, Rollout } from '../rollout.js';
import type { ManagedWorker } from '../worker-state.js';
import { awaitReadyAndStable, plural, range } from '../op-steps.js';

interface Batch {
  fresh: readonly ManagedWorker[];
  instances: number[];
}

export const rolling: ReloadStrategy = {
  name: 'rolling',
  reload: (r: Rollout, revision: Revision, options: ReloadOptions) => rollingReload(r, revision, options.batch, []),
  /** The canary workers take their instances' places first, then the other instances in batches of reload_batch. */
  promote: (r: Rollout, revision: Revision, canary: readonly ManagedWorker[]) => rollingReload(r, revision, revision.spec.reload_batch, canary),
};

async function rollingReload(r: Rollout, revision: Revision, batch: number, alreadyUp: readonly ManagedWorker[]): Promise<void> {
  const n = revision.spec.instances;
  const previous = r.active();
  const old = r.workers().filter((w) => !alreadyUp.includes(w));
  const replaced: Batch[] = [];
  const todo = range(0, n).filter((i) => !alreadyUp.some((w) => w.instance === i));
  // Canary workers promoted by a rolling promote take the place of their instances' old workers first.
  if (alreadyUp.length > 0) {
    const outgoing = old.filter((w) => alreadyUp.some((c) => c.instance === w.instance));
    r.op.transition('starting', `keeping ${plural(alreadyUp.length, 'canary worker')}`);
    const broken = await awaitReadyAndStable(r, alreadyUp, 0);
    if (broken) return undo(r, revision, previous, broken, [{ fresh: [], instances: [] }], alreadyUp);
    r.op.transition('draining_old', `draining ${plural(outgoing.length, 'old worker')} replaced by the canary`);
    await r.retire(outgoing, `replaced by revision ${revision.number}`);
  }
  for (let at = 0; at < todo.length; at += batch) {
    const instances = todo.slice(at, at + batch);
    r.op.transition('starting', `revision ${revision.number}: batch ${at / batch + 1} of ${Math.ceil(todo.length / batch)}: starting ${plural(instances.length, 'new worker')}`);
    const fresh = r.spawn(revision, instances);
    const culprit = await awaitReadyAndStable(r, fresh, revision.spec.reload_hold);
    if (culprit) return undo(r, revision, previous, culprit, [...replaced, { fresh, instances }], alreadyUp);
    replaced.push({ fresh, instances });
    const outgoing = old.filter((w) => instances.includes(w.instance) && w.state !== 'exited');
    r.op.transition('draining_old', `draining ${plural(outgoing.length, 'old worker')}`);
    await r.retire(outgoing, `replaced by revision ${revision.number}`, true);
  }
  // Old workers beyond the new instance count (a reload that also scales down).
  const extra = old.filter((w) => w.state !== 'exited');
  if (extra.length > 0) {
    r.op.step(`draining ${plural(extra.length, 'extra old worker')}`);
    await r.retire(extra, `replaced by revision ${revision.number}`);
  }
  r.commit(revision, [...alreadyUp, ...replaced.flatMap((b) => b.fresh)]);
  r.op.transition('succeeded', `revision ${revision.number}: ${plural(n, 'worker')} replaced in batches of ${batch}`);
}

/** Rolls a failed rolling reload back: every replaced batch gets old-revision workers again. */
async function undo(r: Rollout, revision: Revision, previous: Revision | undefined, culprit: ManagedWorker, batches: Batch[], canary: readonly ManagedWorker[]): Promise<void> {
  const error = r.failure(culprit, 'E_RELOAD_FAILED');
  r.op.transition('rolling_back', `worker ${culprit.id}: ${culprit.failure?.message ?? 'failed'}; rolling back`);
  const failedBatch = batches[batches.length - 1]!;
  await r.retire(failedBatch.fresh, `revision ${revision.number} rolled back`);
  const toUndo: Batch[] = [...canary.map((w) => ({ fresh: [w], instances: [w.instance] })), ...batches.slice(0, -1)];
  for (const b of toUndo) {
    if (previous) {
      const back = r.spawn(previous, b.instances, 'serving');
      await r.waitFor(() => (back.every((w) => w.state === 'ready' || w.state === 'errored') ? true : undefined));
    }
    await r.retire(b.fresh, `revision ${revision.number} rolled back`);
  }
  r.reject(revision, error);
}
