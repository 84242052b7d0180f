/**
 * A canary held when the daemon was replaced (`hotctl update`) or restarted (even after kill -9)
 * is held again: the state file keeps the hold (revision, worker count, share; supervisor.ts
 * `record()`), the restored app starts its active revision, then this runs as a `reload`
 * (app-registry.ts `restore`): the canary revision's workers start again beside the active ones,
 * with the same share, and `promote` / `rollback` work as before the restart.
 */
import { HotctlError } from '../protocol/index.js';
import { startCanary } from './canary.js';
import type { HeldCanaryRecord } from './op-steps.js';
import type { AppRollout } from './rollout.js';

export async function resumeCanary(a: AppRollout, held: HeldCanaryRecord): Promise<void> {
  const revision = a.revisions().find((r) => r.number === held.revision && r.outcome === 'canary');
  if (!revision) throw new HotctlError('E_NO_CANARY', `"${a.app}" has no held canary of revision ${held.revision} to restore.`);
  a.target(revision);
  a.op.step(`restoring the canary of revision ${revision.number} held before the daemon was replaced`);
  return startCanary(a, revision, held.workers, held.share);
}
